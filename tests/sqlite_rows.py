"""Rows of a test's database file, read on a plain connection that is closed after."""

import sqlite3


def query(db, sql: str, *params) -> list[tuple]:
    """Every row ``sql`` gives on the SQLite file ``db``, with ``params`` bound in order."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
