"""`govwatch crawl` checks the link targets it does not fetch anyway, over real HTTP: a HEAD
request, a GET of the first byte where HEAD is refused, each target once, retries before
a server error counts; then the dead-link rule reads the file the crawl wrote."""

import datetime as dt
import threading
from collections import Counter

import pytest

from crawler.profiles import PROFILES
from monitor.audit.rulebook import Scope, dead_link
from monitor.demo.html_server import html_server
from storage.db import open_db
from tests.conftest import govwatch
from tests.responses import FILES
from tests.sqlite_rows import query

# Crawls a site served on 127.0.0.1, in a subprocess.
pytestmark = pytest.mark.slow

# Outside the section's path prefixes: linked, never crawled, so only a link check asks for them.
TARGETS = {"/other/page.htm": "页面", "/files/a.pdf": "附件", "/other/gone.htm": "已删除",
           "/files/missing.pdf": "缺失附件", "/other/broken.htm": "故障", "/other/flaky.htm": "偶发"}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One crawl of a start page and a listing page that both link every target, and a
    document (a saved detail page). The server knows no HEAD (501, as http.server
    answers), nor ranges: it sends whole bodies."""
    asked = Counter()
    lock = threading.Lock()
    links = "".join(f'<a href="{path}">{text}</a>' for path, text in TARGETS.items())

    def route(path):
        with lock:
            asked[path] += 1
            count = asked[path]
        if path in ("/zfxxgk/", "/zfxxgk/list.htm"):
            return 200, (f'<html><body><a href="/zfxxgk/list.htm">列表</a><a href="/zfxxgk/doc.htm">文件</a>{links}'
                         '</body></html>').encode()
        if path == "/zfxxgk/doc.htm":
            return 200, (FILES / "leda_vsb_detail.html").read_bytes()
        if path in ("/other/page.htm", "/files/a.pdf"):
            return 200, b"%PDF-1.4 " + b"x" * 4096
        if path == "/other/broken.htm":
            return 500, b"error"
        if path == "/other/flaky.htm":
            return (503, b"busy") if count == 1 else (200, b"<html><body>ok</body></html>")
        return 404, b"<html><body>404</body></html>"

    db = tmp_path_factory.mktemp("links") / "govwatch.db"
    with html_server(route) as url:
        result = govwatch("crawl", "--site", "leda", "--start-url", url + "/zfxxgk/", "--db", db)
        assert result.returncode == 0, result.stderr
    return {"db": db, "url": url, "asked": asked}


def test_each_target_is_asked_once_by_a_ranged_get_when_head_is_refused(crawled):
    rows = query(crawled["db"], "SELECT url, status, method FROM link_checks")
    checks = {url.removeprefix(crawled["url"]): (status, method) for url, status, method in rows}
    assert {path: checks[path] for path in TARGETS} == {
        "/other/page.htm": (200, "range"), "/files/a.pdf": (200, "range"), "/other/gone.htm": (404, "range"),
        "/files/missing.pdf": (404, "range"), "/other/broken.htm": (500, "range"),
        "/other/flaky.htm": (200, "range")}
    # Pages the crawl fetched anyway answered for free.
    assert checks["/zfxxgk/list.htm"] == (200, "GET")
    asked = crawled["asked"]
    # Linked from two pages, each asked once (after its refused HEAD); a server error through every retry.
    assert {path: asked[path] for path in TARGETS} == {
        "/other/page.htm": 1, "/files/a.pdf": 1, "/other/gone.htm": 1, "/files/missing.pdf": 1,
        "/other/broken.htm": 4, "/other/flaky.htm": 2}


def test_the_link_graph_holds_every_pages_links_and_checks_are_no_fetch_errors(crawled):
    links = query(crawled["db"], "SELECT from_url, to_url, text FROM links ORDER BY id")
    by_page = Counter(from_url.removeprefix(crawled["url"]) for from_url, _, _ in links)
    assert {page: by_page[page] for page in ("/zfxxgk/", "/zfxxgk/list.htm")} == {
        "/zfxxgk/": len(TARGETS) + 2, "/zfxxgk/list.htm": len(TARGETS) + 1}
    assert by_page["/zfxxgk/doc.htm"] == 10
    assert query(crawled["db"], "SELECT count(*) FROM fetch_errors") == [(0,)]
    assert query(crawled["db"], "SELECT DISTINCT site FROM links") == [("leda",)]


def test_dead_links_are_the_gone_and_persistently_failing_targets_with_their_pages(crawled):
    db = open_db(crawled["db"], read_only=True)
    found = dead_link(Scope(db, "2021-01-01", "2021-12-31", dt.date(2021, 12, 31), PROFILES["leda"]))
    db.close()
    base = crawled["url"]
    dead = {finding["url"].removeprefix(base): finding for finding in found if finding["kind"] == "dead_link"}
    assert {"/files/missing.pdf", "/other/broken.htm", "/other/gone.htm"} <= set(dead)
    assert not {"/other/page.htm", "/files/a.pdf", "/other/flaky.htm"} & set(dead)
    assert dead["/files/missing.pdf"]["detail"] == (
        f"link “缺失附件” answers HTTP 404 (gone); linked from 2 pages: {base}/zfxxgk/, {base}/zfxxgk/list.htm")
    assert "HTTP 500 after the crawl's retries" in dead["/other/broken.htm"]["detail"]
    # The saved document's links off the section (its navigation) answer 404 here: dead too.
    assert f"{base}/zfxxgk/doc.htm" in dead["/index.htm"]["detail"]
