"""Mail alerts: documents published too late, crawls that look unhealthy, dead links.

The night's work queues alerts in the database (:func:`queue_late`,
:func:`queue_health`, :func:`queue_dead_links`), then :func:`send_pending` mails whatever is still unsent. The
queue makes delivery safe to repeat: an alert is marked sent only after the mail server
accepted it, an alert that could not be mailed stays queued with the error and is tried
again on the next run, and a document is queued once per limit for ever. A mail lists
each document once, under its publisher (发布机构), with every limit it exceeds.

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
from monitor.i18n import N_, _, html_lang, ngettext
from monitor.labels import label, limit_label
from monitor.localtime import shown
from storage.alerts import queue_alert, resolve_health
from storage.runs import utc_now

MAX_SUBJECT = 120
# C0 and C1 controls and the Unicode line separators: any of them can end a header line.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
LATE_FIELDS = ("title", "url", "publisher", "index_no", "column_path", "created_on", "created_on_source",
               "published_on", "workdays")
# (label, payload key) of the lines describing a late document, in mail order.
# The publisher is the heading of the document's group, not one of its lines.
LATE_LINES = (
    (N_("URL"), "url"),
    (N_("Index number"), "index_no"),
    (N_("Column"), "column_path"),
    (N_("Formed on"), "created_on"),
    (N_("Published on"), "published_on"),
)
TAKEN = N_("Working days taken")


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


def queue_late(db: sqlite_utils.Database, late_items: list[dict], limits, *, at: str | None = None,
               site: str | None = None) -> int:
    """Queue one alert per document and limit it exceeded; return how many were new.

    ``late_items`` are :func:`monitor.audit.timeliness.timeliness`'s; a document already
    queued for a limit is not queued again. ``site`` names the site of a fleet audited,
    in the alert's row and its mail.
    """
    at = at or utc_now()
    queued = 0
    with db.atomic():
        for item in late_items:
            for limit in limits:
                if item.get("workdays") is None or item["workdays"] <= limit:
                    continue
                payload = {**{key: item.get(key) for key in LATE_FIELDS}, "limit": limit,
                           **({"site": site} if site else {})}
                queued += queue_alert(
                    db, "late", f"late:{item['url']}:{limit}", url=item["url"], limit_workdays=limit,
                    subject=late_subject(item, limit), payload=payload, at=at, site=site,
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

    ``results`` are :func:`monitor.alerts.health.check_health`'s; one that names a
    ``site`` (of a fleet) is that site's alert, beside the same check's of other sites.
    Returns the counts ``{"queued", "resolved"}``.
    """
    at = at or utc_now()
    counts = {"queued": 0, "resolved": 0}
    with db.atomic():
        for result in results:
            site = result.get("site")
            key = f"health:{site}:{result['check']}" if site else f"health:{result['check']}"
            if result["ok"]:
                counts["resolved"] += resolve_health(db, key, at)
            else:
                counts["queued"] += queue_alert(db, "health", key, subject=health_subject(result), payload=result,
                                                at=at, site=site)
    return counts


def health_title(result: dict) -> str:
    """What a failing health result reports: its own ``title`` (a failed nightly stage), or the
    check that failed; the site first when it is one site's of a fleet."""
    title = result.get("title") or _("crawl health check failed: {check}").format(
        check=label("health_check", result["check"]))
    return one_line(_("site {site}: {title}").format(site=result["site"], title=title) if result.get("site") else title)


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
    mail.set_content(plain_text(batch, now))
    mail.add_alternative(html_text(batch, now), subtype="html")
    return mail


def digest_subject(batch: list[dict]) -> str:
    """The subject of a mail carrying several alerts: what it holds, counted (a late
    document once, however many limits it exceeds)."""
    late = len({alert["payload"]["url"] for alert in batch if alert["kind"] == "late"})
    health, dead = len(_health_alerts(batch)), len(_dead_links(batch))
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
        value = _("{date} ({source})").format(date=value, source=label("date_source", payload["created_on_source"]))
    return "—" if value in (None, "") else one_line(value)


def late_documents(batch: list[dict]) -> dict[str, list[dict]]:
    """The late alerts of ``batch`` as documents grouped by publisher (发布机构): a document
    once, with ``limits`` every limit it exceeds in increasing order.

    The queue holds one alert per document and limit, but a reader wants each document
    once. Publishers come in name order, documents without one last (key "").
    """
    documents: dict[str, dict] = {}
    for alert in batch:
        if alert["kind"] == "late":
            payload = alert["payload"]
            document = documents.setdefault(payload["url"], {"limits": []})
            # The latest alert's figures: a document re-read between nights may have changed.
            document.update({key: value for key, value in payload.items() if key != "limit"})
            document["limits"].append(int(payload["limit"]))
    by_publisher: dict[str, list[dict]] = {}
    for document in documents.values():
        document["limits"].sort()
        by_publisher.setdefault(one_line(document.get("publisher") or ""), []).append(document)
    return dict(sorted(by_publisher.items(), key=lambda item: (not item[0], item[0])))


def _publisher_heading(publisher: str, documents: list[dict]) -> str:
    name = publisher or _("publisher not stated")
    return ngettext("Publisher {publisher}: {n} late document", "Publisher {publisher}: {n} late documents",
                    len(documents)).format(publisher=name, n=len(documents))


def _exceeded(document: dict) -> str:
    """The working days a document took and every limit it exceeds, in words."""
    limits = _("; ").join(_("over {limit}").format(limit=limit_label(limit)) for limit in document["limits"])
    return _("{workdays} working days, {limits}").format(workdays=int(document["workdays"]), limits=limits)


def _field(name: str, value: str) -> str:
    return _("{name}: {value}").format(name=name, value=value)


def _health_alerts(batch: list[dict]) -> list[dict]:
    return [alert["payload"] for alert in batch if alert["kind"] not in ("late", "dead_link")]


def _dead_links(batch: list[dict]) -> list[dict]:
    return [alert["payload"] for alert in batch if alert["kind"] == "dead_link"]


def plain_text(batch: list[dict], now: str | None = None) -> str:
    """The plain-text part: an introduction, the late documents by publisher, then the crawl problems."""
    blocks = [_introduction(batch, now)]
    for publisher, documents in late_documents(batch).items():
        blocks.append(_publisher_heading(publisher, documents))
        for document in documents:
            lines = [_("Late publication: {title}").format(title=_value(document, "title"))]
            lines += ["  " + _field(_(label_), _value(document, key)) for label_, key in _late_lines(document)]
            lines.append("  " + _field(_(TAKEN), _exceeded(document)))
            blocks.append("\n".join(lines))
    for payload in _dead_links(batch):
        blocks.append("\n".join([_("Dead link: {url}").format(url=_value(payload, "url")),
                                 f"  {one_line(payload['detail'])}"]))
    for payload in _health_alerts(batch):
        blocks.append("\n".join([_sentence(health_title(payload)), f"  {one_line(payload['detail'])}"]))
    return "\n\n".join(blocks) + "\n"


def html_text(batch: list[dict], now: str | None = None) -> str:
    """The HTML part: the same as the plain text, every portal value escaped."""
    parts = [f"<p>{html.escape(_introduction(batch, now))}</p>"]
    for publisher, documents in late_documents(batch).items():
        parts.append(f"<h2>{html.escape(_publisher_heading(publisher, documents))}</h2>")
        for document in documents:
            rows = [f"<tr><th>{html.escape(_(label_))}</th><td>{_html_value(document, key)}</td></tr>"
                    for label_, key in _late_lines(document)]
            rows.append(f"<tr><th>{html.escape(_(TAKEN))}</th>"
                        f"<td>{html.escape(_exceeded(document))}</td></tr>")
            title = _("Late publication: {title}").format(title=_value(document, "title"))
            parts.append(f"<h3>{html.escape(title)}</h3><table>{''.join(rows)}</table>")
    for payload in _dead_links(batch):
        # The template escaped first, then the link: the URL stays a hyperlink.
        heading = html.escape(_("Dead link: {url}")).format(url=_html_value(payload, "url"))
        parts.append(f"<h3>{heading}</h3><p>{html.escape(one_line(payload['detail']))}</p>")
    for payload in _health_alerts(batch):
        parts.append(f"<h3>{html.escape(_sentence(health_title(payload)))}</h3>"
                     f"<p>{html.escape(one_line(payload['detail']))}</p>")
    lang = html.escape(html_lang(), quote=True)
    return f'<!DOCTYPE html><html lang="{lang}"><body>{"".join(parts)}</body></html>'


def _late_lines(payload: dict) -> tuple:
    """The lines describing a late document: the site first when it is one of a fleet's."""
    return (((N_("Site"), "site"),) if payload.get("site") else ()) + LATE_LINES


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _html_value(payload: dict, key: str) -> str:
    text = html.escape(_value(payload, key))
    # Only web links become links: a javascript: URL from a portal must stay inert text.
    if key == "url" and urlsplit(str(payload.get("url") or "")).scheme in ("http", "https"):
        return f'<a href="{html.escape(payload["url"], quote=True)}">{text}</a>'
    return text


def _introduction(batch: list[dict], now: str | None) -> str:
    """The first sentence of a mail: what it reports, and when (in the display zone, named)."""
    late = sum(len(documents) for documents in late_documents(batch).values())
    health, dead = len(_health_alerts(batch)), len(_dead_links(batch))
    phrases = [ngettext("{n} document published later than a working-day limit",
                        "{n} documents published later than a working-day limit", late).format(n=late) if late else None,
               ngettext("{n} crawl health problem", "{n} crawl health problems", health).format(n=health)
               if health else None,
               ngettext("{n} dead link on the portal", "{n} dead links on the portal", dead).format(n=dead)
               if dead else None]
    found = _("govwatch found {what}.").format(what=_(" and ").join(phrase for phrase in phrases if phrase))
    return _("As of {time}, {found}").format(time=shown(now), found=found) if now else found
