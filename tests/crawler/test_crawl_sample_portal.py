"""End to end: `govwatch crawl` over real HTTP against the sample portal on 127.0.0.1."""

import json
import sqlite3
from collections import Counter
from urllib.parse import urlsplit

import pytest

from monitor.demo.sample_portal.model import ground_truth
from tests.conftest import govwatch

# Crawls the sample portal, in subprocesses.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def conn(crawled_db):
    connection = sqlite3.connect(crawled_db)
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def truth():
    return ground_truth()


@pytest.fixture(scope="module")
def recrawl(sample_portal, crawled_db, tmp_path_factory):
    """A second crawl of the unchanged portal, on a copy of the first crawl's database."""
    path = tmp_path_factory.mktemp("recrawl") / "govwatch.db"
    path.write_bytes(crawled_db.read_bytes())
    before = dict(sqlite3.connect(path).execute("SELECT url, content_hash FROM documents"))
    result = govwatch("crawl", "--site", "leda", "--start-url", sample_portal.url + "/", "--db", path)
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    return {"result": result, "before": before, "conn": connection}


def test_stored_documents_equal_ground_truth(conn, truth):
    count = conn.execute("SELECT count(*) FROM documents WHERE is_disclosure = 1").fetchone()[0]
    assert count == truth["documents"]


def test_counts_by_year_equal_ground_truth(conn, truth):
    rows = conn.execute("SELECT substr(published_on, 1, 4), count(*) FROM documents GROUP BY 1").fetchall()
    assert {year: n for year, n in rows} == truth["by_year"]


def test_counts_by_publisher_equal_ground_truth(conn, truth):
    rows = conn.execute("SELECT coalesce(publisher, ''), count(*) FROM documents GROUP BY 1").fetchall()
    assert {publisher: n for publisher, n in rows} == truth["by_publisher"]


def test_counts_by_column_equal_ground_truth(conn, truth):
    rows = conn.execute("SELECT column_path, count(*) FROM documents GROUP BY 1").fetchall()
    # A blank column (planted for the inspection checks) has no document to count.
    assert {path: n for path, n in rows} == {path: n for path, n in truth["by_column"].items() if n}


def test_attachments_equal_ground_truth(conn, truth):
    assert conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == truth["attachments"]


def test_run_finished_without_fetch_errors(conn, truth):
    run = conn.execute("SELECT * FROM crawl_runs").fetchone()
    assert (run["status"], run["errors"], run["documents_new"]) == ("finished", 0, truth["documents"])
    assert run["finished_at"] >= run["started_at"]
    assert run["pages_fetched"] >= truth["detail_pages"] + truth["listing_pages"]


def test_gbk_pages_are_decoded(conn):
    titles = [row[0] for row in conn.execute("SELECT title FROM documents")]
    assert all(title and "\ufffd" not in title for title in titles)


def test_every_document_came_from_the_portal_host(conn, sample_portal):
    hosts = Counter(url.split("/")[2] for (url,) in conn.execute("SELECT url FROM documents"))
    assert set(hosts) == {f"127.0.0.1:{sample_portal.port}"}


def test_breadcrumbs_start_at_home_and_drop_the_body_marker(conn):
    crumbs = [json.loads(row[0]) for row in conn.execute("SELECT breadcrumb FROM documents")]
    assert all(len(crumb) > 1 and crumb[0] == "首页" and "正文" not in crumb for crumb in crumbs)


def test_every_document_has_one_new_event_and_version(conn, truth):
    assert conn.execute("SELECT count(*) FROM events WHERE kind = 'new'").fetchone()[0] == truth["documents"]
    assert conn.execute("SELECT count(DISTINCT url) FROM document_versions").fetchone()[0] == truth["documents"]


def test_second_crawl_exits_zero_with_a_summary(recrawl):
    assert recrawl["result"].returncode == 0, recrawl["result"].stderr
    assert "pages fetched" in recrawl["result"].stdout


def test_second_crawl_adds_and_changes_nothing(recrawl, truth):
    run = recrawl["conn"].execute("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    seen = recrawl["conn"].execute("SELECT count(*) FROM documents WHERE crawl_id = ?", [run["id"]]).fetchone()[0]
    # Unchanged counts the documents it saw: the older listing pages of unchanged columns are not read.
    assert (run["documents_new"], run["documents_updated"], run["documents_unchanged"]) == (0, 0, seen)
    assert 0 < seen < truth["documents"]
    assert recrawl["conn"].execute("SELECT count(*) FROM documents WHERE removed_at IS NOT NULL").fetchone()[0] == 0
    after = dict(recrawl["conn"].execute("SELECT url, content_hash FROM documents").fetchall())
    assert after == recrawl["before"]
    assert recrawl["conn"].execute("SELECT count(*) FROM events WHERE crawl_id = 2").fetchone()[0] == 0


def test_second_crawl_refetches_only_a_share_of_the_details(recrawl, truth):
    runs = recrawl["conn"].execute("SELECT pages_fetched FROM crawl_runs ORDER BY id").fetchall()
    assert runs[1][0] < 0.1 * runs[0][0]


def test_no_listing_of_the_sample_portal_is_noted_as_rendered_by_javascript(conn):
    # Its listings show their documents in static HTML.
    assert conn.execute("SELECT count(*) FROM crawl_notes WHERE kind = 'rendered_by_javascript'").fetchone()[0] == 0


def test_the_blank_column_and_the_home_page_are_noted(conn, truth):
    notes = conn.execute("SELECT kind, url, detail FROM crawl_notes ORDER BY kind").fetchall()
    assert [(kind, urlsplit(url).path, detail) for kind, url, detail in notes if kind == "blank_listing"] == [
        ("blank_listing", path, "暂无信息") for path in truth["inspection"]["2021"]["blank_column"]]
    (home,) = [json.loads(detail) for kind, _, detail in notes if kind == "home_page"]
    assert home == sorted(home, reverse=True) and len(home) >= 10
