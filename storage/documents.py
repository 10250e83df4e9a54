"""Storing parsed pages as rows of ``documents`` and ``attachments``."""

import hashlib
import json
from collections import Counter
from collections.abc import Iterable

import sqlite_utils

# The parse keys that are lists or objects; stored as JSON text.
JSON_KEYS = ("breadcrumb", "attachments", "fields", "warnings")


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
    row["last_seen_at"] = seen_at
    row["crawl_id"] = crawl_id
    return row


def store_documents(
    db: sqlite_utils.Database, records: Iterable[dict], *, crawl_id: int, seen_at: str
) -> Counter:
    """Insert or update documents in one transaction; count them as new/updated/unchanged.

    A page whose content hash is the one stored only has ``last_seen_at`` and
    ``crawl_id`` moved on, so re-crawling an unchanged site rewrites nothing else.
    """
    counts = Counter()
    with db.atomic():
        for record in records:
            row = document_row(record, crawl_id=crawl_id, seen_at=seen_at)
            stored = db.execute(
                "SELECT content_hash FROM documents WHERE url = ?", [row["url"]]
            ).fetchone()
            if stored is None:
                row["first_seen_at"] = seen_at
                db["documents"].insert(row)
                counts["new"] += 1
            elif stored[0] == row["content_hash"]:
                db.execute(
                    "UPDATE documents SET last_seen_at = ?, crawl_id = ? WHERE url = ?",
                    [seen_at, crawl_id, row["url"]],
                )
                counts["unchanged"] += 1
                continue
            else:
                db["documents"].update(row["url"], row)
                db.execute("DELETE FROM attachments WHERE document_url = ?", [row["url"]])
                counts["updated"] += 1
            db["attachments"].insert_all(
                {"document_url": row["url"], "name": item.get("name"), "url": item.get("url")}
                for item in record.get("attachments") or []
            )
    return counts
