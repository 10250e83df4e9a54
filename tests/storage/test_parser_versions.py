"""Each version says which parser produced it; a change only a new parser made is no portal event."""

import sqlite3

import pytest
import sqlite_utils

from crawler.parsing import PARSER_VERSION
from storage.db import MIGRATIONS, SCHEMA_VERSION, open_db
from storage.documents import store_documents
from storage.runs import finish_run, start_run
from tests.storage.test_documents import record

OLD_PARSER = PARSER_VERSION - 1


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "govwatch.db")
    yield database
    database.close()


def crawl(db, records, at, parser_version):
    """One finished, error-free crawl storing ``records`` as read by ``parser_version``."""
    run_id = start_run(db, site="leda", start_urls=["http://portal/"])
    db["crawl_runs"].update(run_id, {"started_at": at})
    counts = store_documents(db, records, crawl_id=run_id, seen_at=at, parser_version=parser_version)
    finish_run(db, run_id, status="finished", pages_fetched=len(records))
    return counts


def versions(db):
    return [(row["parser_version"], row["reason"])
            for row in db.query("SELECT parser_version, reason FROM document_versions ORDER BY id")]


def event_kinds(db):
    return [row["kind"] for row in db.query("SELECT kind FROM events ORDER BY id")]


def test_a_change_read_by_a_new_parser_is_a_parser_version_and_no_event(db):
    crawl(db, [record()], "2026-01-01T00:00:00Z", OLD_PARSER)
    counts = crawl(db, [record(title="新解析的标题", published_on="2020-10-01")], "2026-01-02T00:00:00Z", PARSER_VERSION)
    assert counts == {"updated": 1}
    assert versions(db) == [(OLD_PARSER, "new"), (PARSER_VERSION, "parser")]
    assert event_kinds(db) == ["new"]
    row = db["documents"].get(record()["url"])
    assert row["title"] == "新解析的标题" and row["parser_version"] == PARSER_VERSION


def test_a_change_read_by_the_same_parser_is_a_portal_event_as_before(db):
    crawl(db, [record()], "2026-01-01T00:00:00Z", PARSER_VERSION)
    crawl(db, [record(title="改过的标题", published_on="2020-10-01")], "2026-01-02T00:00:00Z", PARSER_VERSION)
    assert versions(db) == [(PARSER_VERSION, "new"), (PARSER_VERSION, "portal")]
    assert event_kinds(db) == ["new", "changed", "date_changed"]


def test_a_page_the_new_parser_reads_alike_is_the_new_parsers_so_its_next_change_is_the_portals(db):
    crawl(db, [record()], "2026-01-01T00:00:00Z", OLD_PARSER)
    assert crawl(db, [record()], "2026-01-02T00:00:00Z", PARSER_VERSION) == {"unchanged": 1}
    assert db["documents"].get(record()["url"])["parser_version"] == PARSER_VERSION
    crawl(db, [record(title="改过的标题")], "2026-01-03T00:00:00Z", PARSER_VERSION)
    assert versions(db) == [(OLD_PARSER, "new"), (PARSER_VERSION, "portal")]
    assert event_kinds(db) == ["new", "changed"]


def test_versions_written_before_parser_versions_are_parser_1_with_their_reason(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(sqlite3.connect(path))
    for step in MIGRATIONS[:7]:  # schema 7: the last one without parser versions
        step(old)
    old["documents"].insert({"url": "http://portal/1.htm", "title": "旧"})
    old["document_versions"].insert_all([
        {"url": "http://portal/1.htm", "changed_fields": None},
        {"url": "http://portal/1.htm", "changed_fields": '["title"]'},
    ])
    old.execute("PRAGMA user_version = 7")
    old.conn.close()
    db = open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert versions(db) == [(1, "new"), (1, "portal")]
    assert db["documents"].get("http://portal/1.htm")["parser_version"] == 1
    db.close()
