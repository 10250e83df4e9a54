"""Annual-report files the crawl downloaded, so the audit can read a report published as a file.

Portals often publish the 政府信息公开工作年度报告 as a PDF or Word file: attached to a
page that says little more than 详见附件, or linked straight from the 年报 column's
listing. One row per file URL keeps the file's digest with where it was linked from; a
re-download of the same bytes only moves ``fetched_at`` on, different bytes replace the
stored ones.

The bytes are kept once: a file the crawl archived is read from its WARC record
(``warc_file``, ``warc_offset``, as in ``attachments``) and ``body`` is null; ``body``
holds the bytes of a file that was not archived (archiving off, over its size limit, or
downloaded before the archive existed).
"""

import hashlib

import sqlite_utils

from storage.transactions import write_transaction

COLUMNS = ("url", "page_url", "title", "content_type", "sha256", "size", "body", "fetched_at", "changed_at",
           "crawl_id", "warc_file", "warc_offset")


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


def add_report_file_pointers(db: sqlite_utils.Database) -> None:
    """The archived record of each file's bytes (null for files stored with their ``body``)."""
    db["report_files"].add_column("warc_file", str)
    db["report_files"].add_column("warc_offset", int)


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
    warc: dict | None = None,
) -> str:
    """Store one downloaded file; return ``new``, ``changed`` or ``unchanged``.

    ``warc`` is the archived record holding these bytes (``{warc_file, warc_offset}``),
    None when the file was not archived: only then is ``body`` stored. ``changed_at`` is
    when the stored bytes were last replaced (first stored, for a new file), so a report
    edited after publication shows.
    """
    digest = hashlib.sha256(body).hexdigest()
    seen = {"page_url": page_url, "title": title, "fetched_at": fetched_at, "crawl_id": crawl_id}
    pointer = {"warc_file": warc["warc_file"], "warc_offset": warc["warc_offset"]} if warc else {}
    with write_transaction(db):
        stored = db.execute("SELECT sha256 FROM report_files WHERE url = ?", [url]).fetchone()
        if stored and stored[0] == digest:
            # The newest record of the same bytes; once archived, a body stored before is not kept twice.
            db["report_files"].update(url, {**seen, **pointer, **({"body": None} if warc else {})})
            return "unchanged"
        content = {"content_type": content_type, "sha256": digest, "size": len(body),
                   "body": None if warc else body, "changed_at": fetched_at,
                   "warc_file": pointer.get("warc_file"), "warc_offset": pointer.get("warc_offset")}
        db["report_files"].upsert({"url": url, **seen, **content}, pk="url")
    return "changed" if stored else "new"


def report_file_dates(db: sqlite_utils.Database, site: str) -> dict[str, str]:
    """When each file stored for ``site`` was last downloaded, by URL (what its crawl needs to skip fresh ones)."""
    return dict(db.execute("SELECT url, fetched_at FROM report_files WHERE site = ?", [site]).fetchall())


def _rows(db: sqlite_utils.Database, where: str, params: dict) -> list[dict]:
    """Rows with ``archive_dir``: where the crawl that last downloaded the file archived."""
    cursor = db.execute(
        f"SELECT {', '.join(COLUMNS)}, (SELECT archive_dir FROM crawl_runs WHERE id = report_files.crawl_id)"
        f" FROM report_files WHERE {where}", params)
    return [dict(zip(COLUMNS + ("archive_dir",), row)) for row in cursor.fetchall()]


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
