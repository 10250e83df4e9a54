"""Pages a listing shows beside a date that are not disclosure documents (news articles).

A nightly crawl treats them as it treats known documents: fetched again, conditionally,
only when a listing shows another date or on their turn for re-verification, instead of
every night. ``listed_pages`` holds the date last listed beside each, when it was last
fetched or confirmed by a 304, and the HTTP validators it sent.
"""

from collections.abc import Iterable

import sqlite_utils

from storage.transactions import write_transaction


def create_listed_pages_table(db: sqlite_utils.Database) -> None:
    """Create ``listed_pages``, keyed by the page's canonical URL."""
    db["listed_pages"].create({"url": str, "listed_on": str, "verified_at": str, "etag": str,
                               "last_modified": str, "crawl_id": int}, pk="url",
                              foreign_keys=[("crawl_id", "crawl_runs", "id")])


def record_listed_page(db: sqlite_utils.Database, url: str, *, listed_on: str, etag: str | None,
                       last_modified: str | None, crawl_id: int, at: str) -> None:
    """Page ``url``, listed beside ``listed_on``, was fetched and is not a document."""
    with write_transaction(db):
        db["listed_pages"].upsert({"url": url, "listed_on": listed_on, "verified_at": at, "etag": etag,
                                   "last_modified": last_modified, "crawl_id": crawl_id}, pk="url")


def touch_listed_pages(db: sqlite_utils.Database, urls: Iterable[str], *, crawl_id: int, at: str) -> None:
    """Listed pages a 304 confirmed unchanged."""
    with write_transaction(db):
        for url in urls:
            db.execute("UPDATE listed_pages SET verified_at = ?, crawl_id = ? WHERE url = ?", [at, crawl_id, url])


def known_listed_pages(db: sqlite_utils.Database) -> list[tuple]:
    """``(url, listed_on, verified_at, etag, last_modified)`` of every listed page."""
    return db.execute("SELECT url, listed_on, verified_at, etag, last_modified FROM listed_pages").fetchall()
