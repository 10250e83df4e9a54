"""The govwatch command's contract: JSON shapes, exit statuses, one-line errors."""

import argparse
import fcntl
import json
import os
import re
import sqlite3
import subprocess
from importlib.metadata import version
from pathlib import Path

import pytest

from crawler.parsing import RECORD_KEYS
from crawler.settings import USER_AGENT
from monitor.command import govwatch_command
from monitor.cli.main import EXIT_READER_GONE, build_parser, main
from storage.db import open_db
from tests.conftest import govwatch

FILES = Path(__file__).parents[2] / "files"


def subcommands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Every command the parser accepts, as (words, its parser): ("crawl",), ("alerts", "list") …"""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                yield (*path, name), subparser
                yield from subcommands(subparser, (*path, name))


SUBCOMMANDS = dict(subcommands(build_parser()))
# The README: "--db FILE is the database everywhere (default govwatch.db; govwatch-demo.db for the demo)".
DB_DEFAULTS = {("demo",): "govwatch-demo.db"}


@pytest.mark.slow
@pytest.mark.parametrize("page", sorted(FILES.glob("*.html")), ids=lambda path: path.name)
def test_parse_prints_exactly_the_record_keys(page):
    result = govwatch("parse", page, "--url", "http://www.leda.gov.cn/info/1/1.htm")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert list(record) == list(RECORD_KEYS)
    assert isinstance(record["is_disclosure"], bool) and isinstance(record["warnings"], list)


@pytest.mark.slow
@pytest.mark.parametrize("setup, message", [
    (lambda path: None, "cannot read"),
    (lambda path: path.write_bytes(b""), "is empty"),
    (lambda path: path.write_bytes(b"  \n\t "), "is empty"),
    (lambda path: path.mkdir(), "cannot read"),
])
def test_parse_unreadable_or_empty_file_is_one_line_and_exit_2(tmp_path, setup, message):
    path = tmp_path / "page.html"
    setup(path)
    result = govwatch("parse", path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_the_subcommands_are_read_from_the_parser():
    assert {("report",), ("explore",), ("alerts", "list"), ("alerts", "test"), ("demo",)} <= set(SUBCOMMANDS)


@pytest.mark.parametrize("command", SUBCOMMANDS, ids=" ".join)
def test_every_subcommand_has_help(command, capsys):
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0 and capsys.readouterr().out.startswith(f"usage: govwatch {' '.join(command)}")


@pytest.mark.slow
def test_the_command_line_help_runs_as_a_program():
    result = govwatch("--help")
    assert result.returncode == 0
    assert all(name in result.stdout for (name, *more) in SUBCOMMANDS if not more)


def test_version_and_user_agent_are_the_package_metadata_version():
    result = govwatch("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"govwatch {version('govwatch')}"
    assert USER_AGENT.startswith(f"govwatch/{version('govwatch')} ")


def test_query_is_read_only(crawled_copy):
    before = crawled_copy.read_bytes()
    result = govwatch("query", "--db", crawled_copy, "DELETE FROM documents")
    assert result.returncode == 2
    assert result.stderr == ("govwatch query: refused: queries only read the database, "
                             "and this one needs DELETE on documents\n")
    assert govwatch("query", "--db", crawled_copy, "--json", "SELECT count(*) AS n FROM documents").stdout
    assert crawled_copy.read_bytes() == before


@pytest.mark.parametrize("sql, needs", [
    ("ATTACH '{new}' AS other", "ATTACH of another file"),
    ("VACUUM INTO '{new}'", "ATTACH of another file"),
    ("INSERT INTO crawl_runs (status) VALUES ('x')", "INSERT on crawl_runs"),
    ("UPDATE documents SET title = 'x'", "UPDATE on documents"),
    ("CREATE TEMP TABLE t AS SELECT * FROM documents", "INSERT on sqlite_temp_master"),
    ("PRAGMA journal_mode = DELETE", "PRAGMA journal_mode = DELETE"),
    ("PRAGMA user_version = 99", "PRAGMA user_version = 99"),
    ("SELECT load_extension('{new}')", "the function load_extension()"),
])
def test_query_writes_no_file_at_all(crawled_copy, tmp_path, sql, needs):
    new = tmp_path / "elsewhere" / "copy.db"
    new.parent.mkdir()
    before = crawled_copy.read_bytes()
    result = govwatch("query", "--db", crawled_copy, sql.format(new=new))
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("govwatch query: refused: ") and needs in result.stderr
    assert result.stderr.count("\n") == 1
    assert list(new.parent.iterdir()) == []
    # Besides the WAL index every reader of a WAL database shares, no file appeared.
    assert {path.name for path in tmp_path.iterdir()} <= {"govwatch.db", "govwatch.db-wal", "govwatch.db-shm",
                                                          "elsewhere"}
    assert crawled_copy.read_bytes() == before


def test_query_reads_tables_views_and_reporting_pragmas(crawled_db):
    for sql in ("SELECT count(*) AS n FROM timeliness WHERE workdays > 20",
                "PRAGMA table_info(documents)", "SELECT name FROM pragma_table_info('alerts')",
                "PRAGMA user_version",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT i FROM n"):
        result = govwatch("query", "--db", crawled_db, "--json", sql)
        assert result.returncode == 0, (sql, result.stderr)
        assert json.loads(result.stdout), sql


def test_query_json_rows(crawled_db):
    result = govwatch("query", "--db", crawled_db, "--json",
                      "SELECT year, count(*) AS n FROM publications GROUP BY year ORDER BY year")
    rows = json.loads(result.stdout)
    assert [row["year"] for row in rows] == ["2019", "2020", "2021"] and all(row["n"] > 0 for row in rows)


@pytest.mark.slow
def test_claims_of_the_2020_report(tmp_path):
    result = govwatch("claims", FILES / "reports" / "leda-2020-annual-report.md")
    claims = {claim["key"]: claim["value"] for claim in json.loads(result.stdout)["claims"]}
    assert claims["portal_items"] == 2763 and claims["interpretations"] == 43


@pytest.mark.slow
def test_unknown_site_is_a_usage_error(tmp_path):
    result = govwatch("crawl", "--site", "nowhere", "--db", tmp_path / "g.db")
    assert result.returncode == 2 and "unknown site 'nowhere'" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("command", ["crawl", "audit", "report"])
def test_bad_profile_file_is_one_line_and_exit_2(tmp_path, command):
    profile = tmp_path / "mine.toml"
    profile.write_text('name = "mine"\nstart_urls = ["http://127.0.0.1:9/"]\n[claims]\nportal_items = { observe = "pages" }\n',
                       encoding="utf-8")
    result = govwatch(command, "--profile", profile, "--db", tmp_path / "g.db")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"profile {profile}: claims.portal_items: 'observe' must be one of" in result.stderr
    assert not (tmp_path / "g.db").exists()


@pytest.mark.slow
def test_unreachable_portal_is_recorded_not_a_crash(tmp_path):
    db = tmp_path / "g.db"
    result = govwatch("crawl", "--start-url", "http://127.0.0.1:9/", "--db", db,
                      "--allow-prefix", "/")
    assert "Traceback" not in result.stderr
    rows = govwatch("query", "--db", db, "--json", "SELECT url, error FROM fetch_errors").stdout
    errors = json.loads(rows)
    assert errors and all(row["url"].startswith("http://127.0.0.1:9/") for row in errors)
    assert "1 errors" in result.stdout


def test_audit_range_must_be_dates(crawled_db):
    result = govwatch("audit", "--db", crawled_db, "--from", "2020-02-30")
    assert result.returncode == 2 and "'2020-02-30' is not a date" in result.stderr


def read_a_little_then_hang_up(*args) -> tuple[int, str]:
    """Run govwatch with its stdout on a one-page pipe, read 100 bytes and close the pipe,
    as `| head -c 100` does; return the exit status and stderr.

    Python's stdout is buffered as it is for a user: unbuffered (PYTHONUNBUFFERED), a
    write cut short by the closed pipe is dropped by Python without an error.
    """
    reader, writer = os.pipe()
    # The smallest pipe: any output longer than a page meets the closed end.
    fcntl.fcntl(reader, fcntl.F_SETPIPE_SZ, 4096)
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    with subprocess.Popen(govwatch_command(*args), stdout=writer,
                          stderr=subprocess.PIPE, text=True, env=env) as process:
        os.close(writer)
        with os.fdopen(reader, "rb") as pipe:
            assert len(pipe.read(100)) == 100
        stderr = process.stderr.read()
    return process.wait(timeout=600), stderr


def big_page(tmp_path: Path) -> Path:
    """The leda detail page with a body of some 300 kB."""
    paragraph = "<p>　　会议要求，各科室要高度重视政务公开工作，严格落实信息发布审核制度。</p>\n"
    page = (FILES / "leda_vsb_detail.html").read_text(encoding="utf-8")
    path = tmp_path / "big.html"
    path.write_text(page.replace('<div class="v_news_content">', '<div class="v_news_content">' + paragraph * 3000),
                    encoding="utf-8")
    return path


def with_alerts(db_path: Path) -> Path:
    """The database with the late documents of 2020 queued as alerts."""
    from monitor.alerts.mail import queue_late
    from monitor.audit.run import run_audit

    db = open_db(db_path)
    queue_late(db, run_audit(db, year=2020)["timeliness"]["late_items"], (15, 20))
    db.close()
    return db_path


@pytest.mark.parametrize("command", [
    lambda tmp_path, db: ["parse", big_page(tmp_path)],
    lambda tmp_path, db: ["audit", "--db", db, "--year", 2020, "--json"],
    lambda tmp_path, db: ["audit", "--db", db, "--year", 2020],
    lambda tmp_path, db: ["query", "--db", db, "--json", "SELECT * FROM documents"],
    lambda tmp_path, db: ["alerts", "list", "--db", with_alerts(db), "--json"],
    lambda tmp_path, db: ["alerts", "list", "--db", with_alerts(db)],
], ids=["parse", "audit --json", "audit", "query --json", "alerts list --json", "alerts list"])
def test_output_piped_to_head_ends_quietly(command, tmp_path, crawled_copy):
    status, stderr = read_a_little_then_hang_up(*command(tmp_path, crawled_copy))
    assert (status, stderr) == (EXIT_READER_GONE, "")


def published_span(db) -> tuple[str, str]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT min(published_on), max(published_on) FROM documents"
                            " WHERE is_disclosure = 1").fetchone()


@pytest.mark.parametrize("period", [["--year", 2030], ["--from", "2030-01-01", "--to", "2030-06-30"]])
def test_an_audit_of_a_period_without_documents_names_the_dates_the_database_holds(crawled_copy, period):
    result = govwatch("audit", "--db", crawled_copy, *period, "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["totals"]["documents"] == 0
    first, last = published_span(crawled_copy)
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("govwatch audit: no documents were published 2030-")
    assert result.stderr.endswith(f"the database holds documents published {first} .. {last}\n")


def test_a_reversed_period_is_a_usage_error(crawled_copy):
    result = govwatch("audit", "--db", crawled_copy, "--from", "2021-01-01", "--to", "2020-01-01")
    assert result.returncode == 2
    assert result.stderr == "govwatch audit: the period 2021-01-01 .. 2020-01-01 ends before it starts\n"


def test_period_dates_are_read_in_any_iso_form(crawled_copy):
    def audit(first, last):
        return json.loads(govwatch("audit", "--db", crawled_copy, "--from", first, "--to", last, "--json").stdout)

    compact, dashed = audit("20200301", "20200331"), audit("2020-03-01", "2020-03-31")
    assert compact["period"] == dashed["period"] == {"from": "2020-03-01", "to": "2020-03-31"}
    assert compact["totals"]["documents"] == dashed["totals"]["documents"] > 0


WITH_DB = [command for command, parser in SUBCOMMANDS.items()
           if any("--db" in action.option_strings for action in parser._actions)]


def test_the_commands_that_use_the_database_have_db():
    uses_db = {("crawl",), ("demo",), ("audit",), ("report",), ("explore",), ("query",), ("alerts", "list")}
    assert uses_db <= set(WITH_DB)


@pytest.mark.parametrize("command", WITH_DB, ids=" ".join)
def test_every_db_option_says_what_it_is_and_its_default(command, capsys, monkeypatch):
    default = DB_DEFAULTS.get(command, "govwatch.db")
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    help_text = capsys.readouterr().out
    assert re.search(rf"^  --db FILE +the SQLite database file \(default: {re.escape(default)}\)$", help_text, re.M)
    db = next(action for action in SUBCOMMANDS[command]._actions if "--db" in action.option_strings)
    assert db.default == default
