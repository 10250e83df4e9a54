"""The rows the inspection checks (``monitor.audit.rulebook``) judge.

The checks judge the portal as it stood on an as-of date, which for a crawl made later
is the documents published (stated published) by then: what a crawl first saw when is
only known from the day govwatch started watching.
"""

import sqlite_utils

from storage.publications import ANNUAL_REPORTS


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


def column_newest(db: sqlite_utils.Database, as_of: str) -> list[tuple]:
    """``(column_path, newest published_on, url of that document, documents)`` per column of
    the disclosure documents published by ``as_of``, by column."""
    # Of documents published the same newest day, the greatest URL, so the answer is one.
    return _rows(
        db,
        "SELECT column_path, published_on, url, documents FROM ("
        " SELECT column_path, published_on, url, count(*) OVER (PARTITION BY column_path) AS documents,"
        " row_number() OVER (PARTITION BY column_path ORDER BY published_on DESC, url DESC) AS rank"
        " FROM documents WHERE is_disclosure = 1 AND published_on <= :as_of AND column_path IS NOT NULL)"
        " WHERE rank = 1 ORDER BY column_path",
        as_of=as_of,
    )


def latest_crawl_notes(db: sqlite_utils.Database, kind: str) -> list[tuple]:
    """``(url, title, detail)`` of the latest crawl's notes of ``kind``, by URL."""
    return _rows(
        db,
        "SELECT url, title, detail FROM crawl_notes WHERE kind = :kind"
        " AND crawl_id = (SELECT max(id) FROM crawl_runs) ORDER BY url",
        kind=kind,
    )


def report_rows(db: sqlite_utils.Database, date_from: str, date_to: str) -> list[tuple]:
    """``(url, title, published_on, first seen day)`` of the annual-report pages that appeared
    in the range (by their stated date, else the day a crawl first saw them), by URL."""
    return _rows(
        db,
        "SELECT url, title, published_on, substr(first_seen_at, 1, 10) FROM documents"
        f" WHERE {ANNUAL_REPORTS}"
        " AND coalesce(published_on, substr(first_seen_at, 1, 10)) BETWEEN :date_from AND :date_to ORDER BY url",
        date_from=date_from, date_to=date_to,
    )


def version_records(db: sqlite_utils.Database, url: str) -> list[tuple]:
    """``(fetched_at, record)`` of the versions of the page ``url`` the portal made (not those a
    new parser recorded), oldest first (``record`` is the version's JSON)."""
    return _rows(db, "SELECT fetched_at, record FROM document_versions WHERE url = :url"
                 " AND coalesce(reason, '') <> 'parser' ORDER BY id", url=url)
