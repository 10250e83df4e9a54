"""Databases written by older schemas (tests/files/databases/) open, upgrade to
``SCHEMA_VERSION`` and keep every row they held."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from storage.db import SCHEMA_VERSION, open_db

DATABASES = Path(__file__).parents[1] / "files" / "databases"
OLD = sorted(DATABASES.glob("schema-v*.db"))


def contents(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, in the columns the table has in this file, by rowid."""
    conn = sqlite3.connect(path)
    try:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {table: conn.execute(f"SELECT * FROM [{table}] ORDER BY rowid").fetchall() for table in tables}
    finally:
        conn.close()


def schema(path: Path) -> dict[str, list[str]]:
    """Each table's and view's column names."""
    conn = sqlite3.connect(path)
    try:
        names = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")]
        return {name: [row[1] for row in conn.execute(f"PRAGMA table_info([{name}])")] for name in names}
    finally:
        conn.close()


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


@pytest.fixture(params=OLD, ids=lambda path: path.stem)
def old_copy(request, tmp_path) -> Path:
    """A copy of one old database: opening it upgrades it in place."""
    copy = tmp_path / request.param.name
    shutil.copy(request.param, copy)
    return copy


def test_there_are_old_databases_and_they_are_old():
    assert [(path.name, user_version(path)) for path in OLD] == [("schema-v4.db", 4), ("schema-v7.db", 7)]
    assert SCHEMA_VERSION >= 7


def test_an_old_database_is_upgraded_to_the_current_schema(old_copy, tmp_path):
    open_db(old_copy).close()
    fresh = tmp_path / "fresh.db"
    open_db(fresh).close()
    assert user_version(old_copy) == SCHEMA_VERSION
    # Every table and view of a new database, with the same columns in the same order.
    assert schema(old_copy) == schema(fresh)


def test_an_upgrade_keeps_every_row_and_value(old_copy):
    before = contents(old_copy)
    open_db(old_copy).close()
    after = contents(old_copy)
    assert before["documents"] and before["document_versions"] and before["events"] and before["alerts"]
    for table, rows in before.items():
        # Columns a migration adds come after the old ones.
        width = len(rows[0]) if rows else 0
        assert [row[:width] for row in after[table]] == rows, table


def test_opening_an_upgraded_database_again_changes_nothing(old_copy):
    open_db(old_copy).close()
    upgraded = (schema(old_copy), contents(old_copy))
    open_db(old_copy).close()
    assert (schema(old_copy), contents(old_copy)) == upgraded and user_version(old_copy) == SCHEMA_VERSION


def portal_tables(path: Path) -> list[str]:
    """Every table of the file but the calendar, which no portal owns."""
    conn = sqlite3.connect(path)
    try:
        return [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'workdays'")]
    finally:
        conn.close()


def test_a_single_site_database_is_given_its_site_on_every_row(old_copy):
    # The fixtures were crawled as leda, the default; name the crawl otherwise so the
    # site is seen to come from the file, not from the default.
    with sqlite3.connect(old_copy) as conn:
        conn.execute("UPDATE crawl_runs SET site = 'jinan'")
    before = contents(old_copy)
    open_db(old_copy).close()
    conn = sqlite3.connect(old_copy)
    try:
        for table in portal_tables(old_copy):
            sites = conn.execute(f"SELECT site, count(*) FROM [{table}] GROUP BY site").fetchall()
            assert sites == ([("jinan", len(before[table]))] if before.get(table) else []), table
        # The views over documents name each row's site too.
        for view in ("publications", "document_columns", "timeliness"):
            assert conn.execute(f"SELECT DISTINCT site FROM [{view}]").fetchall() == [("jinan",)], view
    finally:
        conn.close()


def test_rows_written_after_the_upgrade_carry_their_crawls_site(old_copy):
    from storage.documents import store_documents
    from storage.runs import record_fetch_error, start_run

    db = open_db(old_copy)
    run = start_run(db, site="jinan", start_urls=["http://jinan.example/"])
    record_fetch_error(db, run, url="http://jinan.example/gone", status=404, error="gone")
    [record] = [json.loads(row[0]) for row in db.execute(
        "SELECT record FROM document_versions ORDER BY id LIMIT 1").fetchall()]
    record.update(url="http://jinan.example/info/1.htm", title="济南 1", attachments=[
        {"name": "附件", "url": "http://jinan.example/a.pdf"}])
    store_documents(db, [record], crawl_id=run, seen_at="2026-12-01T00:00:00Z", parser_version=2)
    sites = {table: db.execute(f"SELECT site FROM [{table}] WHERE rowid = (SELECT max(rowid) FROM [{table}])")
             .fetchone()[0] for table in ("crawl_runs", "fetch_errors", "documents", "document_versions",
                                          "attachments", "events")}
    db.close()
    assert sites == dict.fromkeys(sites, "jinan")


def test_an_upgraded_database_audits_one_sites_period_from_an_index_alone(old_copy):
    from storage.publications import COUNT_QUERIES
    from storage.sites import site_scope

    db = open_db(old_copy)
    try:
        audit_index = [row[2] for row in db.execute("PRAGMA index_info(idx_documents_audit)")]
        assert [row[2] for row in db.execute("PRAGMA index_info(idx_documents_site_audit)")] == ["site", *audit_index]
        # A second site, so the scope narrows; one site's count per publisher then reads the index alone.
        db["documents"].insert({"url": "http://other.example/1", "site": "other", "is_disclosure": 1})
        with site_scope(db, "leda"):
            plan = db.execute("EXPLAIN QUERY PLAN " + COUNT_QUERIES["by_publisher"],
                              {"date_from": "2020-01-01", "date_to": "2020-12-31"}).fetchall()
        assert any("COVERING INDEX idx_documents_site_audit" in row[3] for row in plan), plan
    finally:
        db.close()


def test_an_upgraded_database_keeps_its_column_reads_and_moves_sweeps_on(old_copy):
    from storage.column_reads import column_read_dates, column_sweeps, record_column_sweeps, start_column_sweep
    from storage.runs import start_run

    db = open_db(old_copy)
    # No sweep is under way in a file from before them; a sweep started is resumed, then completed.
    assert column_sweeps(db) == {}
    run = start_run(db, site="jinan", start_urls=["http://jinan.example/"])
    column = "http://jinan.example/col.htm"
    start_column_sweep(db, column, crawl_id=run, at="2026-12-01T00:00:00Z")
    start_column_sweep(db, column, crawl_id=run, at="2026-12-02T00:00:00Z")  # under way: not restarted
    record_column_sweeps(db, {}, {column: 11}, crawl_id=run)
    during = column_sweeps(db), column_read_dates(db)
    site = db.execute("SELECT site FROM column_sweeps").fetchone()[0]
    record_column_sweeps(db, {column: "2026-12-01T00:00:00Z"}, {}, crawl_id=run)
    after = column_sweeps(db), column_read_dates(db)
    db.close()
    assert during == ({column: (11, "2026-12-01T00:00:00Z")}, {}) and site == "jinan"
    assert after == ({}, {column: "2026-12-01T00:00:00Z"})
