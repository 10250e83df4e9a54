"""End to end: `govwatch crawl` over real HTTP against the sample portal on 127.0.0.1."""

import json
import sqlite3
import subprocess
import sys
from collections import Counter

import pytest

from crawler.sample_portal.model import ground_truth
from crawler.sample_portal.server import serve


def govwatch(*args, timeout=600):
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Two crawls of the same portal into one database, with their command results."""
    db = tmp_path_factory.mktemp("crawl") / "govwatch.db"
    with serve() as portal:
        args = ["crawl", "--site", "leda", "--start-url", portal.url + "/", "--db", str(db)]
        first = govwatch(*args)
        hashes = dict(sqlite3.connect(db).execute("SELECT url, content_hash FROM documents"))
        second = govwatch(*args)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return {"first": first, "second": second, "hashes": hashes, "conn": conn}


@pytest.fixture(scope="module")
def truth():
    return ground_truth()


def test_crawl_exits_zero_with_a_summary(crawled):
    assert crawled["first"].returncode == 0, crawled["first"].stderr
    assert "documents:" in crawled["first"].stdout and "pages fetched" in crawled["first"].stdout


def test_stored_documents_equal_ground_truth(crawled, truth):
    count = crawled["conn"].execute("SELECT count(*) FROM documents WHERE is_disclosure = 1").fetchone()[0]
    assert count == truth["documents"]


def test_counts_by_year_equal_ground_truth(crawled, truth):
    rows = crawled["conn"].execute(
        "SELECT substr(published_on, 1, 4), count(*) FROM documents GROUP BY 1"
    ).fetchall()
    assert {year: n for year, n in rows} == truth["by_year"]


def test_counts_by_publisher_equal_ground_truth(crawled, truth):
    rows = crawled["conn"].execute(
        "SELECT coalesce(nullif(publisher, ''), ''), count(*) FROM documents GROUP BY 1"
    ).fetchall()
    expected = {key: n for key, n in truth["by_publisher"].items()}
    assert {publisher: n for publisher, n in rows} == expected


def test_counts_by_column_equal_ground_truth(crawled, truth):
    rows = crawled["conn"].execute("SELECT column_path, count(*) FROM documents GROUP BY 1").fetchall()
    assert {path: n for path, n in rows} == truth["by_column"]


def test_attachments_equal_ground_truth(crawled, truth):
    assert crawled["conn"].execute("SELECT count(*) FROM attachments").fetchone()[0] == truth["attachments"]


def test_no_fetch_errors_and_run_finished(crawled):
    runs = crawled["conn"].execute("SELECT status, errors, finished_at FROM crawl_runs ORDER BY id").fetchall()
    assert [(run["status"], run["errors"]) for run in runs] == [("finished", 0), ("finished", 0)]
    assert all(run["finished_at"] for run in runs)


def test_gbk_pages_are_decoded(crawled):
    titles = [row[0] for row in crawled["conn"].execute("SELECT title FROM documents")]
    assert not any("\ufffd" in (title or "") for title in titles)


def test_second_crawl_is_idempotent(crawled, truth):
    run = crawled["conn"].execute("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    assert (run["documents_new"], run["documents_updated"], run["documents_unchanged"]) == (0, 0, truth["documents"])
    hashes = dict(crawled["conn"].execute("SELECT url, content_hash FROM documents").fetchall())
    assert hashes == crawled["hashes"]


def test_every_document_came_from_the_portal_host(crawled):
    hosts = Counter(url.split("/")[2] for (url,) in crawled["conn"].execute("SELECT url FROM documents"))
    assert len(hosts) == 1 and next(iter(hosts)).startswith("127.0.0.1:")


def test_breadcrumbs_drop_home_and_body_marker(crawled):
    crumbs = [json.loads(row[0]) for row in crawled["conn"].execute("SELECT breadcrumb FROM documents")]
    assert all(crumb and "首页" not in crumb and "正文" not in crumb for crumb in crumbs)
