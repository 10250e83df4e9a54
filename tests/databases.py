"""Real damage to real SQLite files, and a real lock held by a second connection."""

import sqlite3
from contextlib import contextmanager

GARBAGE = bytes(range(256)) * 16


def fold_wal(path) -> None:
    """Move every page out of the WAL into the file, so the bytes written below are the database's."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def damage_tables(path, tables) -> None:
    """Overwrite the root page of each table in ``tables`` with garbage, as a failing disk would."""
    fold_wal(path)
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    roots = [conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
             for table in tables]
    conn.close()
    with open(path, "r+b") as handle:
        for root in roots:
            handle.seek((root - 1) * page_size)
            handle.write(GARBAGE[:page_size])


def damage_header(path) -> None:
    """Overwrite the file's first 100 bytes (its header): SQLite then calls it "not a database"."""
    fold_wal(path)
    with open(path, "r+b") as handle:
        handle.write(GARBAGE[:100])


@contextmanager
def write_locked(path):
    """Hold the database's write lock on a second connection (``BEGIN EXCLUSIVE``) for the duration."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    try:
        yield conn
    finally:
        conn.execute("ROLLBACK")
        conn.close()
