"""Storing downloaded annual-report files: one row per file URL, re-downloads idempotent."""

import hashlib
import sqlite3

import pytest
import sqlite_utils

from crawler.parsing import PARSER_VERSION
from storage.db import MIGRATIONS, SCHEMA_VERSION, open_db
from storage.documents import store_documents
from storage.report_files import files_of_page, listed_report_file, report_file_dates, store_report_file
from tests.storage.test_documents import record

PAGE = "http://portal/info/1061/2001.htm"
FILE = "http://portal/system/_content/download.jsp?wbfileid=20"
LISTING = "http://portal/xxgk/nb.htm"


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "govwatch.db")
    yield database
    database.close()


def store(db, body=b"%PDF-1.7 report", at="2026-01-01T00:00:00Z", url=FILE, page=PAGE, title="2020年政府信息公开工作年度报告"):
    return store_report_file(db, url=url, page_url=page, title=title, content_type="application/pdf", body=body,
                             crawl_id=1, fetched_at=at)


def test_a_new_file_is_stored_with_its_hash_and_size(db):
    assert store(db) == "new"
    row = db["report_files"].get(FILE)
    assert (row["sha256"], row["size"], row["body"]) == (hashlib.sha256(b"%PDF-1.7 report").hexdigest(), 15,
                                                         b"%PDF-1.7 report")
    assert (row["page_url"], row["content_type"], row["fetched_at"], row["changed_at"]) == (
        PAGE, "application/pdf", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")


def test_the_same_bytes_again_add_no_row_and_keep_changed_at(db):
    store(db)
    assert store(db, at="2026-01-02T00:00:00Z") == "unchanged"
    rows = list(db.query("SELECT fetched_at, changed_at FROM report_files"))
    assert rows == [{"fetched_at": "2026-01-02T00:00:00Z", "changed_at": "2026-01-01T00:00:00Z"}]


def test_changed_bytes_replace_the_stored_file(db):
    store(db)
    assert store(db, body=b"%PDF-1.7 corrected report", at="2026-01-03T00:00:00Z") == "changed"
    rows = list(db.query("SELECT sha256, body, changed_at FROM report_files"))
    assert rows == [{"sha256": hashlib.sha256(b"%PDF-1.7 corrected report").hexdigest(),
                     "body": b"%PDF-1.7 corrected report", "changed_at": "2026-01-03T00:00:00Z"}]


def test_files_of_a_page_are_those_it_attaches(db):
    page = record(PAGE, attachments=[{"name": "年报", "url": FILE}])
    store_documents(db, [page], crawl_id=1, seen_at="2026-01-01T00:00:00Z", parser_version=PARSER_VERSION)
    store(db)
    store(db, url="http://portal/other.pdf", page="http://portal/info/1061/2002.htm")
    assert [row["url"] for row in files_of_page(db, PAGE)] == [FILE]


def test_a_listed_file_is_found_by_the_year_in_its_title(db):
    store(db, page=LISTING, title="示例区2018 年政府信息公开工作年度报告")
    assert listed_report_file(db, 2018)["page_url"] == LISTING
    assert listed_report_file(db, 2019) is None


def test_download_dates_by_url_of_the_crawls_site(db):
    from storage.runs import start_run

    assert start_run(db, site="leda", start_urls=["http://portal/"]) == 1
    store(db, at="2026-01-05T00:00:00Z")
    assert report_file_dates(db, "leda") == {FILE: "2026-01-05T00:00:00Z"}
    assert report_file_dates(db, "other") == {}


def test_a_database_from_before_report_files_gains_the_table(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    for step in MIGRATIONS[:4]:  # schema 4: the last one without report files
        step(old)
    old.execute("PRAGMA user_version = 4")
    old.close()
    open_db(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert conn.execute("SELECT count(*) FROM report_files").fetchone() == (0,)


ARCHIVED = {"warc_file": "govwatch-1-20260101000000-00000.warc.gz", "warc_offset": 512}


def test_an_archived_file_is_stored_once_in_the_archive(db):
    assert store_report_file(db, url=FILE, page_url=PAGE, title="年报", content_type="application/pdf",
                             body=b"%PDF-1.7 report", crawl_id=1, fetched_at="2026-01-01T00:00:00Z", warc=ARCHIVED) == "new"
    row = db["report_files"].get(FILE)
    assert (row["body"], row["warc_file"], row["warc_offset"], row["size"]) == (None, *ARCHIVED.values(), 15)
    assert row["sha256"] == hashlib.sha256(b"%PDF-1.7 report").hexdigest()


def test_a_file_stored_before_the_archive_loses_its_body_once_the_same_bytes_are_archived(db):
    store(db)
    assert db["report_files"].get(FILE)["body"] == b"%PDF-1.7 report"
    assert store_report_file(db, url=FILE, page_url=PAGE, title="年报", content_type="application/pdf",
                             body=b"%PDF-1.7 report", crawl_id=2, fetched_at="2026-01-02T00:00:00Z",
                             warc=ARCHIVED) == "unchanged"
    row = db["report_files"].get(FILE)
    assert (row["body"], row["warc_file"], row["crawl_id"]) == (None, ARCHIVED["warc_file"], 2)


def test_rows_name_the_archive_their_crawl_wrote(db):
    from storage.runs import start_run

    start_run(db, site="leda", start_urls=["http://portal/"], archive_dir="/srv/govwatch.db.warc")
    store(db, page=LISTING)
    assert listed_report_file(db, 2020)["archive_dir"] == "/srv/govwatch.db.warc"


def test_an_upgraded_database_keeps_the_bodies_it_held(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    for step in MIGRATIONS[:-1]:
        step(old)
    old.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    old["report_files"].insert({"url": FILE, "page_url": PAGE, "sha256": "x", "body": b"%PDF old"})
    old.close()
    upgraded = open_db(path)
    try:
        row = upgraded["report_files"].get(FILE)
        assert (row["body"], row["warc_file"], row["warc_offset"]) == (b"%PDF old", None, None)
    finally:
        upgraded.close()
