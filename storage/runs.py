"""Crawl runs, the fetches that failed during them, and the notes they made about pages."""

import datetime as dt
import json

import sqlite_utils

from storage.transactions import write_transaction


def utc_now() -> str:
    """The current time as an ISO-8601 UTC timestamp, the format of every ``*_at`` column."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_run_profile_columns(db: sqlite_utils.Database) -> None:
    """``crawl_runs.body_ids`` / ``body_classes`` (JSON lists: the article containers of the
    profile the crawl used, which a re-parse applies again, even for a profile read from a
    file) and ``archive_dir`` (where the crawl wrote its WARC files; null when it archived
    nothing, and for crawls from before ``_run_profile_and_report_archive``)."""
    for column in ("body_ids", "body_classes", "archive_dir"):
        db["crawl_runs"].add_column(column, str)


def start_run(db: sqlite_utils.Database, *, site: str, start_urls: list[str], body_ids: tuple[str, ...] = (),
              body_classes: tuple[str, ...] = (), archive_dir: str | None = None) -> int:
    """Record a crawl as ``running`` and return its id.

    A run that is never finished (the process was killed) keeps ``running`` with no
    ``finished_at``, which is how an auditor tells it from a complete one.
    """
    with write_transaction(db):
        table = db["crawl_runs"].insert(
            {
                "started_at": utc_now(),
                "status": "running",
                "site": site,
                "start_urls": json.dumps(start_urls, ensure_ascii=False),
                "body_ids": json.dumps(list(body_ids), ensure_ascii=False),
                "body_classes": json.dumps(list(body_classes), ensure_ascii=False),
                "archive_dir": archive_dir,
                "pages_fetched": 0,
                "documents_new": 0,
                "documents_updated": 0,
                "documents_unchanged": 0,
                "errors": 0,
            }
        )
    return table.last_pk


def finish_run(db: sqlite_utils.Database, run_id: int, *, status: str, pages_fetched: int) -> dict:
    """Close a run with its final status and counts; return the stored row."""
    with write_transaction(db):
        errors = db.execute("SELECT count(*) FROM fetch_errors WHERE crawl_id = ?", [run_id]).fetchone()[0]
        db["crawl_runs"].update(
            run_id,
            {"finished_at": utc_now(), "status": status, "pages_fetched": pages_fetched, "errors": errors},
        )
    return db["crawl_runs"].get(run_id)


def add_document_counts(db: sqlite_utils.Database, run_id: int, counts: dict) -> None:
    """Add a batch's new/updated/unchanged counts to the run's totals."""
    with write_transaction(db):
        db.execute(
            "UPDATE crawl_runs SET documents_new = documents_new + ?,"
            " documents_updated = documents_updated + ?,"
            " documents_unchanged = documents_unchanged + ? WHERE id = ?",
            [counts.get("new", 0), counts.get("updated", 0), counts.get("unchanged", 0), run_id],
        )


def record_fetch_error(
    db: sqlite_utils.Database, run_id: int, *, url: str, status: int | None, error: str
) -> None:
    """Remember one URL that could not be fetched or read, with why."""
    with write_transaction(db):
        db["fetch_errors"].insert(
            {"crawl_id": run_id, "url": url, "status": status, "error": error, "at": utc_now()}
        )


def last_failures(db: sqlite_utils.Database, site: str) -> list[tuple[str, str]]:
    """Each URL of ``site`` that ever failed to be fetched, with when it last failed."""
    return db.execute("SELECT url, max(at) FROM fetch_errors WHERE site = ? GROUP BY url", [site]).fetchall()


def record_crawl_note(
    db: sqlite_utils.Database, run_id: int, *, url: str, kind: str, title: str | None, detail: str
) -> None:
    """Remember something the crawl could not read the usual way about one page."""
    with write_transaction(db):
        db["crawl_notes"].insert(
            {"crawl_id": run_id, "url": url, "kind": kind, "title": title, "detail": detail, "at": utc_now()}
        )


def crawl_notes(db: sqlite_utils.Database, run_id: int) -> list[dict]:
    """The notes crawl ``run_id`` made, in the order it made them."""
    return list(db.query("SELECT * FROM crawl_notes WHERE crawl_id = ? ORDER BY id", [run_id]))


def first_fetch_errors(db: sqlite_utils.Database, run_id: int, limit: int) -> list[dict]:
    """The first ``limit`` fetch errors of crawl ``run_id``, in the order they happened."""
    return list(db.query("SELECT url, status, error FROM fetch_errors WHERE crawl_id = ? ORDER BY id LIMIT ?",
                         [run_id, limit]))


def crawl_count(db: sqlite_utils.Database, site: str) -> int:
    """How many crawls of ``site`` were started before (each picks its share of re-verification by it)."""
    return db.execute("SELECT count(*) FROM crawl_runs WHERE site = ?", [site]).fetchone()[0]


def crawl_runs(db: sqlite_utils.Database) -> list[dict]:
    """Every crawl run, oldest first."""
    return list(db.query("SELECT * FROM crawl_runs ORDER BY id"))


def crawl_start_urls(db: sqlite_utils.Database) -> list[str]:
    """Every start URL of every crawl the database records."""
    return [url for (urls,) in db.execute("SELECT start_urls FROM crawl_runs") for url in json.loads(urls or "[]")]


# A crawl's fetch errors, as the report lists them and shows the query.
FETCH_ERRORS = "SELECT url, status, error, at FROM fetch_errors WHERE crawl_id = :crawl_id ORDER BY id"


def last_crawl(db: sqlite_utils.Database) -> dict | None:
    """The newest crawl run, or None when no crawl is recorded."""
    return next(db.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1"), None)


def sites_held(db: sqlite_utils.Database) -> list[str]:
    """The sites whose documents the file holds, by name."""
    return [site for (site,) in db.execute("SELECT DISTINCT site FROM documents WHERE site IS NOT NULL ORDER BY site")]


def sites_crawled(db: sqlite_utils.Database) -> list[str]:
    """The sites the file records a crawl of, by name: a site whose crawls stored nothing too."""
    return [site for (site,) in db.execute("SELECT DISTINCT site FROM crawl_runs WHERE site IS NOT NULL ORDER BY site")]


def crawl_fetch_errors(db: sqlite_utils.Database, crawl_id: int | None) -> list[dict]:
    """Every fetch error of crawl ``crawl_id`` (``FETCH_ERRORS``), in the order they happened."""
    return list(db.query(FETCH_ERRORS, {"crawl_id": crawl_id}))


def documents_seen(run: dict) -> int:
    """Documents a crawl stored: new, updated and unchanged ones."""
    return sum(run.get(column) or 0 for column in ("documents_new", "documents_updated", "documents_unchanged"))
