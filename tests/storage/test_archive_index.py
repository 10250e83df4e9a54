"""Which archived record a re-parse reads, and what it records, on real SQLite files."""

import pytest

from storage.archive import reparse_sources
from storage.db import open_db
from storage.documents import store_documents, store_reparsed
from tests.storage.test_documents import record

ARCHIVED = {"warc_file": "govwatch-1-x-00001.warc.gz", "warc_offset": 123}


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "govwatch.db")
    yield database
    database.close()


def test_the_latest_version_decides_and_an_unarchived_one_has_no_bytes(db):
    url = record()["url"]
    store_documents(db, [record()], crawl_id=1, seen_at="2026-01-01T00:00:00Z", parser_version=2,
                    archived={url: ARCHIVED})
    assert [(s["warc_file"], s["warc_offset"]) for s in reparse_sources(db)] == [tuple(ARCHIVED.values())]
    # Edited while archiving was off: the older bytes would not give this record.
    store_documents(db, [record(title="改过的标题")], crawl_id=2, seen_at="2026-01-02T00:00:00Z", parser_version=2)
    assert [s["warc_file"] for s in reparse_sources(db)] == [None]
    assert [s["url"] for s in reparse_sources(db, since="2026-01-02")] == [url]
    assert reparse_sources(db, since="2026-01-03") == []
    assert reparse_sources(db, site="another") == []


def test_a_reparsed_record_keeps_the_crawls_times_and_attachment_digests(db):
    url = record()["url"]
    attached = record(attachments=[{"name": "a.pdf", "url": "http://portal/a.pdf"}])
    store_documents(db, [attached], crawl_id=1, seen_at="2026-01-01T00:00:00Z", parser_version=2,
                    archived={url: ARCHIVED})
    db.execute("UPDATE attachments SET sha256 = 'abc', size = 3")
    before = next(db.query("SELECT last_seen_at, verified_at, first_seen_at FROM documents"))
    source = {**ARCHIVED, "fetched_at": "2026-01-01T00:00:00Z", "crawl_id": 1}
    counts = store_reparsed(db, [({**attached, "title": "新的读法"}, source)], parser_version=3)
    assert counts["changed"] == 1
    assert next(db.query("SELECT last_seen_at, verified_at, first_seen_at FROM documents")) == before
    assert db.execute("SELECT sha256, size FROM attachments").fetchall() == [("abc", 3)]
    assert db.execute("SELECT reason, parser_version, fetched_at, warc_offset FROM document_versions"
                      " ORDER BY id DESC LIMIT 1").fetchall() == [("parser", 3, "2026-01-01T00:00:00Z", 123)]
    assert db.execute("SELECT count(*) FROM events WHERE kind <> 'new'").fetchone() == (0,)
