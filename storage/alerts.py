"""The alert queue: what govwatch has to mail, what it mailed, and what failed.

Each alert has a ``key`` that is unique for ever: ``late:<url>:<limit>`` for a document
published later than a working-day limit, ``health:<check>`` for a crawl-health check
that fails (``health:<site>:<check>`` for a site of a fleet, whose row's ``site`` names
it), ``dead_link:<url>`` for a link target found dead. A late or dead-link alert is
queued once and never again, so a document is mailed once per limit, and a dead link
once, however often the audit finds it. A health alert's row is reused: once the
check passes again the row is ``resolved``, and a later failure turns it back into a
``pending`` alert (the row then describes the latest failure).

Statuses: ``pending`` (queued, not tried), ``failed`` (tried, the error is kept, tried
again on the next run), ``sent`` and ``resolved``. ``message_id`` is the Message-ID of
the mail that last carried the alert, recorded before it is sent: for an unsent alert
it names a mail that may have arrived (its acknowledgement was lost), to be sent again
as the same mail.
"""

import json

import sqlite_utils

from storage.transactions import write_transaction

KINDS = ("late", "health", "dead_link")
COLUMNS = ("id", "kind", "key", "url", "limit_workdays", "subject", "payload", "status",
           "attempts", "error", "created_at", "sent_at", "resolved_at", "message_id")


def create_alerts_table(db: sqlite_utils.Database) -> None:
    """Create the ``alerts`` table with its unique key and status index."""
    db["alerts"].create(
        {
            "id": int,
            "kind": str,
            "key": str,
            "url": str,
            "limit_workdays": int,
            "subject": str,
            "payload": str,
            "status": str,
            "attempts": int,
            "error": str,
            "created_at": str,
            "sent_at": str,
            "resolved_at": str,
        },
        pk="id",
        not_null={"kind", "key", "status", "attempts"},
        defaults={"status": "pending", "attempts": 0},
    )
    db["alerts"].create_index(["key"], unique=True)
    db["alerts"].create_index(["status"])


def queue_alert(
    db: sqlite_utils.Database,
    kind: str,
    key: str,
    *,
    subject: str,
    payload: dict,
    at: str,
    url: str | None = None,
    limit_workdays: int | None = None,
    site: str | None = None,
) -> bool:
    """Queue an alert unless its key is already queued; return whether it was queued.

    A ``health`` key that was resolved is queued again, replacing the old row's content.
    ``site`` names the site of a fleet the alert is about; without it the row takes its
    document's site (the table's trigger), or none.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown alert kind {kind!r}")
    row = [kind, key, url, limit_workdays, subject, json.dumps(payload, ensure_ascii=False), at]
    with write_transaction(db):
        inserted = db.execute(
            "INSERT OR IGNORE INTO alerts (kind, key, url, limit_workdays, subject, payload, created_at,"
            " status, attempts, site) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)",
            [*row, site],
        ).rowcount
        if inserted or kind != "health":
            return bool(inserted)
        return bool(
            db.execute(
                "UPDATE alerts SET kind = ?, key = ?, url = ?, limit_workdays = ?, subject = ?, payload = ?,"
                " created_at = ?, status = 'pending', attempts = 0, error = NULL, sent_at = NULL,"
                " resolved_at = NULL, message_id = NULL WHERE key = ? AND status = 'resolved'",
                [*row, key],
            ).rowcount
        )


def _rows(db: sqlite_utils.Database, where: str, params: list) -> list[dict]:
    cursor = db.execute(f"SELECT {', '.join(COLUMNS)} FROM alerts WHERE {where} ORDER BY id", params)
    rows = [dict(zip(COLUMNS, row)) for row in cursor.fetchall()]
    for row in rows:
        row["payload"] = json.loads(row["payload"]) if row["payload"] else {}
    return rows


def pending_alerts(db: sqlite_utils.Database) -> list[dict]:
    """Alerts still to be mailed (pending and failed), oldest first, payload decoded."""
    return _rows(db, "status IN ('pending', 'failed')", [])


def alerts_with_status(db: sqlite_utils.Database, statuses: tuple[str, ...]) -> list[dict]:
    """Every alert whose status is one of ``statuses``, oldest first, payload decoded."""
    return _rows(db, f"status IN ({', '.join('?' for _ in statuses)})", list(statuses))


def _update_unsent(db: sqlite_utils.Database, ids: list[int], assignments: str, params: list) -> None:
    """Apply ``assignments`` to the alerts in ``ids`` that are still waiting to be mailed.

    Only pending and failed rows change, so a row resolved or sent meanwhile keeps its status.
    """
    if not ids:
        return
    with write_transaction(db):
        db.execute(
            f"UPDATE alerts SET {assignments}"
            f" WHERE status IN ('pending', 'failed') AND id IN ({', '.join('?' for _ in ids)})",
            [*params, *ids],
        )


def assign_mail(db: sqlite_utils.Database, ids: list[int], message_id: str) -> None:
    """Record that the alerts in ``ids`` are about to be mailed as the mail ``message_id``.

    Until they are marked sent they stay that mail: if its acknowledgement is lost, the
    same mail is sent again rather than one with other alerts and another Message-ID.
    """
    _update_unsent(db, ids, "message_id = ?", [message_id])


def mark_sent(db: sqlite_utils.Database, ids: list[int], at: str, note: str | None = None) -> None:
    """Record that the alerts in ``ids`` were accepted by the mail server at ``at``.

    ``note`` keeps what the server said about a partial delivery (refused recipients).
    """
    _update_unsent(db, ids, "status = 'sent', sent_at = ?, error = ?, attempts = attempts + 1", [at, note])


def mark_failed(db: sqlite_utils.Database, ids: list[int], error: str) -> None:
    """Record a failed attempt to mail the alerts in ``ids``; they are tried again next run."""
    _update_unsent(db, ids, "status = 'failed', error = ?, attempts = attempts + 1", [error])


def resolve_health(db: sqlite_utils.Database, key: str, at: str) -> bool:
    """Mark the health alert ``key`` resolved (its check passes again); return whether one was open."""
    with write_transaction(db):
        return bool(
            db.execute(
                "UPDATE alerts SET status = 'resolved', resolved_at = ? WHERE key = ? AND kind = 'health'"
                " AND status != 'resolved'",
                [at, key],
            ).rowcount
        )
