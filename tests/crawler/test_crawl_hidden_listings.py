"""End to end over real HTTP: a listing whose links and pager sit in an HTML comment
(the real 甘肃省教育厅 文件通知 page) and a column a script renders, served on 127.0.0.1."""

import re
from pathlib import Path

import pytest

from crawler.listings import read_listing
from monitor.alerts.mail import queue_health
from monitor.alerts.health import check_health
from storage.db import open_db
from storage.runs import crawl_notes
from monitor.demo.html_server import html_server
from tests.conftest import govwatch

# Crawls a portal served on 127.0.0.1, in a subprocess.
pytestmark = pytest.mark.slow

LISTING_FILE = Path(__file__).parent.parent / "files" / "real" / "pages" / "list-gansu-jyt-wjtz.html"
LISTING = "/jyt/c110634/zwgklist.shtml"
SCRIPTED = "/jyt/c110635/index.shtml"
# A column whose list only a script fills: no document link in the HTML, not even hidden.
SCRIPTED_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>政策解读 - 测试厅</title>"
    "<script src='/jyt/xhtml/static/js/xxgkPage.js'></script></head><body>"
    "<a href='/jyt/c110635/index.shtml'>政策解读</a><ul class='list'></ul></body></html>"
)
DETAIL = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>文件{id}-测试厅</title></head><body>"
    "<h1>文件{id}</h1><table><tr><td>索引号</td><td>c110634/2025-{id}</td><td>发布机构</td><td>测试厅</td>"
    "<td>发布日期</td><td>{date}</td></tr></table><div id='zoom'><p>正文。</p></div></body></html>"
)
_DETAIL_PATH = re.compile(r"/jyt/c110634/\d{6}/(\d+)\.shtml")
_PAGE_PATH = re.compile(r"/jyt/c110634/zwgklist(?:_\d+)?\.shtml")


def listed_documents() -> dict[str, str]:
    """The document paths the real listing hides in its comment, with their listed dates."""
    listing = read_listing(LISTING_FILE.read_text(encoding="utf-8"), "http://x" + LISTING)
    return {link.url.removeprefix("http://x"): link.listed_on for link in listing.links if link.listed_on}


@pytest.fixture(scope="module")
def site():
    """Serves the real listing for every page of its column, a detail page for each
    document it lists and the scripted column; counts the requests."""
    requests = []
    documents = listed_documents()
    listing = LISTING_FILE.read_bytes()

    def route(path):
        requests.append(path)
        if _PAGE_PATH.fullmatch(path):
            return 200, listing
        if path == SCRIPTED:
            return 200, SCRIPTED_PAGE.encode("utf-8")
        if (match := _DETAIL_PATH.fullmatch(path)) and path in documents:
            return 200, DETAIL.format(id=match.group(1), date=documents[path]).encode("utf-8")
        return 404, b"<html><body>404</body></html>"

    with html_server(route) as url:
        yield url, requests, documents


@pytest.fixture(scope="module")
def crawl(site, tmp_path_factory):
    url, requests, documents = site
    db_path = tmp_path_factory.mktemp("hidden") / "govwatch.db"
    result = govwatch("crawl", "--start-url", url + LISTING, "--start-url", url + SCRIPTED,
                      "--allow-prefix", "/jyt/c110634/", "--allow-prefix", "/jyt/c110635/", "--db", db_path)
    assert result.returncode == 0, result.stdout + result.stderr
    db = open_db(db_path)
    yield {"url": url, "requests": list(requests), "documents": documents, "db": db}
    db.close()


def test_the_documents_hidden_in_the_comment_are_crawled(crawl):
    stored = {row["url"].removeprefix(crawl["url"]): row["published_on"]
              for row in crawl["db"].query("SELECT url, published_on FROM documents WHERE is_disclosure = 1")}
    assert len(crawl["documents"]) == 20
    assert stored == crawl["documents"]


def test_the_pages_of_the_commented_pager_are_fetched(crawl):
    pages = [f"/jyt/c110634/zwgklist_{n}.shtml" for n in range(2, 11)]
    assert all(crawl["requests"].count(page) == 1 for page in pages)
    assert "/jyt/c110634/zwgklist_1.shtml" not in crawl["requests"]


def test_the_crawl_had_no_fetch_errors(crawl):
    run = crawl["db"]["crawl_runs"].get(1)
    assert (run["status"], run["errors"]) == ("finished", 0)


def test_each_javascript_column_is_noted_once(crawl):
    # The nine other pages of the commented column are rendered the same way: one note.
    notes = [note for note in crawl_notes(crawl["db"], 1) if note["kind"] == "rendered_by_javascript"]
    assert sorted((note["url"].removeprefix(crawl["url"]), note["kind"], note["title"]) for note in notes) == [
        (LISTING, "rendered_by_javascript", "文件通知 - 甘肃省教育厅"),
        (SCRIPTED, "rendered_by_javascript", "政策解读 - 测试厅"),
    ]


def test_the_notes_say_what_was_read(crawl):
    details = {note["url"].removeprefix(crawl["url"]): note["detail"] for note in crawl_notes(crawl["db"], 1)
               if note["kind"] == "rendered_by_javascript"}
    assert details[LISTING].endswith("20 document links were read from markup the page hides "
                                     "(HTML comments, data islands)")
    assert details[SCRIPTED] == ("the list is rendered by JavaScript (script xxgkPage.js); its documents are "
                                 "not in the static page and were not crawled")


def test_crawl_health_names_the_columns_without_alerting(crawl):
    db = crawl["db"]
    results = {result["check"]: result for result in
               check_health(list(db.query("SELECT * FROM crawl_runs")), crawl_notes(db, 1))}
    found = results["rendered_by_javascript"]
    assert found["ok"] and len(found["findings"]) == 2
    assert crawl["url"] + SCRIPTED in found["detail"] and "政策解读 - 测试厅" in found["detail"]
    assert queue_health(db, list(results.values()))["queued"] == 0
