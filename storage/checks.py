"""The rows the data-quality checks (``monitor.audit.findings``) judge, one query per check.

Each reads the disclosure documents published in ``[date_from, date_to]``, except where
a comparison needs the whole table (duplicates) or the documents have no date at all.
"""

import sqlite_utils


def _rows(db: sqlite_utils.Database, sql: str, **params) -> list[tuple]:
    return db.execute(sql, params).fetchall()


def duplicate_index_rows(db: sqlite_utils.Database, date_from: str, date_to: str) -> list[tuple]:
    """``(url, index_no)`` of the documents in the range whose index number another document shares."""
    return _rows(
        db,
        "SELECT url, index_no FROM publications WHERE index_no IN ("
        " SELECT index_no FROM documents WHERE is_disclosure = 1 AND index_no <> ''"
        " GROUP BY index_no HAVING count(*) > 1)"
        " AND published_on BETWEEN :date_from AND :date_to ORDER BY index_no, url",
        date_from=date_from, date_to=date_to,
    )


def index_rows(db: sqlite_utils.Database, date_from: str, date_to: str) -> list[tuple]:
    """``(url, index_no)`` of the documents in the range that state an index number, by URL."""
    return _rows(db, "SELECT url, index_no FROM publications WHERE index_no IS NOT NULL AND index_no <> ''"
                 " AND published_on BETWEEN :date_from AND :date_to ORDER BY url", date_from=date_from, date_to=date_to)


def dated_index_rows(db: sqlite_utils.Database, date_from: str, date_to: str) -> list[tuple]:
    """``(url, index_no, published_on)`` of the documents in the range, by URL."""
    return _rows(db, "SELECT url, index_no, published_on FROM publications"
                 " WHERE published_on BETWEEN :date_from AND :date_to ORDER BY url", date_from=date_from, date_to=date_to)


def index_numbers(db: sqlite_utils.Database, date_from: str, date_to: str) -> list[tuple]:
    """``(index_no,)`` of every document in the range."""
    return _rows(db, "SELECT index_no FROM publications WHERE published_on BETWEEN :date_from AND :date_to",
                 date_from=date_from, date_to=date_to)


def unattributed_rows(db: sqlite_utils.Database, date_from: str, date_to: str) -> list[tuple]:
    """``(url, index_no, publisher, published_on)`` of the documents in the range without a
    publisher, and of every document without a publication date."""
    return _rows(
        db,
        "SELECT url, index_no, publisher, published_on FROM publications"
        " WHERE (published_on BETWEEN :date_from AND :date_to AND coalesce(publisher, '') = '')"
        " OR published_on IS NULL ORDER BY url",
        date_from=date_from, date_to=date_to,
    )


def impossible_date_rows(db: sqlite_utils.Database, date_from: str, date_to: str, today: str) -> list[tuple]:
    """``(url, index_no, created_on, published_on)`` of the documents in the range published
    after ``today`` or before they were formed."""
    return _rows(
        db,
        "SELECT url, index_no, created_on, published_on FROM documents"
        " WHERE is_disclosure = 1 AND published_on BETWEEN :date_from AND :date_to"
        " AND (published_on > :today OR published_on < created_on) ORDER BY url",
        date_from=date_from, date_to=date_to, today=today,
    )
