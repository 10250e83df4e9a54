"""Talking to the mail server: delivering the queued alerts, mailing failures directly, test mails.

Delivery is at least once, not exactly once: an alert is marked sent only after the
server accepted its mail, and a mail whose acknowledgement was lost is resent as the
same mail, with the same Message-ID (see :mod:`monitor.alerts.mail`).
"""

import datetime as dt
import os
import smtplib
import socket
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

import sqlite_utils

from monitor.alerts.config import Config, SmtpConfig
from monitor.alerts.mail import batches, compose, health_subject, one_line
from monitor.i18n import N_, _
from monitor.labels import limit_label
from monitor.localtime import shown
from storage.alerts import assign_mail, mark_failed, mark_sent, pending_alerts


def describe_error(exc: BaseException) -> str:
    """What went wrong with the mail server, in a few words."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "every recipient refused: " + _refused(exc.recipients)
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return one_line(f"the server answered {exc.smtp_code} {reply}")
    # smtplib reports a read that timed out as a disconnection; the timeout is the cause.
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        return "no answer before the timeout"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return one_line(f"the server closed the connection ({exc})")
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the mail server running on that port?)"
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({exc.strerror})"
    if isinstance(exc, OSError) and exc.strerror:
        return one_line(exc.strerror)
    if isinstance(exc, UnicodeError):
        # Its message quotes the character and its position, which may be the password's.
        return "the user name, the password or an address has characters other than ASCII (not shown)"
    return one_line(str(exc) or type(exc).__name__)


def _refused(recipients: dict) -> str:
    return one_line(", ".join(
        f"{address} ({code} {reply.decode('utf-8', 'replace') if isinstance(reply, bytes) else reply})"
        for address, (code, reply) in recipients.items()
    ))


def deliver(smtp: SmtpConfig, mails: list[EmailMessage], delivered: Callable[[int, dict], None],
            sending: Callable[[int], None] | None = None) -> str | None:
    """Send ``mails`` in order over one connection; return None, or the error that stopped it.

    ``sending(index)`` is called just before mail ``index`` goes to the server, and
    ``delivered(index, refused)`` as soon as the server accepted it (``refused``: the
    recipients it refused), so each accepted mail is recorded before the next one is tried.
    """
    password = None
    if smtp.user:
        password = os.environ.get(smtp.password_env)
        if password is None:
            return (f"cannot log in to {smtp.host}:{smtp.port} as {smtp.user!r}: "
                    f"the environment variable {smtp.password_env} holding the password is not set")
    where = f"{smtp.host}:{smtp.port}"
    stage, client = f"connection to {where}", None
    try:
        if smtp.security == "ssl":
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        if smtp.security == "starttls":
            stage = f"STARTTLS with {where}"
            client.starttls(context=ssl.create_default_context())
        if smtp.user:
            stage = f"login as {smtp.user!r} at {where}"
            client.login(smtp.user, password)
        stage = f"delivery via {where}"
        for index, mail in enumerate(mails):
            if sending:
                sending(index)
            delivered(index, client.send_message(mail))
    except (smtplib.SMTPException, OSError, UnicodeError) as exc:
        return f"SMTP {stage} failed: {describe_error(exc)}"
    finally:
        if client is not None:
            _close(client)
    return None


def _close(client: smtplib.SMTP) -> None:
    """Say goodbye; a server that already hung up has nothing more to lose."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def send_pending(db: sqlite_utils.Database, config: Config, *, now: str) -> dict:
    """Mail every pending or failed alert; never raises for a mail-server problem.

    Returns ``{"sent", "failed", "mails", "error"}``: alerts sent and failed, mails
    accepted, and the one-line error that stopped the run (or why alerts are disabled).
    ``now`` (ISO UTC) is recorded as the sending time and used as the mails' Date.
    """
    alerts = pending_alerts(db)
    result = {"sent": 0, "failed": 0, "mails": 0, "error": None}
    if not alerts:
        return result
    if config.smtp is None:
        return {**result, "error": config.alerts_disabled_reason}
    groups = batches(alerts, config.alerts.mode)
    mails = compose(alerts, config, now=now)

    def sending(index: int) -> None:
        # From here on the mail may arrive even if no acknowledgement does.
        assign_mail(db, [alert["id"] for alert in groups[index]], str(mails[index]["Message-ID"]))

    def delivered(index: int, refused: dict) -> None:
        ids = [alert["id"] for alert in groups[index]]
        mark_sent(db, ids, now, note=f"refused by the server: {_refused(refused)}" if refused else None)
        result["sent"] += len(ids)
        result["mails"] += 1

    error = deliver(config.smtp, mails, delivered, sending)
    if error:
        unsent = [alert["id"] for group in groups[result["mails"]:] for alert in group]
        mark_failed(db, unsent, error)
        result.update(failed=len(unsent), error=error)
    return result


def send_direct(config: Config, results: list[dict], *, now: str) -> str | None:
    """Mail the failing health ``results`` at once, bypassing the queue (the database cannot take them).

    Returns None, or why they could not be mailed. Nothing records them, so they are
    mailed again on every run for as long as the database cannot be written.
    """
    alerts = [{"id": None, "kind": "health", "key": f"health:{result['check']}", "subject": health_subject(result),
               "payload": result, "created_at": now} for result in results if not result["ok"]]
    if not alerts:
        return None
    if config.smtp is None:
        return config.alerts_disabled_reason
    return deliver(config.smtp, compose(alerts, config, now=now), lambda index, refused: None)


# How alerts are grouped into mails (config.ALERT_MODES), in words.
MODE_NAMES = {"digest": N_("in digest mode (one mail per run)"), "each": N_("one mail per alert")}


def send_test(config: Config) -> str | None:
    """Mail one test message with ``config``; return None, or what went wrong in one line."""
    if config.smtp is None:
        return config.alerts_disabled_reason
    smtp = config.smtp
    mail = EmailMessage(policy=SMTP)
    mail["Subject"] = "govwatch: " + _("test mail")
    mail["From"] = smtp.sender
    mail["To"] = ", ".join(smtp.recipients)
    now = dt.datetime.now(dt.timezone.utc)
    mail["Date"] = format_datetime(now)
    mode = _(MODE_NAMES[config.alerts.mode])
    mail.set_content(
        _("This is a test mail from govwatch, configured in {path}, sent at {time}.").format(
            path=config.path, time=shown(now)) + "\n"
        + _("Alerts are mailed to {recipients} {mode}, for documents published later than {limits} "
            "and for crawls that look unhealthy.").format(
            recipients=", ".join(smtp.recipients), mode=mode,
            limits=_(" or ").join(limit_label(limit) for limit in config.alerts.limits)) + "\n"
    )
    return deliver(smtp, [mail], lambda index, refused: None)
