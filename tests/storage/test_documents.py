import json
import sqlite3

import pytest

from crawler.parsing import PARSER_VERSION
from storage.db import SCHEMA_VERSION, DatabaseError, open_db
from storage.documents import content_hash, store_documents
from storage.runs import finish_run, record_fetch_error, start_run


def record(url="http://portal/info/1/1.htm", **changes):
    base = {
        "is_disclosure": True,
        "url": url,
        "title": "召开政务公开业务培训会",
        "index_no": "jingkaiquqtfj/2020-0000202",
        "doc_no": None,
        "publisher": "经开区自然资源和规划分局",
        "published_on": "2020-10-23",
        "created_on": "2020-10-20",
        "created_on_source": "metadata",
        "expires_on": None,
        "category": "",
        "disclosure_method": "主动公开",
        "scope": "全社会",
        "breadcrumb": ["政府信息公开", "保障机制", "业务培训"],
        "attachments": [{"name": "通知.pdf", "url": "http://portal/a.pdf"}],
        "body_text": "近日分局召开了培训会议。",
        "fields": {"索引号": "jingkaiquqtfj/2020-0000202"},
        "warnings": [],
    }
    return {**base, **changes}


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "govwatch.db")
    yield database
    database.close()


def test_new_database_has_current_schema_and_wal(db):
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.journal_mode == "wal"
    assert {"documents", "attachments", "crawl_runs", "fetch_errors"} <= set(db.table_names())


def test_documents_are_indexed_for_auditors(db):
    # An index serves lookups on its first column (the audit's are composite).
    leading = {index.columns[0] for index in db["documents"].indexes}
    assert {"index_no", "published_on", "publisher", "created_on"} <= leading


def test_first_store_counts_new_and_keeps_lists_as_json(db):
    counts = store_documents(db, [record()], crawl_id=1, seen_at="2026-01-01T00:00:00Z", parser_version=PARSER_VERSION)
    assert counts == {"new": 1}
    row = db["documents"].get("http://portal/info/1/1.htm")
    assert json.loads(row["breadcrumb"]) == ["政府信息公开", "保障机制", "业务培训"]
    assert row["column_path"] == "政府信息公开 >> 保障机制 >> 业务培训"
    assert row["first_seen_at"] == row["last_seen_at"] == "2026-01-01T00:00:00Z"
    assert db["attachments"].count == 1


def test_storing_the_same_page_again_changes_nothing_but_last_seen(db):
    store_documents(db, [record()], crawl_id=1, seen_at="2026-01-01T00:00:00Z", parser_version=PARSER_VERSION)
    before = db["documents"].get("http://portal/info/1/1.htm")
    counts = store_documents(db, [record()], crawl_id=2, seen_at="2026-01-02T00:00:00Z", parser_version=PARSER_VERSION)
    after = db["documents"].get("http://portal/info/1/1.htm")
    assert counts == {"unchanged": 1}
    assert after["content_hash"] == before["content_hash"]
    assert after["first_seen_at"] == "2026-01-01T00:00:00Z"
    assert after["last_seen_at"] == "2026-01-02T00:00:00Z"
    assert db["documents"].count == 1 and db["attachments"].count == 1


def test_changed_page_is_updated_with_its_attachments(db):
    store_documents(db, [record()], crawl_id=1, seen_at="2026-01-01T00:00:00Z", parser_version=PARSER_VERSION)
    changed = record(title="新标题", attachments=[])
    counts = store_documents(db, [changed], crawl_id=2, seen_at="2026-01-02T00:00:00Z", parser_version=PARSER_VERSION)
    row = db["documents"].get("http://portal/info/1/1.htm")
    assert counts == {"updated": 1}
    assert row["title"] == "新标题"
    assert row["content_hash"] == content_hash(changed)
    assert db["attachments"].count == 0


def test_content_hash_ignores_key_order():
    shuffled = dict(reversed(list(record().items())))
    assert content_hash(shuffled) == content_hash(record())


def test_run_lifecycle_counts_fetch_errors(db):
    run_id = start_run(db, site="leda", start_urls=["http://portal/"])
    assert db["crawl_runs"].get(run_id)["status"] == "running"
    record_fetch_error(db, run_id, url="http://portal/x.htm", status=503, error="HTTP 503")
    row = finish_run(db, run_id, status="finished", pages_fetched=10)
    assert row["status"] == "finished" and row["errors"] == 1 and row["finished_at"]


def test_read_only_connection_refuses_writes(tmp_path):
    open_db(tmp_path / "g.db").close()
    db = open_db(tmp_path / "g.db", read_only=True)
    with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
        db.execute("DELETE FROM documents")


def test_read_only_open_of_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(DatabaseError, match="no database at"):
        open_db(tmp_path / "missing.db", read_only=True)


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(DatabaseError, match="newer than this govwatch knows"):
        open_db(path)


def test_unopenable_path_is_a_clear_error(tmp_path):
    with pytest.raises(DatabaseError, match="cannot open database"):
        open_db(tmp_path / "no-such-dir" / "g.db")
