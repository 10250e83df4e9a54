"""Storing parsed pages as ``documents``, with their versions and events.

Every distinct content of a document is a row of ``document_versions``; what happened
to it is a row of ``events``: ``new``, ``changed`` (with the fields), ``removed``,
``restored``, and two observations an auditor cannot trust the stated dates without:
``backdated`` (a new document whose stated 公开日期 is older than documents the
previous clean crawl already listed in its column, so its listing would have shown it)
and ``date_changed`` (公开日期 or the formation date edited between versions).

A version also says which parser produced it and why it was recorded: ``new``,
``portal`` (the page changed) or ``parser`` (a page last read by another parser version
now reads differently). A crawl that meets both a parser change and the portal's edit
of the same page cannot tell them apart; it takes the difference as the parser's, and
gives no event. ``govwatch reparse`` (:func:`store_reparsed`) applies a new parser to the
archived bytes instead, so the parser's differences are recorded apart from any crawl.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Iterable

import sqlite_utils

from storage.transactions import write_transaction

# The parse keys that are lists or objects; stored as JSON text.
JSON_KEYS = ("breadcrumb", "attachments", "fields", "warnings")
DATE_KEYS = ("published_on", "created_on")


def content_hash(record: dict) -> str:
    """A stable hash of everything a page said, so an unchanged page keeps its hash."""
    canonical = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def document_row(record: dict, *, crawl_id: int, seen_at: str) -> dict:
    """The ``documents`` row for one parsed page (without ``first_seen_at``)."""
    row = {key: value for key, value in record.items() if key not in JSON_KEYS}
    for key in JSON_KEYS:
        row[key] = json.dumps(record.get(key) or ([] if key != "fields" else {}), ensure_ascii=False)
    row["is_disclosure"] = int(bool(record.get("is_disclosure")))
    row["column_path"] = " >> ".join(record.get("breadcrumb") or []) or None
    row["content_hash"] = content_hash(record)
    row["last_seen_at"] = row["verified_at"] = seen_at
    row["crawl_id"] = crawl_id
    return row


def add_event(db: sqlite_utils.Database, url: str, kind: str, crawl_id: int, at: str, **detail) -> None:
    """Record one event of a document (inside the caller's transaction)."""
    db["events"].insert(
        {"url": url, "kind": kind, "crawl_id": crawl_id, "at": at,
         "detail": json.dumps(detail, ensure_ascii=False)}
    )


def _backdating_baseline(db: sqlite_utils.Database, crawl_id: int) -> str | None:
    """When the previous clean crawl started, or None when there was none to compare with.

    Only a crawl that finished without errors read every listing page that could hold a
    new document (an incremental crawl stops a column's listing at a page of known
    documents, so it still read the top of each column), so only its absence of a
    document says something.
    """
    row = db.execute(
        "SELECT started_at FROM crawl_runs WHERE id < ? AND status = 'finished' AND errors = 0"
        " ORDER BY id DESC LIMIT 1",
        [crawl_id],
    ).fetchone()
    return row[0] if row else None


def _check_backdated(db, row: dict, baseline: str, crawl_id: int, seen_at: str) -> None:
    """Record ``backdated`` when older documents of the same column were already known."""
    newest_known = db.execute(
        "SELECT max(published_on) FROM documents WHERE column_path IS ? AND first_seen_at <= ?"
        " AND removed_at IS NULL",
        [row["column_path"], baseline],
    ).fetchone()[0]
    if row["published_on"] and newest_known and row["published_on"] < newest_known:
        add_event(db, row["url"], "backdated", crawl_id, seen_at, stated_published_on=row["published_on"],
                  first_seen_at=seen_at, column_newest_already_listed=newest_known)


# Columns that change with every fetch; they are not what a document says.
_BOOKKEEPING = {"content_hash", "last_seen_at", "verified_at", "crawl_id", "etag", "last_modified", "parser_version"}


def _changed_fields(stored: dict, row: dict) -> list[str]:
    """The record keys whose stored value differs from the new row's."""
    return sorted(key for key in row if key in stored and key not in _BOOKKEEPING and stored[key] != row[key])


def _add_version(db, row: dict, record: dict, seen_at: str, changed: list[str] | None, reason: str,
                 archived: dict | None = None) -> None:
    db["document_versions"].insert(
        {"url": row["url"], "content_hash": row["content_hash"], "fetched_at": seen_at, "crawl_id": row["crawl_id"],
         "changed_fields": None if changed is None else json.dumps(changed),
         "record": json.dumps(record, ensure_ascii=False),
         "parser_version": row["parser_version"], "reason": reason,
         **{key: (archived or {}).get(key) for key in ("warc_file", "warc_offset")}}
    )


def store_documents(
    db: sqlite_utils.Database,
    records: Iterable[dict],
    *,
    crawl_id: int,
    seen_at: str,
    parser_version: int,
    validators: dict | None = None,
    archived: dict | None = None,
) -> Counter:
    """Insert or update documents in one transaction; count them as new/updated/unchanged.

    A page whose content hash is the one stored only has its seen/verified times, crawl,
    parser version and HTTP validators (``validators``: url -> {"etag", "last_modified"})
    moved on, so re-crawling an unchanged site adds no rows and changes no hash. A page
    that reads differently under a ``parser_version`` other than the one that last read
    it gets a version with reason ``parser`` and no ``changed`` or ``date_changed`` event.
    ``archived`` (url -> {"warc_file", "warc_offset"}) says which archived record each
    page was read from; its versions point there.
    """
    counts = Counter()
    validators, archived = validators or {}, archived or {}
    with write_transaction(db):
        baseline = _backdating_baseline(db, crawl_id)
        for record in records:
            row = document_row(record, crawl_id=crawl_id, seen_at=seen_at)
            row["parser_version"] = parser_version
            row.update(validators.get(row["url"], {}))
            stored = next(db.query("SELECT * FROM documents WHERE url = ?", [row["url"]]), None)
            if stored is None:
                row["first_seen_at"] = seen_at
                db["documents"].insert(row)
                _add_version(db, row, record, seen_at, None, "new", archived.get(row["url"]))
                add_event(db, row["url"], "new", crawl_id, seen_at)
                if baseline:
                    _check_backdated(db, row, baseline, crawl_id, seen_at)
                counts["new"] += 1
            elif stored["content_hash"] == row["content_hash"]:
                touch = {key: row[key] for key in ("last_seen_at", "verified_at", "crawl_id", "parser_version")}
                touch.update(validators.get(row["url"], {}))
                _restore_if_removed(db, stored, touch, crawl_id, seen_at)
                db["documents"].update(row["url"], touch)
                counts["unchanged"] += 1
                continue
            else:
                changed = _changed_fields(stored, row)
                _restore_if_removed(db, stored, row, crawl_id, seen_at)
                db["documents"].update(row["url"], row)
                reason = "portal" if stored["parser_version"] == parser_version else "parser"
                _add_version(db, row, record, seen_at, changed, reason, archived.get(row["url"]))
                if reason == "portal":
                    _add_change_events(db, stored, row, changed, seen_at)
                counts["updated"] += 1
            _replace_attachments(db, row["url"], record)
    return counts


_FILE_COLUMNS = ("sha256", "size", "fetched_at", "warc_file", "warc_offset")


def _replace_attachments(db, url: str, record: dict) -> None:
    """The document's ``attachments`` rows as ``record`` lists them, keeping what was
    downloaded of a file still attached (its digest and archived record)."""
    kept = {row[0]: row[1:] for row in db.execute(
        f"SELECT url, {', '.join(_FILE_COLUMNS)} FROM attachments WHERE document_url = ?", [url])}
    db.execute("DELETE FROM attachments WHERE document_url = ?", [url])
    db["attachments"].insert_all(
        {"document_url": url, "name": item.get("name"), "url": item.get("url"),
         **dict(zip(_FILE_COLUMNS, kept.get(item.get("url"), ())))}
        for item in record.get("attachments") or []
    )


def store_reparsed(db: sqlite_utils.Database, results: Iterable[tuple[dict, dict]], *, parser_version: int) -> Counter:
    """Apply records re-derived from archived bytes; count them ``changed``/``unchanged``.

    ``results`` are ``(record, source)`` pairs, ``source`` the archived record read
    (``warc_file``, ``warc_offset``, ``fetched_at``, ``crawl_id``). A record that differs
    from the stored one replaces it and gets a version with reason ``parser``, dated
    when its bytes were fetched; the document's seen, verified and removed times stay as
    the crawls left them, and no event is recorded: the portal did nothing.
    """
    counts = Counter()
    results = list(results)
    with write_transaction(db):
        # Most records read as before: they are told apart by hash, without loading their rows.
        hashes = dict(db.execute(
            "SELECT url, content_hash FROM documents WHERE url IN (SELECT value FROM json_each(?))",
            [json.dumps([record["url"] for record, _ in results])]).fetchall())
        unchanged = []
        for record, source in results:
            if record["url"] not in hashes:
                continue
            if hashes[record["url"]] == content_hash(record):
                unchanged.append(record["url"])
                continue
            stored = next(db.query("SELECT * FROM documents WHERE url = ?", [record["url"]]))
            row = document_row(record, crawl_id=stored["crawl_id"], seen_at=stored["last_seen_at"])
            row["verified_at"], row["parser_version"] = stored["verified_at"], parser_version
            db["documents"].update(row["url"], row)
            version = {**row, "crawl_id": source["crawl_id"]}
            _add_version(db, version, record, source["fetched_at"], _changed_fields(stored, row), "parser", source)
            _replace_attachments(db, row["url"], record)
            counts["changed"] += 1
        db.execute("UPDATE documents SET parser_version = ? WHERE parser_version IS NOT ?"
                   " AND url IN (SELECT value FROM json_each(?))", [parser_version, parser_version, json.dumps(unchanged)])
        counts["unchanged"] = len(unchanged)
    return counts


def _add_change_events(db, stored: dict, row: dict, changed: list[str], seen_at: str) -> None:
    """The portal edited a page: ``changed`` with the fields, and ``date_changed`` when a date moved."""
    add_event(db, row["url"], "changed", row["crawl_id"], seen_at, fields=changed)
    dates = {key: [stored[key], row[key]] for key in DATE_KEYS if stored[key] != row[key]}
    if dates:
        add_event(db, row["url"], "date_changed", row["crawl_id"], seen_at, **dates)


def _restore_if_removed(db, stored: dict, update: dict, crawl_id: int, seen_at: str) -> None:
    """A removed document seen again: clear ``removed_at`` and record ``restored``."""
    if stored.get("removed_at"):
        update["removed_at"] = None
        add_event(db, stored["url"], "restored", crawl_id, seen_at, removed_at=stored["removed_at"])


def touch_documents(
    db: sqlite_utils.Database, urls: Iterable[str], *, crawl_id: int, seen_at: str, verified: bool
) -> int:
    """Mark known documents seen in a listing (or verified by a 304) without refetching them."""
    column = "verified_at = :at, " if verified else ""
    count = 0
    with write_transaction(db):
        for url in urls:
            count += db.execute(
                f"UPDATE documents SET {column}last_seen_at = :at, crawl_id = :crawl WHERE url = :url",
                {"at": seen_at, "crawl": crawl_id, "url": url},
            ).rowcount
    return count


def mark_removed(db: sqlite_utils.Database, urls: Iterable[str], *, crawl_id: int, at: str, reason: str) -> int:
    """Record documents that are gone (404/410, or absent from a complete crawl)."""
    count = 0
    with write_transaction(db):
        for url in urls:
            changed = db.execute(
                "UPDATE documents SET removed_at = ? WHERE url = ? AND removed_at IS NULL", [at, url]
            ).rowcount
            if changed:
                add_event(db, url, "removed", crawl_id, at, reason=reason)
                count += 1
    return count


def known_documents(db: sqlite_utils.Database, site: str) -> list[tuple]:
    """``(url, published_on, verified_at, etag, last_modified, removed_at)`` of every document
    stored for ``site``: what its crawl needs to decide which pages to fetch again."""
    return db.execute(
        "SELECT url, published_on, verified_at, etag, last_modified, removed_at FROM documents WHERE site = ?",
        [site],
    ).fetchall()


def is_stored(db: sqlite_utils.Database, url: str) -> bool:
    """Whether a document is stored under ``url`` (removed or not)."""
    return db.execute("SELECT 1 FROM documents WHERE url = ?", [url]).fetchone() is not None


def not_seen_in(db: sqlite_utils.Database, crawl_id: int) -> list[str]:
    """URLs of the documents of crawl ``crawl_id``'s site still present that it did not see."""
    return [url for (url,) in db.execute(
        "SELECT url FROM documents WHERE crawl_id <> :crawl AND removed_at IS NULL"
        " AND site = (SELECT site FROM crawl_runs WHERE id = :crawl)", {"crawl": crawl_id})]
