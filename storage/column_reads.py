"""When each listing column was last read through all of its pages.

An incremental crawl reads a column's listing newest first and stops at the first page
whose documents are all known with their stored dates; each column is still read to its
last page once every ``GOVWATCH_REVERIFY_DAYS``. ``column_reads`` holds, per column (the
canonical URL of its first listing page), when that last happened and in which crawl.
"""

import sqlite_utils

from storage.transactions import write_transaction


def create_column_reads_table(db: sqlite_utils.Database) -> None:
    """Create ``column_reads``, one row per column, keyed by its first listing page's URL."""
    db["column_reads"].create({"url": str, "fully_read_at": str, "crawl_id": int}, pk="url",
                              foreign_keys=[("crawl_id", "crawl_runs", "id")])


def forget_column_read(db: sqlite_utils.Database, url: str) -> None:
    """Column ``url`` is being read in full: until that read is recorded, it is due."""
    with write_transaction(db):
        db.execute("DELETE FROM column_reads WHERE url = ?", [url])


def record_column_reads(db: sqlite_utils.Database, urls: list[str], *, crawl_id: int, at: str) -> None:
    """Columns ``urls`` were read through all of their pages by crawl ``crawl_id``, and
    every page they link was fetched."""
    with write_transaction(db):
        db["column_reads"].upsert_all(
            [{"url": url, "fully_read_at": at, "crawl_id": crawl_id} for url in urls], pk="url")


def column_read_dates(db: sqlite_utils.Database) -> dict[str, str]:
    """When each column was last read through all of its pages, by URL."""
    return dict(db.execute("SELECT url, fully_read_at FROM column_reads").fetchall())
