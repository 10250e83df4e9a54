"""Versions and events: new, changed, date_changed, backdated, removed, restored."""

import json

import pytest

from crawler.parsing import PARSER_VERSION
from storage.db import open_db
from storage.documents import mark_removed, store_documents, touch_documents
from storage.runs import finish_run, start_run
from tests.storage.test_documents import record


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "govwatch.db")
    yield database
    database.close()


def crawl(db, records, at):
    """One finished, error-free crawl storing ``records`` at time ``at``."""
    run_id = start_run(db, site="leda", start_urls=["http://portal/"])
    db["crawl_runs"].update(run_id, {"started_at": at})
    store_documents(db, records, crawl_id=run_id, seen_at=at, parser_version=PARSER_VERSION)
    finish_run(db, run_id, status="finished", pages_fetched=len(records))
    return run_id


def events(db, kind):
    return [(row["url"], json.loads(row["detail"])) for row in db.query("SELECT * FROM events WHERE kind = ?", [kind])]


def test_new_document_gets_a_version_and_a_new_event(db):
    crawl(db, [record()], "2026-01-01T00:00:00Z")
    assert len(events(db, "new")) == 1
    assert db["document_versions"].count == 1


def test_change_records_the_fields_that_changed(db):
    crawl(db, [record()], "2026-01-01T00:00:00Z")
    crawl(db, [record(title="改过的标题")], "2026-01-02T00:00:00Z")
    (url, detail), = events(db, "changed")
    assert detail["fields"] == ["title"]
    versions = list(db.query("SELECT changed_fields FROM document_versions ORDER BY id"))
    assert versions[0]["changed_fields"] is None and "title" in json.loads(versions[1]["changed_fields"])
    assert events(db, "date_changed") == []


def test_changed_publication_date_is_a_date_changed_event(db):
    crawl(db, [record()], "2026-01-01T00:00:00Z")
    crawl(db, [record(published_on="2020-10-01")], "2026-01-02T00:00:00Z")
    (_, detail), = events(db, "date_changed")
    assert detail == {"published_on": ["2020-10-23", "2020-10-01"]}


def test_new_document_older_than_what_its_column_already_listed_is_backdated(db):
    crawl(db, [record()], "2026-01-01T00:00:00Z")
    late = record(url="http://portal/info/1/2.htm", published_on="2020-09-01", index_no="x/2020-1")
    crawl(db, [late], "2026-01-02T00:00:00Z")
    (url, detail), = events(db, "backdated")
    assert url == "http://portal/info/1/2.htm"
    assert detail["stated_published_on"] == "2020-09-01"
    assert detail["column_newest_already_listed"] == "2020-10-23"


def test_new_document_newer_than_the_column_is_not_backdated(db):
    crawl(db, [record()], "2026-01-01T00:00:00Z")
    crawl(db, [record(url="http://portal/info/1/3.htm", published_on="2020-11-01")], "2026-01-02T00:00:00Z")
    assert events(db, "backdated") == []


def test_first_crawl_never_reports_backdating(db):
    crawl(db, [record(), record(url="http://portal/info/1/2.htm", published_on="2019-01-01")], "2026-01-01T00:00:00Z")
    assert events(db, "backdated") == []


def test_removed_then_restored(db):
    run = crawl(db, [record()], "2026-01-01T00:00:00Z")
    assert mark_removed(db, [record()["url"]], crawl_id=run, at="2026-01-02T00:00:00Z", reason="HTTP 404") == 1
    assert mark_removed(db, [record()["url"]], crawl_id=run, at="2026-01-03T00:00:00Z", reason="HTTP 404") == 0
    assert db["documents"].get(record()["url"])["removed_at"] == "2026-01-02T00:00:00Z"
    crawl(db, [record()], "2026-01-04T00:00:00Z")
    assert len(events(db, "removed")) == 1 and len(events(db, "restored")) == 1
    assert db["documents"].get(record()["url"])["removed_at"] is None


def test_touch_moves_seen_and_verified_times(db):
    run = crawl(db, [record()], "2026-01-01T00:00:00Z")
    touch_documents(db, [record()["url"]], crawl_id=run, seen_at="2026-01-05T00:00:00Z", verified=False)
    row = db["documents"].get(record()["url"])
    assert (row["last_seen_at"], row["verified_at"]) == ("2026-01-05T00:00:00Z", "2026-01-01T00:00:00Z")
    touch_documents(db, [record()["url"]], crawl_id=run, seen_at="2026-01-06T00:00:00Z", verified=True)
    assert db["documents"].get(record()["url"])["verified_at"] == "2026-01-06T00:00:00Z"
