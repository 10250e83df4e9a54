"""The index of the crawl's WARC archive: which record of which file holds each fetch.

The bytes themselves are in WARC files beside the database (``crawler.archive`` writes
them); ``archive_records`` has one row per record written: every response a crawl
received (pages, error pages, redirects, files) and every 304, whose ``revisit`` record
holds no body and names, in ``refers_file``/``refers_offset``, the record that does.
``warc_file`` is a file name inside the archive directory, so the directory can be
moved; ``warc_offset`` is where the record's gzip member starts. ``document_versions``
and ``attachments`` carry the same pair for the record their content was read from.

The archive directory is ``<database>.warc`` unless the crawl was told otherwise; a
command that reads the archive takes it as ``--archive``.
"""

from pathlib import Path

import sqlite_utils

from storage.transactions import write_transaction

RECORD_COLUMNS = ("id", "url", "crawl_id", "fetched_at", "status", "record_type", "content_type", "warc_file",
                  "warc_offset", "warc_record_id", "payload_sha256", "payload_size", "refers_file", "refers_offset")


def default_archive_dir(db_path: str | Path) -> Path:
    """Where a database's archive lives unless told otherwise: ``<db>.warc`` beside it."""
    return Path(str(db_path) + ".warc")


def database_archive_dir(db: sqlite_utils.Database) -> Path | None:
    """The default archive directory of the file ``db`` is connected to; None for an in-memory database."""
    path = next((row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"), "")
    return default_archive_dir(path) if path else None


def create_archive_tables(db: sqlite_utils.Database) -> None:
    """``archive_records`` and the WARC pointers of versions and attachments (schema 9)."""
    db["archive_records"].create(
        {"id": int, "url": str, "crawl_id": int, "fetched_at": str, "status": int, "record_type": str,
         "content_type": str, "warc_file": str, "warc_offset": int, "warc_record_id": str,
         "payload_sha256": str, "payload_size": int, "refers_file": str, "refers_offset": int},
        pk="id",
    )
    db["archive_records"].create_index(["url", "id"])
    db["archive_records"].create_index(["warc_file", "warc_offset"])
    for column, kind in (("warc_file", str), ("warc_offset", int)):
        db["document_versions"].add_column(column, kind)
    for column, kind in (("sha256", str), ("size", int), ("fetched_at", str), ("warc_file", str),
                         ("warc_offset", int)):
        db["attachments"].add_column(column, kind)


def add_archive_records(db: sqlite_utils.Database, rows: list[dict]) -> None:
    """Index a batch of records the archive wrote, in one transaction."""
    with write_transaction(db):
        db["archive_records"].insert_all(rows)


def latest_response(db: sqlite_utils.Database, url: str) -> dict | None:
    """The newest record of ``url`` that holds a body of a 200 answer (what a 304 refers to)."""
    cursor = db.execute(
        f"SELECT {', '.join(RECORD_COLUMNS)} FROM archive_records"
        " WHERE url = ? AND record_type = 'response' AND status = 200 ORDER BY id DESC LIMIT 1", [url])
    row = cursor.fetchone()
    return dict(zip(RECORD_COLUMNS, row)) if row else None


def records_of(db: sqlite_utils.Database, url: str) -> list[dict]:
    """Every archived fetch of ``url``, oldest first."""
    cursor = db.execute(
        f"SELECT {', '.join(RECORD_COLUMNS)} FROM archive_records WHERE url = ? ORDER BY id", [url])
    return [dict(zip(RECORD_COLUMNS, row)) for row in cursor.fetchall()]


def record_attachment_files(db: sqlite_utils.Database, files: list[dict]) -> int:
    """Note the downloaded bytes of attachments: ``{url, sha256, size, fetched_at, warc_file,
    warc_offset}`` on every attachment row linking that URL; the number of rows updated."""
    count = 0
    with write_transaction(db):
        for item in files:
            count += db.execute(
                "UPDATE attachments SET sha256 = :sha256, size = :size, fetched_at = :fetched_at,"
                " warc_file = :warc_file, warc_offset = :warc_offset WHERE url = :url", item).rowcount
    return count


def reparse_sources(db: sqlite_utils.Database, *, since: str | None = None, site: str | None = None) -> list[dict]:
    """Each stored document with the archived record its current record was read from:
    ``{url, warc_file, warc_offset, content_type, fetched_at, crawl_id, site, body_ids, body_classes}``
    (the last two: the JSON lists the crawl recorded of its profile, None before they were), the record
    of its latest version (``warc_file`` None when that version was not archived: an
    older version's bytes would not give the current record).

    ``since`` keeps the documents whose bytes were fetched on or after that day, ``site``
    those of crawls of that site.
    """
    cursor = db.execute(
        """SELECT d.url, v.warc_file, v.warc_offset, a.content_type, coalesce(a.fetched_at, v.fetched_at),
                  v.crawl_id, r.site, r.body_ids, r.body_classes
           FROM documents AS d
           LEFT JOIN document_versions AS v ON v.id = (
               SELECT max(id) FROM document_versions WHERE url = d.url)
           LEFT JOIN archive_records AS a ON a.warc_file = v.warc_file AND a.warc_offset = v.warc_offset
           LEFT JOIN crawl_runs AS r ON r.id = coalesce(v.crawl_id, d.crawl_id)
           WHERE (:since IS NULL OR coalesce(a.fetched_at, v.fetched_at) >= :since)
             AND (:site IS NULL OR r.site = :site)
           ORDER BY v.warc_file, v.warc_offset""",
        {"since": since, "site": site},
    )
    keys = ("url", "warc_file", "warc_offset", "content_type", "fetched_at", "crawl_id", "site", "body_ids",
            "body_classes")
    return [dict(zip(keys, row)) for row in cursor.fetchall()]


def _dicts(cursor) -> list[dict]:
    keys = [item[0] for item in cursor.description]
    return [dict(zip(keys, row)) for row in cursor.fetchall()]


def evidence_of(db: sqlite_utils.Database, url: str) -> dict | None:
    """What the database holds on one document, for an evidence pack; None when it is not stored.

    ``document`` (its row), ``versions`` (each with the digest of the bytes it was read
    from), ``fetches`` (every archived fetch), ``attachments``, and the ``events`` and
    audit ``findings`` that cite it (each finding with its audit's run time and period).
    """
    document = _dicts(db.execute("SELECT * FROM documents WHERE url = ?", [url]))
    if not document:
        return None
    return {
        "document": document[0],
        "versions": _dicts(db.execute(
            "SELECT v.id, v.fetched_at, v.crawl_id, v.parser_version, v.reason, v.changed_fields, v.content_hash,"
            " v.record, v.warc_file, v.warc_offset, a.payload_sha256, a.warc_record_id, a.status"
            " FROM document_versions AS v"
            " LEFT JOIN archive_records AS a ON a.warc_file = v.warc_file AND a.warc_offset = v.warc_offset"
            " WHERE v.url = ? ORDER BY v.id", [url])),
        "fetches": records_of(db, url),
        "attachments": _dicts(db.execute("SELECT * FROM attachments WHERE document_url = ? ORDER BY id", [url])),
        "events": _dicts(db.execute("SELECT * FROM events WHERE url = ? ORDER BY id", [url])),
        "findings": _dicts(db.execute(
            "SELECT f.id, f.audit_id, r.ran_at, r.date_from, r.date_to, f.kind, f.index_no, f.detail"
            " FROM findings AS f JOIN audit_runs AS r ON r.id = f.audit_id WHERE f.url = ? ORDER BY f.id", [url])),
    }
