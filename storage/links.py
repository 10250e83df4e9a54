"""The portal's link graph and what each link's target answered.

``links`` holds, for every page a crawl read, the links it carries inside the portal's
hosts (``from_url`` → ``to_url``, both canonical, with the link's text), as the page
last showed them: a page read again replaces its rows. ``link_checks`` holds, per
target URL, the last answer a crawl got for it: the status of the page or file it
fetched anyway, else of a HEAD request (or, when HEAD is refused, a GET of its first
byte); ``status`` is NULL when no HTTP answer came (``error`` says why).

A target is dead when its answer was 404/410 or a 5xx that persisted through the
crawl's retries (:data:`DEAD`); any other answer, and no answer, is not judged dead.
"""

from collections.abc import Iterable

import sqlite_utils

from storage.transactions import write_transaction

# The SQL test of a dead target's status: gone, or a server error the retries did not cure.
DEAD = "(c.status IN (404, 410) OR c.status >= 500)"
# The links pages still show: not those of a document since removed, nor of a page that is dead itself.
SHOWN_LINKS = (
    "(SELECT * FROM links AS s WHERE NOT EXISTS (SELECT 1 FROM documents AS r WHERE r.url = s.from_url"
    " AND r.removed_at IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM link_checks AS c WHERE c.url = s.from_url"
    f" AND {DEAD}))"
)


def create_links_tables(db: sqlite_utils.Database) -> None:
    """Create ``links`` and ``link_checks`` (the ``site`` column is added by the migration)."""
    db["links"].create({"id": int, "from_url": str, "to_url": str, "text": str, "crawl_id": int}, pk="id",
                       foreign_keys=[("crawl_id", "crawl_runs", "id")])
    db["links"].create_index(["from_url"])
    db["links"].create_index(["to_url"])
    db["link_checks"].create({"url": str, "status": int, "error": str, "method": str, "crawl_id": int,
                              "checked_at": str}, pk="url", foreign_keys=[("crawl_id", "crawl_runs", "id")])


def replace_links(db: sqlite_utils.Database, pages: dict[str, list[tuple[str, str]]], *, crawl_id: int) -> None:
    """The links each page of ``pages`` (URL → ``[(to_url, text)]``) shows now, replacing those it showed before."""
    if not pages:
        return
    with write_transaction(db):
        site = _site_of(db, crawl_id)
        db.conn.executemany("DELETE FROM links WHERE from_url = ?", [(url,) for url in pages])
        db.conn.executemany(
            "INSERT INTO links (from_url, to_url, text, crawl_id, site) VALUES (?, ?, ?, ?, ?)",
            [(url, target, text, crawl_id, site) for url, found in pages.items() for target, text in found])


def record_link_checks(db: sqlite_utils.Database, checks: Iterable[dict], *, crawl_id: int, at: str) -> None:
    """The answers targets gave (dicts of ``url``, ``status``, ``error``, ``method``), replacing earlier ones."""
    rows = [(item["url"], item["status"], item["error"], item["method"], crawl_id, at) for item in checks]
    if not rows:
        return
    with write_transaction(db):
        site = _site_of(db, crawl_id)
        db.conn.executemany(
            "INSERT OR REPLACE INTO link_checks (url, status, error, method, crawl_id, checked_at, site)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", [(*row, site) for row in rows])


def _site_of(db: sqlite_utils.Database, crawl_id: int) -> str | None:
    """The crawl's site, written with each row: the migration's trigger would otherwise
    look it up and UPDATE every link row again (thousands a crawl)."""
    row = db.execute("SELECT site FROM crawl_runs WHERE id = ?", [crawl_id]).fetchone()
    return row[0] if row else None


def link_check_dates(db: sqlite_utils.Database, site: str) -> dict[str, str]:
    """When each of ``site``'s link targets last gave an answer that was a success (2xx/3xx),
    by URL: those are checked again on their turn; the others every crawl."""
    return dict(db.execute("SELECT url, checked_at FROM link_checks WHERE site = ? AND status BETWEEN 200 AND 399",
                           [site]).fetchall())


def dead_links(db: sqlite_utils.Database) -> list[tuple]:
    """``(to_url, status, JSON list of [from_url, text])`` of every dead link target,
    by URL; its linking pages by URL."""
    return db.execute(
        "SELECT l.to_url, c.status, json_group_array(json_array(l.from_url, l.text)) FROM ("
        f" SELECT to_url, from_url, text FROM {SHOWN_LINKS} ORDER BY to_url, from_url) AS l"
        f" JOIN link_checks AS c ON c.url = l.to_url WHERE {DEAD} GROUP BY l.to_url ORDER BY l.to_url"
    ).fetchall()


# Links and dead links per column of the linking page (NULL: a page that is no document,
# a listing or the home page); checked: links whose target gave an answer.
LINKS_BY_COLUMN = (
    "SELECT d.column_path AS column_path, count(*) AS links, count(c.status) AS checked,"
    f" sum(CASE WHEN {DEAD} THEN 1 ELSE 0 END) AS dead"
    f" FROM {SHOWN_LINKS} AS l LEFT JOIN documents AS d ON d.url = l.from_url LEFT JOIN link_checks AS c ON c.url = l.to_url"
    " GROUP BY d.column_path ORDER BY d.column_path IS NULL, d.column_path"
)


def links_by_column(db: sqlite_utils.Database) -> list[dict]:
    """``column_path``, ``links``, ``checked`` and ``dead`` per column (:data:`LINKS_BY_COLUMN`)."""
    return list(db.query(LINKS_BY_COLUMN))


def document_links(db: sqlite_utils.Database, date_from: str, date_to: str) -> list[tuple]:
    """``(url, index_no, column_path, links read, links to another document)`` of the disclosure
    documents published in the range, by URL. ``links read`` is 0 for a page whose links no
    crawl recorded (crawled before the link graph): then nothing is known of its links.
    A link to another document counts when that document is stored and not removed."""
    return db.execute(
        "SELECT d.url, d.index_no, d.column_path,"
        " (SELECT count(*) FROM links AS l WHERE l.from_url = d.url),"
        " (SELECT count(*) FROM links AS l JOIN documents AS t ON t.url = l.to_url"
        "  WHERE l.from_url = d.url AND t.url <> d.url AND t.is_disclosure = 1 AND t.removed_at IS NULL)"
        " FROM documents AS d WHERE d.is_disclosure = 1 AND d.published_on BETWEEN ? AND ? ORDER BY d.url",
        [date_from, date_to],
    ).fetchall()
