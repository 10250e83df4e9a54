"""The rows the inspection checks (``monitor.audit.rulebook``) judge.

The checks judge the portal as it stood on an as-of date, which for a crawl made later
is the documents published (stated published) by then: what a crawl first saw when is
only known from the day govwatch started watching.
"""

import sqlite_utils


def _rows(db: sqlite_utils.Database, sql: str, **params) -> list[tuple]:
    return db.execute(sql, params).fetchall()


def text_rows(db: sqlite_utils.Database, date_from: str, date_to: str) -> list[tuple]:
    """``(url, index_no, title, body_text, attachments)`` of the documents published in the
    range, by URL (``attachments`` is the stored JSON)."""
    return _rows(
        db,
        "SELECT url, index_no, title, body_text, attachments FROM documents"
        " WHERE published_on BETWEEN :date_from AND :date_to ORDER BY url",
        date_from=date_from, date_to=date_to,
    )


def backdated_rows(db: sqlite_utils.Database, date_from: str, date_to: str) -> list[tuple]:
    """``(url, index_no, detail)`` of the ``backdated`` events of documents stated published
    in the range, by URL (``detail`` is the event's JSON)."""
    return _rows(
        db,
        "SELECT e.url, d.index_no, e.detail FROM events AS e JOIN documents AS d ON d.url = e.url"
        " WHERE e.kind = 'backdated' AND d.published_on BETWEEN :date_from AND :date_to ORDER BY e.url, e.id",
        date_from=date_from, date_to=date_to,
    )
