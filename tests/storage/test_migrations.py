"""Databases written by older schemas (tests/files/databases/) open, upgrade to
``SCHEMA_VERSION`` and keep every row they held."""

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
