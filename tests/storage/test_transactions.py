"""Writers and auditors on one file: two real connections, one committing in the middle of the other.

A crawl's batch reads the documents it is about to write; an auditor's connection that
commits between that read and the batch's first write must not make the batch fail
("database is locked", SQLITE_BUSY_SNAPSHOT): the batch holds the write lock from its
start, so the auditor waits for it instead.
"""

import threading

import pytest

from crawler.parsing import PARSER_VERSION
from monitor.audit.run import run_audit
from storage.db import open_db
from storage.documents import store_documents
from storage.transactions import read_snapshot, write_transaction
from tests.storage.test_documents import record

# How the batch reads a stored document (the trace shows it with its value bound).
BATCH = "SELECT * FROM documents WHERE url = "


def commit_from_another_connection_at(db, statement: str, write, wait: float = 2.0) -> dict:
    """When ``db`` first runs a statement starting with ``statement``, run ``write`` on another thread and connection
    and give it ``wait`` seconds; returns what happened (filled in as it happens)."""
    seen = {"done_in_between": None, "error": None, "finished": threading.Event()}

    def other():
        try:
            write()
        except Exception as exc:  # reported to the test, which asserts there was none
            seen["error"] = exc
        finally:
            seen["finished"].set()

    def trace(sql):
        if sql.startswith(statement) and seen["done_in_between"] is None:
            threading.Thread(target=other, daemon=True).start()
            seen["done_in_between"] = seen["finished"].wait(wait)

    db.conn.set_trace_callback(trace)
    return seen


@pytest.mark.slow
def test_a_batch_succeeds_while_an_audit_commits_in_between(tmp_path):
    path = tmp_path / "govwatch.db"
    db = open_db(path)
    store_documents(db, [record(url="http://portal/info/1/0.htm")], crawl_id=1, seen_at="2026-01-01T00:00:00Z",
                    parser_version=PARSER_VERSION)

    def audit():
        auditor = open_db(path)
        try:
            run_audit(auditor, year=2020)
        finally:
            auditor.close()

    seen = commit_from_another_connection_at(db, BATCH, audit)
    batch = [record(url=f"http://portal/info/1/{n}.htm", title=f"第{n}号") for n in range(1, 4)]
    counts = store_documents(db, batch, crawl_id=2, seen_at="2026-01-02T00:00:00Z", parser_version=PARSER_VERSION)
    db.conn.set_trace_callback(None)
    assert counts == {"new": 3}
    # The audit could not commit while the batch held the write lock; it did right after.
    assert seen["done_in_between"] is False
    assert seen["finished"].wait(30) and seen["error"] is None
    assert db.execute("SELECT count(*) FROM audit_runs").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 4
    db.close()


def test_a_read_snapshot_sees_one_state_and_lets_writers_commit(tmp_path):
    path = tmp_path / "govwatch.db"
    reader, writer = open_db(path), open_db(path)
    with read_snapshot(reader):
        before = reader.execute("SELECT count(*) FROM documents").fetchone()[0]
        store_documents(writer, [record()], crawl_id=1, seen_at="2026-01-01T00:00:00Z", parser_version=PARSER_VERSION)
        assert reader.execute("SELECT count(*) FROM documents").fetchone()[0] == before == 0
    assert not reader.conn.in_transaction
    assert reader.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    reader.close()
    writer.close()


def test_a_failed_write_transaction_leaves_nothing(tmp_path):
    db = open_db(tmp_path / "govwatch.db")
    try:
        with write_transaction(db):
            store_documents(db, [record()], crawl_id=1, seen_at="2026-01-01T00:00:00Z", parser_version=PARSER_VERSION)
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert not db.conn.in_transaction
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    db.close()
