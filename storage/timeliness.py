"""What timeliness is computed from: the documents' dates and the ``workdays`` table.

The ``timeliness`` view (``storage.db``) joins documents to ``workdays`` for people who
query the file; the audit reads the same columns here and counts the working days
itself, so it needs no write to be current.
"""

import sqlite_utils

from storage.db import document_views
from storage.publications import RANGE
from storage.transactions import write_transaction

TIMELINESS_VIEW = next(sql for sql in document_views(with_site=True) if "VIEW timeliness" in sql)
# The report's histogram of delays, as a person reruns it on the view.
DELAY_HISTOGRAM = (
    f"SELECT workdays, count(*) AS n FROM timeliness WHERE {RANGE} AND workdays IS NOT NULL"
    " GROUP BY workdays ORDER BY workdays"
)
# The view's columns other than the two it computes, in its order.
DATED_COLUMNS = ("url", "title", "publisher", "index_no", "column_path", "created_on", "created_on_source",
                 "published_on")


def date_years(db: sqlite_utils.Database) -> tuple[int, int]:
    """The first and last year any document was formed or published; ``(0, -1)`` when none is dated."""
    # Four index lookups rather than a scan of every date.
    dates = [value for value in db.execute(
        "SELECT (SELECT min(created_on) FROM documents), (SELECT max(created_on) FROM documents),"
        " (SELECT min(published_on) FROM documents), (SELECT max(published_on) FROM documents)"
    ).fetchone() if value]
    return (int(min(dates)[:4]), int(max(dates)[:4])) if dates else (0, -1)


def dated_documents(db: sqlite_utils.Database, date_from: str, date_to: str) -> list[tuple]:
    """The ``DATED_COLUMNS`` of the disclosure documents published in the range, by date and URL."""
    return db.execute(
        f"SELECT {', '.join(DATED_COLUMNS)} FROM documents"
        " WHERE is_disclosure = 1 AND published_on BETWEEN ? AND ? ORDER BY published_on, url",
        [date_from, date_to],
    ).fetchall()


def store_workdays(db: sqlite_utils.Database, rows: list[dict]) -> None:
    """Make ``workdays`` hold exactly ``rows``; rewritten only when it differs, in one short transaction."""
    if rows != list(db.query("SELECT day, is_workday, seq FROM workdays ORDER BY day")):
        with write_transaction(db):
            db.execute("DELETE FROM workdays")
            db["workdays"].insert_all(rows, batch_size=1000)
