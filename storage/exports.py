"""What ``govwatch export`` reads that the audit does not compute: the documents of a
period and the alert queue, as plain rows."""

import sqlite_utils

from storage.publications import RANGE

# The documents export's columns, in the order a spreadsheet shows them.
DOCUMENT_COLUMNS = ("title", "url", "publisher", "index_no", "doc_no", "column_path", "created_on",
                    "published_on", "category", "disclosure_method")
ALERT_COLUMNS = ("id", "kind", "url", "limit_workdays", "subject", "status", "attempts", "error",
                 "created_at", "sent_at", "resolved_at")


def period_documents(db: sqlite_utils.Database, date_from: str, date_to: str, limit: int | None = None) -> list[dict]:
    """The disclosure documents published in the range, by date and URL, at most ``limit``."""
    # LIMIT -1 is SQLite's "no limit", so one statement serves both.
    return list(db.query(
        f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM documents WHERE is_disclosure = 1 AND {RANGE}"
        " ORDER BY published_on, url LIMIT :limit",
        {"date_from": date_from, "date_to": date_to, "limit": -1 if limit is None else limit},
    ))


def alert_queue(db: sqlite_utils.Database, limit: int | None = None) -> list[dict]:
    """Every alert in the queue, oldest first, at most ``limit``; none when the table is absent."""
    # A database no nightly run has touched has no alerts table: an empty queue, not an error.
    if "alerts" not in db.table_names():
        return []
    return list(db.query(
        f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts ORDER BY created_at, id LIMIT :limit",
        {"limit": -1 if limit is None else limit},
    ))
