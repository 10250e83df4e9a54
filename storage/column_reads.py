"""When each listing column was last read through all of its pages, and how far the read
under way has come.

An incremental crawl reads a column's listing newest first and stops at the first page
whose documents are all known with their stored dates; each column is still read to its
last page once every ``GOVWATCH_REVERIFY_DAYS``, a few older pages a night
(``GOVWATCH_SWEEP_PAGES``): a sweep. ``column_reads`` holds, per column (the canonical
URL of its first listing page), when its last completed read began (``fully_read_at``)
and which crawl completed it. ``column_sweeps`` holds the sweep under way of a column:
``resume_page``, the page (1 = the column's first, newest page, 2 = the next, in reading
order) the next night starts from, ``started_at``, when the sweep began, and
``crawl_id``, the crawl that last moved it on. A column has a ``column_sweeps`` row from
the night its sweep starts until the night it reaches the column's last page.
"""

import sqlite_utils

from storage.transactions import write_transaction


def create_column_reads_table(db: sqlite_utils.Database) -> None:
    """Create ``column_reads``, one row per column, keyed by its first listing page's URL."""
    db["column_reads"].create({"url": str, "fully_read_at": str, "crawl_id": int}, pk="url",
                              foreign_keys=[("crawl_id", "crawl_runs", "id")])


def create_column_sweeps_table(db: sqlite_utils.Database) -> None:
    """Create ``column_sweeps``, one row per column whose read to its end is under way."""
    db["column_sweeps"].create({"url": str, "resume_page": int, "started_at": str, "crawl_id": int}, pk="url",
                               foreign_keys=[("crawl_id", "crawl_runs", "id")])


def start_column_sweep(db: sqlite_utils.Database, url: str, *, crawl_id: int, at: str) -> None:
    """Column ``url``'s read to its end starts at its second page, unless one is under way:
    written at once, so a crawl killed half-way leaves it for the next night."""
    with write_transaction(db):
        db.execute("INSERT OR IGNORE INTO column_sweeps (url, resume_page, started_at, crawl_id) VALUES (?, 2, ?, ?)",
                   [url, at, crawl_id])


def record_column_sweeps(db: sqlite_utils.Database, completed: dict[str, str], resume: dict[str, int], *,
                         crawl_id: int) -> None:
    """The sweeps crawl ``crawl_id`` moved on: ``completed`` columns (URL: when their sweep
    began) were read to their last page, with every page they link fetched; the others
    resume next night from the page given."""
    with write_transaction(db):
        db["column_reads"].upsert_all(
            [{"url": url, "fully_read_at": at, "crawl_id": crawl_id} for url, at in completed.items()], pk="url")
        db.conn.executemany("DELETE FROM column_sweeps WHERE url = ?", [[url] for url in completed])
        db.conn.executemany("UPDATE column_sweeps SET resume_page = ?, crawl_id = ? WHERE url = ?",
                       [[page, crawl_id, url] for url, page in resume.items()])


def column_read_dates(db: sqlite_utils.Database) -> dict[str, str]:
    """When each column's last completed read to its end began, by URL."""
    return dict(db.execute("SELECT url, fully_read_at FROM column_reads").fetchall())


def column_sweeps(db: sqlite_utils.Database) -> dict[str, tuple[int, str]]:
    """The sweeps under way, by column URL: (the page the next night resumes from, when the sweep began)."""
    return {url: (page, at) for url, page, at in
            db.execute("SELECT url, resume_page, started_at FROM column_sweeps").fetchall()}
