"""Mail alerts: documents published too late, crawls that look unhealthy, dead links.

The night's work queues alerts in the database (:func:`queue_late`,
:func:`queue_health`, :func:`queue_dead_links`), then :func:`send_pending` mails whatever is still unsent. The
queue makes delivery safe to repeat: an alert is marked sent only after the mail server
accepted it, an alert that could not be mailed stays queued with the error and is tried
again on the next run, and a document is queued once per limit for ever.

Delivery is at least once, not exactly once: when the connection drops after the
server took a mail but before it said so, govwatch cannot know whether the mail
arrived, and sends it again on the next run. Each alert remembers the mail that
carried it (its Message-ID, recorded before the mail is sent), so the resend is that
same mail with the same Message-ID, which mail clients show once; in digest mode the
alerts queued since go in a mail of their own rather than joining it.

Composing mails is pure (:func:`compose`); :mod:`monitor.alerts.smtp` talks to the mail
server (its ``send_direct`` mails the failures the database cannot take, locked or
damaged, without the queue) and :mod:`monitor.alerts.commands` holds the ``govwatch
alerts`` commands. Everything a portal
wrote (titles, publishers) is HTML-escaped in the HTML part and reduced to one line of
printable text wherever it could reach a header.
"""

import datetime as dt
import hashlib
import html
import re
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from urllib.parse import urlsplit

import sqlite_utils

from monitor.alerts.config import Config, SmtpConfig
from monitor.i18n import _, ngettext
from storage.alerts import queue_alert, resolve_health
from storage.runs import utc_now

MAX_SUBJECT = 120
# C0 and C1 controls and the Unicode line separators: any of them can end a header line.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
LATE_FIELDS = ("title", "url", "publisher", "index_no", "column_path", "created_on", "created_on_source",
               "published_on", "workdays")
# (label, payload key) of the lines describing a late document, in mail order.
LATE_LINES = (
    ("URL", "url"),
    ("Publisher 发布机构", "publisher"),
    ("Index number 索引号", "index_no"),
    ("Column 栏目", "column_path"),
    ("Formed on 成文日期", "created_on"),
    ("Published on 公开日期", "published_on"),
)


def one_line(text) -> str:
    """``text`` as one line: control characters and runs of whitespace become one space."""
    return " ".join(CONTROL.sub(" ", str(text)).split())


def header_text(text, limit: int = MAX_SUBJECT) -> str:
    """``text`` safe for a header: one line, at most ``limit`` characters."""
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def late_subject(item: dict, limit: int) -> str:
    """The subject of one late document's alert."""
    return "govwatch: " + _("published after {workdays} working days (limit {limit}): {title}").format(
        workdays=item["workdays"], limit=limit, title=item["title"] or item["url"])


def queue_late(db: sqlite_utils.Database, late_items: list[dict], limits, *, at: str | None = None) -> int:
    """Queue one alert per document and limit it exceeded; return how many were new.

    ``late_items`` are :func:`monitor.audit.timeliness.timeliness`'s; a document already
    queued for a limit is not queued again.
    """
    at = at or utc_now()
    queued = 0
    with db.atomic():
        for item in late_items:
            for limit in limits:
                if item.get("workdays") is None or item["workdays"] <= limit:
                    continue
                payload = {**{key: item.get(key) for key in LATE_FIELDS}, "limit": limit}
                queued += queue_alert(
                    db, "late", f"late:{item['url']}:{limit}", url=item["url"], limit_workdays=limit,
                    subject=late_subject(item, limit), payload=payload, at=at,
                )
    return queued


def queue_dead_links(db: sqlite_utils.Database, findings: list[dict], *, at: str | None = None) -> int:
    """Queue one alert per dead link among the audit's ``findings``; return how many were new.

    A link target is alerted once: found dead again the next night, it is not queued again.
    """
    at = at or utc_now()
    queued = 0
    with db.atomic():
        for finding in findings:
            if finding["kind"] == "dead_link":
                queued += queue_alert(
                    db, "dead_link", f"dead_link:{finding['url']}", url=finding["url"],
                    subject="govwatch: " + _("dead link: {url}").format(url=finding["url"]),
                    payload={"url": finding["url"], "detail": finding["detail"]}, at=at)
    return queued


def queue_health(db: sqlite_utils.Database, results: list[dict], *, at: str | None = None) -> dict:
    """Queue an alert for each failing check not already open; resolve those that pass.

    ``results`` are :func:`monitor.alerts.health.check_health`'s. Returns the counts
    ``{"queued", "resolved"}``.
    """
    at = at or utc_now()
    counts = {"queued": 0, "resolved": 0}
    with db.atomic():
        for result in results:
            key = f"health:{result['check']}"
            if result["ok"]:
                counts["resolved"] += resolve_health(db, key, at)
            else:
                counts["queued"] += queue_alert(db, "health", key, subject=health_subject(result), payload=result, at=at)
    return counts


def health_title(result: dict) -> str:
    """What a failing health result reports: its own ``title`` (a failed nightly stage), or the check that failed."""
    return one_line(result.get("title") or _("crawl health check failed: {check}").format(check=result["check"]))


def health_subject(result: dict) -> str:
    """The subject of a failing health result's alert."""
    return f"govwatch: {health_title(result)}"


def batches(alerts: list[dict], mode: str) -> list[list[dict]]:
    """The alerts grouped into mails: all in one (``digest``) or one per mail (``each``).

    Alerts already given to a mail that may have arrived (their ``message_id``) stay
    together as that mail, so it is sent again as it was; only the others are grouped
    by ``mode``.
    """
    given: dict[str, list[dict]] = {}
    fresh = []
    for alert in alerts:
        if alert.get("message_id"):
            given.setdefault(alert["message_id"], []).append(alert)
        else:
            fresh.append(alert)
    groups = list(given.values())
    if fresh:
        groups += [fresh] if mode == "digest" else [[alert] for alert in fresh]
    return groups


def compose(alerts: list[dict], config: Config, *, now: str | None = None) -> list[EmailMessage]:
    """The mails that deliver ``alerts`` under ``config`` (which must have ``[smtp]``):
    one per group of :func:`batches`, in its order.

    ``now`` (ISO UTC, as :func:`storage.runs.utc_now`) becomes the Date header.
    """
    return [message(batch, config.smtp, now) for batch in batches(alerts, config.alerts.mode)]


def message(batch: list[dict], smtp: SmtpConfig, now: str | None) -> EmailMessage:
    """One mail delivering the alerts of ``batch``, with a plain-text and an HTML part."""
    mail = EmailMessage(policy=SMTP)
    mail["Subject"] = header_text(batch[0]["subject"] if len(batch) == 1 else digest_subject(batch))
    mail["From"] = smtp.sender
    mail["To"] = ", ".join(smtp.recipients)
    if now:
        mail["Date"] = format_datetime(dt.datetime.fromisoformat(now))
    mail["Message-ID"] = message_id(batch, smtp.sender)
    mail.set_content(plain_text(batch))
    mail.add_alternative(html_text(batch), subtype="html")
    return mail


def _counts(batch: list[dict]) -> tuple[int, int, int]:
    """The numbers of late, health and dead-link alerts in ``batch``."""
    late = sum(1 for alert in batch if alert["kind"] == "late")
    dead = sum(1 for alert in batch if alert["kind"] == "dead_link")
    return late, len(batch) - late - dead, dead


def _tally(batch: list[dict], *phrases: str) -> list[str]:
    """The numbers of late, health and dead-link alerts in ``batch`` as ``phrases``; ``{s}`` marks the plural."""
    return [f"{count} {phrase.format(s='s' * (count != 1))}" for count, phrase in zip(_counts(batch), phrases)
            if count]


def digest_subject(batch: list[dict]) -> str:
    """The subject of a mail carrying several alerts: what it holds, counted."""
    late, health, dead = _counts(batch)
    counts = [ngettext("{n} late publication", "{n} late publications", late).format(n=late) if late else None,
              ngettext("{n} crawl problem", "{n} crawl problems", health).format(n=health) if health else None,
              ngettext("{n} dead link", "{n} dead links", dead).format(n=dead) if dead else None]
    return "govwatch: " + _(", ").join(phrase for phrase in counts if phrase)


def message_id(batch: list[dict], sender: str) -> str:
    """A Message-ID that is the same each time the same alerts are retried.

    Mail clients drop a second copy with the same Message-ID, so a retry of a mail the
    server accepted without saying so (the connection dropped) is not shown twice. A
    batch that was given to a mail keeps that mail's Message-ID.
    """
    if batch[0].get("message_id"):
        return batch[0]["message_id"]
    alerts = "|".join(f"{alert['key']}@{alert['created_at']}" for alert in batch)
    digest = hashlib.sha256(alerts.encode("utf-8")).hexdigest()[:32]
    return f"<govwatch.{digest}@{sender.rpartition('@')[2].strip('<> ')}>"


def _value(payload: dict, key: str) -> str:
    """One field of a late document as one line of text, a dash when it is unknown."""
    value = payload.get(key)
    if key == "created_on" and value and payload.get("created_on_source"):
        value = f"{value} (from the {payload['created_on_source']})"
    return "—" if value in (None, "") else one_line(value)


def plain_text(batch: list[dict]) -> str:
    """The plain-text part: an introduction, then every alert as a block of lines."""
    blocks = [_introduction(batch)]
    for alert in batch:
        payload = alert["payload"]
        if alert["kind"] == "late":
            lines = [f"Late publication: {_value(payload, 'title')}"]
            lines += [f"  {label}: {_value(payload, key)}" for label, key in LATE_LINES]
            lines.append(f"  Working days taken: {payload['workdays']} (limit {payload['limit']})")
        elif alert["kind"] == "dead_link":
            lines = [f"Dead link: {_value(payload, 'url')}", f"  {one_line(payload['detail'])}"]
        else:
            lines = [_sentence(health_title(payload)), f"  {one_line(payload['detail'])}"]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def html_text(batch: list[dict]) -> str:
    """The HTML part: the same as the plain text, every portal value escaped."""
    parts = [f"<p>{html.escape(_introduction(batch))}</p>"]
    for alert in batch:
        payload = alert["payload"]
        if alert["kind"] == "late":
            rows = [f"<tr><th>{html.escape(label)}</th><td>{_html_value(payload, key)}</td></tr>"
                    for label, key in LATE_LINES]
            rows.append(f"<tr><th>Working days taken</th><td>{int(payload['workdays'])}"
                        f" (limit {int(payload['limit'])})</td></tr>")
            parts.append(f"<h3>Late publication: {html.escape(_value(payload, 'title'))}</h3>"
                         f"<table>{''.join(rows)}</table>")
        elif alert["kind"] == "dead_link":
            parts.append(f"<h3>Dead link: {_html_value(payload, 'url')}</h3>"
                         f"<p>{html.escape(one_line(payload['detail']))}</p>")
        else:
            parts.append(f"<h3>{html.escape(_sentence(health_title(payload)))}</h3>"
                         f"<p>{html.escape(one_line(payload['detail']))}</p>")
    return f"<!DOCTYPE html><html><body>{''.join(parts)}</body></html>"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _html_value(payload: dict, key: str) -> str:
    text = html.escape(_value(payload, key))
    # Only web links become links: a javascript: URL from a portal must stay inert text.
    if key == "url" and urlsplit(str(payload.get("url") or "")).scheme in ("http", "https"):
        return f'<a href="{html.escape(payload["url"], quote=True)}">{text}</a>'
    return text


def _introduction(batch: list[dict]) -> str:
    """The first sentence of a mail: what it reports."""
    phrases = _tally(batch, "document publication{s} later than the working-day limit (Article 26 of the "
                     "disclosure regulations allows 20 working days)", "crawl health problem{s}",
                     "dead link{s} on the portal")
    return f"govwatch found {' and '.join(phrases)}."
