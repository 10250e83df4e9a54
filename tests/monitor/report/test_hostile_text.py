"""Portal text stays text: a portal on 127.0.0.1 whose pages carry rich markup, escape
sequences and bidirectional overrides, crawled by a real nightly run, then shown by
every command a person reads (nightly, audit, query, alerts list)."""

import json
import os
import re

import pytest

from monitor.demo.html_server import html_server
from tests.conftest import govwatch

# A nightly run in a subprocess against a portal served on 127.0.0.1.
pytestmark = pytest.mark.slow

# What a hostile or careless portal writes: rich markup, an SGR colour, an OSC 8
# hyperlink, a C1 CSI, bidirectional override and isolate.
PUBLISHER = ("财政局[/b] [pdf] [link=http://evil.example/]点我[/link] \x1b[31mRED\x1b[0m "
             "\x1b]8;;http://evil.example/\x07osc\x1b]8;;\x07 \u202egnp.exe\u202c \u2066iso\u2069 \x9b31mC1")
TITLE = "关于[bold]通知[/bold]的通知\x1b[2J\x1b]0;pwned\x07"
LISTING_TITLE = "栏目[/i]\x1b[5mBLINK\x1b[0m\u202eRTL"
# The same text as a terminal must show it: every character but the control ones.
SHOWN = {
    "publisher": "财政局[/b] [pdf] [link=http://evil.example/]点我[/link] [31mRED[0m "
                 "]8;;http://evil.example/osc]8;; gnp.exe iso 31mC1",
    "title": "关于[bold]通知[/bold]的通知[2J]0;pwned",
    "listing": "栏目[/i][5mBLINK[0mRTL",
}
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

LISTING = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>信息公开</title></head><body><ul>"
    "<li><a href='/info/1/1.htm'>通知</a><span>2020-10-23</span></li>"
    "<li><a href='/xxgk/scripted.htm'>政策解读</a></li></ul></body></html>"
)
SCRIPTED = (
    f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{LISTING_TITLE}</title>"
    "<script src='/xxgk/js/xxgkPage.js'></script></head><body><ul class='list'></ul></body></html>"
)
# Formed 2020-08-03, published 2020-10-23: late against 15 and 20 working days.
DETAIL = (
    f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>通知</title></head><body><h1>{TITLE}</h1>"
    "<table><tr><td>索引号</td><td>czj/2020-0001</td><td>发布机构</td>"
    f"<td>{PUBLISHER}</td><td>公开日期</td><td>2020-10-23</td><td>成文日期</td><td>2020-08-03</td></tr></table>"
    "<div id='zoom'><p>正文。</p></div></body></html>"
)


def env(**extra) -> dict:
    """The environment of a command whose tables are wide enough for the whole text."""
    return {**os.environ, "COLUMNS": "1000", **extra}


@pytest.fixture(scope="module")
def portal():
    """A two-column portal on 127.0.0.1: one hostile document and a scripted column."""
    pages = {"/xxgk/list.htm": LISTING, "/xxgk/scripted.htm": SCRIPTED, "/info/1/1.htm": DETAIL}

    def route(path):
        return (200, pages[path].encode("utf-8")) if path in pages else (404, b"<html><body>404</body></html>")

    with html_server(route) as url:
        yield url


@pytest.fixture(scope="module")
def nightly(portal, tmp_path_factory):
    """A nightly run (without a mail server) over the hostile portal: its output and database."""
    tmp = tmp_path_factory.mktemp("hostile")
    db = tmp / "govwatch.db"
    config = tmp / "govwatch.toml"
    config.write_text(
        f'[alerts]\nlimits = [20]\nsince = "2020-01-01"\n'
        f'[crawl]\nsite = "leda"\ndb = "{db}"\nstart_urls = ["{portal}/xxgk/list.htm"]\n',
        encoding="utf-8",
    )
    result = govwatch("nightly", "--config", config, env=env())
    assert "Traceback" not in result.stderr, result.stderr
    return result, db


def assert_literal(result, *shown):
    """The command succeeded, shows each text of ``shown`` literally, and printed no control character."""
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert not UNSAFE.search(result.stdout), repr(result.stdout)
    for text in shown:
        assert text in result.stdout, repr(result.stdout)


def test_the_hostile_values_are_stored_exactly(nightly):
    _, db = nightly
    result = govwatch("query", "--db", db, "--json", "SELECT publisher, title FROM documents")
    assert json.loads(result.stdout) == [{"publisher": PUBLISHER, "title": TITLE}]


def test_nightly_stage_lines_show_portal_text_literally(nightly):
    result, _ = nightly
    assert_literal(result, SHOWN["listing"])
    assert [line.split(" ", 2)[1] for line in result.stdout.splitlines()] == ["crawl:", "health:", "audit:", "alerts:"]


def test_audit_shows_the_publisher_literally(nightly):
    _, db = nightly
    assert_literal(govwatch("audit", "--db", db, "--year", "2020", env=env()), SHOWN["publisher"])


def test_query_shows_values_and_column_names_literally(nightly):
    _, db = nightly
    result = govwatch("query", "--db", db, 'SELECT publisher, title AS "[/b][link=x]" FROM documents', env=env())
    assert_literal(result, SHOWN["publisher"], SHOWN["title"], "[/b][link=x]")


def test_alerts_list_shows_subjects_literally(nightly):
    _, db = nightly
    assert_literal(govwatch("alerts", "list", "--db", db, env=env()), SHOWN["title"])


def test_on_a_terminal_only_govwatch_styles_and_no_hyperlink_or_other_sequence(nightly):
    _, db = nightly
    # FORCE_COLOR makes rich write for a terminal: bold headers as SGR sequences.
    result = govwatch("query", "--db", db, "SELECT publisher, title FROM documents", env=env(FORCE_COLOR="1"))
    assert result.returncode == 0, result.stderr
    assert "\x1b[" in result.stdout
    unstyled = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    assert not UNSAFE.search(unstyled), repr(unstyled)
    assert SHOWN["publisher"] in unstyled and SHOWN["title"] in unstyled
