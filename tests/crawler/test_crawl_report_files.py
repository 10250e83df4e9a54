"""`govwatch crawl` downloads annual-report files over HTTP: attached to report pages or
linked from the 年报 listing, politely, and idempotently on re-crawls."""

import hashlib
import sqlite3

import pytest

from crawler.archive import read_record
from crawler.spiders.portal import PortalSpider, rota_turn
from monitor.demo.sample_portal.server import serve
from tests.conftest import govwatch
from tests.report_site import (
    DETAILS, HUGE_FILE, MISSING_FILE, NOTICE_FILE, PRIVATE_FILE, REPORT_2018, REPORT_2018_FILE, REPORT_2020,
    REPORT_2020_FILE, SPREADSHEET, ReportSite,
)

# Crawls a portal served on 127.0.0.1, in a subprocess.
pytestmark = pytest.mark.slow

CHANGED_2020 = REPORT_2020 + "\n本报告于2021年2月1日更正。\n".encode("utf-8")


def rows(db) -> dict:
    """Each stored file's row, with ``bytes`` read from the archive record it points to."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    found = {row["url"]: dict(row) for row in conn.execute("SELECT * FROM report_files")}
    for row in found.values():
        row["bytes"] = read_record(db.parent / (db.name + ".warc") / row["warc_file"], row["warc_offset"])[2]
    return found


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    """A first crawl, a second that re-verifies everything, then a full one after the 2020 file changed."""
    db = tmp_path_factory.mktemp("report-files") / "govwatch.db"
    site = ReportSite()
    with serve(faults=site) as portal:
        def crawl(*extra):
            result = govwatch("crawl", "--start-url", portal.url + "/xxgk/nb.htm", "--db", db, *extra)
            assert result.returncode == 0, result.stderr
            return rows(db), dict(site.requests)
        first, requested = crawl()
        again, requested_again = crawl("--reverify-days", 1)
        site.report_2020 = CHANGED_2020
        changed, _ = crawl("--full")
    conn = sqlite3.connect(db)
    errors = conn.execute("SELECT url, status, error FROM fetch_errors WHERE crawl_id = 1").fetchall()
    attachments = dict(conn.execute("SELECT url, sha256 FROM attachments"))
    archived = {url for (url,) in conn.execute("SELECT url FROM archive_records")}
    downloaded = {url for (url,) in conn.execute("SELECT url FROM archive_records WHERE payload_size > 0")}
    archive_bytes = sum(path.stat().st_size for path in (db.parent / "govwatch.db.warc").iterdir())
    return {"attachments": attachments, "archived": archived, "downloaded": downloaded, "archive_bytes": archive_bytes,"url": portal.url, "first": first, "again": again, "changed": changed, "requested": requested,
            "requested_again": requested_again, "errors": {url.removeprefix(portal.url): (s, e) for url, s, e in errors}}


def test_the_file_a_report_page_attaches_is_stored(crawls):
    row = crawls["first"][crawls["url"] + REPORT_2020_FILE]
    page = DETAILS[1]
    assert (row["page_url"], row["title"]) == (crawls["url"] + page.path, page.title)
    assert (row["bytes"], row["size"], row["content_type"]) == (REPORT_2020, len(REPORT_2020), "application/octet-stream")
    # Archived, so not stored a second time in the database.
    assert row["body"] is None
    assert row["sha256"] == hashlib.sha256(REPORT_2020).hexdigest()


def test_the_file_the_listing_links_is_stored_under_its_full_title(crawls):
    row = crawls["first"][crawls["url"] + REPORT_2018_FILE]
    assert (row["page_url"], row["title"], row["bytes"], row["body"]) == (
        crawls["url"] + "/xxgk/nb.htm", "示例区2018年政府信息公开工作年度报告", REPORT_2018, None)


def test_only_report_files_are_stored_as_report_files(crawls):
    assert set(crawls["first"]) == {crawls["url"] + REPORT_2020_FILE, crawls["url"] + REPORT_2018_FILE}


def test_other_attachments_are_downloaded_into_the_archive_with_their_digest(crawls):
    assert crawls["requested"][NOTICE_FILE] == 1
    assert crawls["attachments"][crawls["url"] + NOTICE_FILE] == hashlib.sha256(b"%PDF-1.4\n%%EOF\n").hexdigest()
    # A file a listing links is no document's attachment: never downloaded, only asked
    # whether it is there (a HEAD request, whose answer is archived like every other).
    assert crawls["url"] + SPREADSHEET not in crawls["downloaded"]
    assert crawls["url"] + SPREADSHEET in crawls["archived"]
    # A report file is an attachment too; after the last crawl its row has the changed file's digest.
    assert crawls["attachments"][crawls["url"] + REPORT_2020_FILE] == hashlib.sha256(CHANGED_2020).hexdigest()


def test_a_file_over_the_size_limit_is_not_in_the_archive(crawls):
    assert crawls["url"] + HUGE_FILE not in crawls["archived"]
    assert crawls["attachments"][crawls["url"] + HUGE_FILE] is None
    assert crawls["archive_bytes"] < 1024 * 1024


def test_a_file_robots_txt_disallows_is_never_requested(crawls):
    assert PRIVATE_FILE not in crawls["requested"] and PRIVATE_FILE not in crawls["errors"]


def test_a_missing_file_is_a_fetch_error(crawls):
    assert crawls["errors"][MISSING_FILE] == (404, "HTTP 404")


def test_a_file_over_the_size_limit_is_skipped_and_recorded(crawls):
    assert crawls["errors"][HUGE_FILE] == (None, "file larger than the 50 MiB limit, skipped")
    assert crawls["url"] + HUGE_FILE not in crawls["first"]


def test_downloading_the_same_files_again_adds_and_changes_nothing(crawls):
    assert crawls["requested_again"][REPORT_2020_FILE] == crawls["requested_again"][REPORT_2018_FILE] == 2
    for url, row in crawls["again"].items():
        first = crawls["first"][url]
        assert (row["sha256"], row["bytes"], row["changed_at"]) == (first["sha256"], first["bytes"], first["changed_at"])
        assert row["crawl_id"] == 2
    assert set(crawls["again"]) == set(crawls["first"])


def test_a_changed_file_replaces_the_stored_one(crawls):
    row = crawls["changed"][crawls["url"] + REPORT_2020_FILE]
    assert (row["bytes"], row["sha256"]) == (CHANGED_2020, hashlib.sha256(CHANGED_2020).hexdigest())
    assert row["changed_at"] >= crawls["first"][crawls["url"] + REPORT_2020_FILE]["changed_at"]
    assert row["crawl_id"] == 3 and set(crawls["changed"]) == set(crawls["first"])


@pytest.fixture
def spider():
    spider = PortalSpider(start_url="http://portal/")
    spider.reverify_days = 30
    return spider


def test_a_listed_file_stored_recently_is_not_due(spider):
    url = "http://portal/u/2020年报.pdf"
    spider.slice = (rota_turn(url, 30) + 1) % 30
    spider.report_file_dates = {url: "2999-01-01T00:00:00Z"}
    assert not spider.report_file_due(url)
    assert spider.report_file_due("http://portal/u/2021年报.pdf")


def test_a_listed_file_not_downloaded_for_the_reverification_period_is_due(spider):
    url = "http://portal/u/2020年报.pdf"
    spider.slice = (rota_turn(url, 30) + 1) % 30
    spider.report_file_dates = {url: "2000-01-01T00:00:00Z"}
    assert spider.report_file_due(url)
