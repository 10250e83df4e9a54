"""Annual-report files the crawl downloaded, so the audit can read a report published as a file.

Portals often publish the 政府信息公开工作年度报告 as a PDF or Word file: attached to a
page that says little more than 详见附件, or linked straight from the 年报 column's
listing. One row per file URL keeps the file's bytes with where it was linked from; a
re-download of the same bytes only moves ``fetched_at`` on, different bytes replace the
stored ones.
"""

import hashlib

import sqlite_utils

from storage.transactions import write_transaction

COLUMNS = ("url", "page_url", "title", "content_type", "sha256", "size", "body", "fetched_at", "changed_at",
           "crawl_id")


def create_report_files_table(db: sqlite_utils.Database) -> None:
    """Create ``report_files``, keyed by the file's URL and looked up by the linking page."""
    db["report_files"].create(
        {
            "url": str,
            "page_url": str,
            "title": str,
            "content_type": str,
            "sha256": str,
            "size": int,
            "body": bytes,
            "fetched_at": str,
            "changed_at": str,
            "crawl_id": int,
        },
        pk="url",
    )
    db["report_files"].create_index(["page_url"])


def store_report_file(
    db: sqlite_utils.Database,
    *,
    url: str,
    page_url: str,
    title: str | None,
    content_type: str | None,
    body: bytes,
    crawl_id: int | None,
    fetched_at: str,
) -> str:
    """Store one downloaded file; return ``new``, ``changed`` or ``unchanged``.

    ``changed_at`` is when the stored bytes were last replaced (first stored, for a new
    file), so a report edited after publication shows.
    """
    digest = hashlib.sha256(body).hexdigest()
    seen = {"page_url": page_url, "title": title, "fetched_at": fetched_at, "crawl_id": crawl_id}
    with write_transaction(db):
        stored = db.execute("SELECT sha256 FROM report_files WHERE url = ?", [url]).fetchone()
        if stored and stored[0] == digest:
            db["report_files"].update(url, seen)
            return "unchanged"
        content = {"content_type": content_type, "sha256": digest, "size": len(body), "body": body,
                   "changed_at": fetched_at}
        db["report_files"].upsert({"url": url, **seen, **content}, pk="url")
    return "changed" if stored else "new"


def report_file_dates(db: sqlite_utils.Database, site: str) -> dict[str, str]:
    """When each file stored for ``site`` was last downloaded, by URL (what its crawl needs to skip fresh ones)."""
    return dict(db.execute("SELECT url, fetched_at FROM report_files WHERE site = ?", [site]).fetchall())


def _rows(db: sqlite_utils.Database, where: str, params: dict) -> list[dict]:
    cursor = db.execute(f"SELECT {', '.join(COLUMNS)} FROM report_files WHERE {where}", params)
    return [dict(zip(COLUMNS, row)) for row in cursor.fetchall()]


def files_of_page(db: sqlite_utils.Database, page_url: str) -> list[dict]:
    """The stored files a document links as attachments, in the page's order."""
    return _rows(
        db,
        "url IN (SELECT url FROM attachments WHERE document_url = :page)"
        " ORDER BY (SELECT min(id) FROM attachments WHERE document_url = :page AND attachments.url = report_files.url)",
        {"page": page_url},
    )


def listed_report_file(db: sqlite_utils.Database, year: int) -> dict | None:
    """A stored file linked under a title naming ``year`` (a 年报 listing linking the file itself)."""
    rows = _rows(
        db,
        "(title LIKE :title OR title LIKE :spaced) ORDER BY fetched_at DESC, url LIMIT 1",
        {"title": f"%{year}年%", "spaced": f"%{year} 年%"},
    )
    return rows[0] if rows else None
