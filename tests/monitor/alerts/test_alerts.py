"""Alerts end to end: the queue in a real SQLite file, mails over SMTP to aiosmtpd servers on 127.0.0.1."""

import email
import json
import re
import socket
import threading
from email.policy import default
from types import SimpleNamespace

import pytest

from crawler.parsing import PARSER_VERSION
from monitor.alerts.commands import cmd_alerts_list, cmd_alerts_test
from monitor.alerts.mail import compose, queue_dead_links, queue_health, queue_late
from monitor.alerts.smtp import send_pending, send_test
from monitor.errors import RunError, UsageError
from tests.conftest import govwatch
from tests.monitor.conftest import HangUp, Inbox, LostAck, free_port
from monitor.alerts.config import AlertsConfig, Config, SmtpConfig
from monitor.audit.timeliness import refresh_workdays, timeliness
from storage.alerts import pending_alerts, queue_alert, resolve_health
from storage.db import open_db
from storage.documents import store_documents

NOW = "2026-03-02T18:30:00Z"
LATER = "2026-03-03T18:30:00Z"
PASSWORD_ENV = "GOVWATCH_TEST_SMTP_PASSWORD"
RECIPIENTS = ("auditor@example.org", "chief@example.org")


# --- servers: Inbox, HangUp and the smtp_server fixture are in tests/monitor/conftest.py ----


@pytest.fixture
def hang_up_server():
    """A TCP server that accepts every connection and closes it at once, without a greeting."""
    listener = socket.create_server(("127.0.0.1", 0))

    def close_each():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connection.close()

    threading.Thread(target=close_each, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()


def config(port, *, mode="digest", user=None, security="none", timeout=5, path="govwatch.toml") -> Config:
    smtp = SmtpConfig(host="127.0.0.1", port=port, security=security, user=user, password_env=PASSWORD_ENV,
                      sender="govwatch@example.org", recipients=RECIPIENTS, timeout=timeout)
    return Config(path=path, smtp=smtp, alerts=AlertsConfig(limits=(15, 20), mode=mode))


# --- data ----------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "govwatch.db")
    yield database
    database.close()


def late_item(n=1, workdays=25, **changes):
    item = {
        "url": f"http://www.leda.gov.cn/info/1041/{n}.htm",
        "title": f"关于印发第{n}号通知的通知",
        "publisher": "经开区财政金融局",
        "index_no": f"jingkaiqucjj/2020-000{n}",
        "column_path": "政府信息公开 >> 法定主动公开内容",
        "created_on": "2020-05-06",
        "created_on_source": "metadata",
        "published_on": "2020-06-12",
        "workdays": workdays,
        "late_for": [limit for limit in (15, 20) if workdays > limit],
    }
    return {**item, **changes}


def statuses(db) -> list[tuple]:
    return db.execute("SELECT key, status, attempts FROM alerts ORDER BY id").fetchall()


# --- the queue -----------------------------------------------------------------------


def test_late_documents_of_a_real_audit_are_queued_per_limit_exceeded(db):
    base = {"is_disclosure": True, "doc_no": None, "expires_on": None, "category": "", "disclosure_method": "",
            "scope": "", "breadcrumb": ["政府信息公开"], "attachments": [], "body_text": "", "fields": {},
            "warnings": [], "index_no": None, "publisher": "经开区财政金融局", "created_on_source": "metadata"}
    documents = [
        # 2020-06-01 to 2020-07-06: 25 working days (the Dragon Boat holiday, 25-26 June, excluded).
        {**base, "url": "http://p/1.htm", "title": "迟到25天", "created_on": "2020-06-01", "published_on": "2020-07-06"},
        {**base, "url": "http://p/2.htm", "title": "迟到17天", "created_on": "2020-06-01", "published_on": "2020-06-24"},
        {**base, "url": "http://p/3.htm", "title": "及时", "created_on": "2020-06-01", "published_on": "2020-06-03"},
    ]
    store_documents(db, documents, crawl_id=1, seen_at=NOW, parser_version=PARSER_VERSION)
    refresh_workdays(db)
    late = timeliness(db, "2020-01-01", "2020-12-31")["late_items"]
    assert queue_late(db, late, (15, 20), at=NOW) == 3
    keys = {row[0] for row in statuses(db)}
    assert keys == {"late:http://p/1.htm:15", "late:http://p/1.htm:20", "late:http://p/2.htm:15"}


def test_a_late_document_is_queued_once_per_limit_for_ever(db):
    items = [late_item(1, workdays=25), late_item(2, workdays=16)]
    assert queue_late(db, items, (15, 20), at=NOW) == 3
    assert queue_late(db, items, (15, 20), at=LATER) == 0
    row = db.execute("SELECT url, limit_workdays, created_at, payload FROM alerts WHERE key = ?",
                     [f"late:{items[0]['url']}:20"]).fetchone()
    assert row[:3] == (items[0]["url"], 20, NOW)
    assert json.loads(row[3])["limit"] == 20


def test_a_health_alert_is_queued_once_until_resolved_then_again(db):
    failing = [{"check": "crawl_failed", "ok": False, "detail": "crawl 2 ended with status 'shutdown'"}]
    passing = [{"check": "crawl_failed", "ok": True, "detail": "crawl 3 finished"}]
    assert queue_health(db, failing, at=NOW) == {"queued": 1, "resolved": 0}
    assert queue_health(db, failing, at=NOW) == {"queued": 0, "resolved": 0}
    assert queue_health(db, passing, at=LATER) == {"queued": 0, "resolved": 1}
    assert db.execute("SELECT status, resolved_at FROM alerts").fetchall() == [("resolved", LATER)]
    assert queue_health(db, passing, at=LATER) == {"queued": 0, "resolved": 0}
    again = [{"check": "crawl_failed", "ok": False, "detail": "crawl 4 ended with status 'failed'"}]
    assert queue_health(db, again, at=LATER) == {"queued": 1, "resolved": 0}
    (alert,) = pending_alerts(db)
    assert (alert["status"], alert["attempts"], alert["resolved_at"]) == ("pending", 0, None)
    assert alert["payload"]["detail"] == "crawl 4 ended with status 'failed'"


def test_a_late_key_is_never_queued_again_even_after_being_sent(db):
    queue_late(db, [late_item()], (20,), at=NOW)
    db.execute("UPDATE alerts SET status = 'sent'")
    assert not resolve_health(db, f"late:{late_item()['url']}:20", LATER)
    assert not queue_alert(db, "late", f"late:{late_item()['url']}:20", subject="s", payload={}, at=LATER)
    assert statuses(db) == [(f"late:{late_item()['url']}:20", "sent", 0)]


# --- composing -----------------------------------------------------------------------


def alerts_for(items, db):
    queue_late(db, items, (15, 20), at=NOW)
    return pending_alerts(db)


def test_digest_is_one_mail_with_every_field_in_both_parts(db):
    mails = compose(alerts_for([late_item(1, workdays=25), late_item(2, workdays=17)], db), config(25))
    assert len(mails) == 1
    mail = email.message_from_bytes(mails[0].as_bytes(), policy=default)
    # Two documents, three limits exceeded: the subject counts documents.
    assert mail["Subject"] == "govwatch: 2 late publications"
    assert mail["To"] == ", ".join(RECIPIENTS)
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    page = mail.get_body(("html",)).get_content()
    for part in (text, page):
        for value in ("关于印发第1号通知的通知", "http://www.leda.gov.cn/info/1041/2.htm", "经开区财政金融局",
                      "jingkaiqucjj/2020-0001", "2020-05-06", "2020-06-12", "政府信息公开 &gt;&gt; 法定主动公开内容"
                      if part is page else "政府信息公开 >> 法定主动公开内容"):
            assert value in part
    assert "Working days taken: 25 working days, over 15 working days (the report's own sentence); " \
           "over 20 working days (Article 26 of the Regulations)" in text
    assert "  Working days taken: 17 working days, over 15 working days (the report's own sentence)" in text.splitlines()
    assert "Formed on: 2020-05-06 (from the page's metadata)" in text
    assert "<th>Working days taken</th><td>17 working days, over 15 working days (the report&#x27;s own " \
           "sentence)</td>" in page


def test_a_dead_link_is_queued_once_and_mailed_with_its_pages_escaped(db):
    dead = {"kind": "dead_link", "url": "http://www.leda.gov.cn/info/1044/9.htm",
            "detail": "link “<b>原文</b>\r\nBcc: x@example.com” answers HTTP 404 (gone); linked from 1 page: "
                      "http://www.leda.gov.cn/info/1021/1.htm"}
    other = {"kind": "stale_column", "url": "http://www.leda.gov.cn/info/1047/1.htm", "detail": "stale"}
    assert queue_dead_links(db, [dead, other], at=NOW) == 1
    assert queue_dead_links(db, [dead], at=LATER) == 0  # the next night: found again, not queued again
    queue_late(db, [late_item()], (20,), at=NOW)
    (mail,) = compose(pending_alerts(db), config(25))
    parsed = email.message_from_bytes(mail.as_bytes(), policy=default)
    assert parsed["Subject"] == "govwatch: 1 late publication, 1 dead link" and parsed["Bcc"] is None
    text = parsed.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "1 dead link on the portal" in text.splitlines()[0]
    assert ("Dead link: http://www.leda.gov.cn/info/1044/9.htm\n  link “<b>原文</b> Bcc: x@example.com” answers HTTP 404"
            in text)
    page = parsed.get_body(("html",)).get_content()
    assert "<b>原文" not in page and "&lt;b&gt;原文&lt;/b&gt;" in page
    assert '<h3>Dead link: <a href="http://www.leda.gov.cn/info/1044/9.htm">' in page


def test_message_id_is_stable_across_retries_and_differs_between_alerts(db):
    alerts = alerts_for([late_item(1), late_item(2)], db)
    first = compose(alerts, config(25, mode="each"), now=NOW)
    again = compose(alerts, config(25, mode="each"), now=LATER)
    assert [mail["Message-ID"] for mail in first] == [mail["Message-ID"] for mail in again]
    assert len({mail["Message-ID"] for mail in first}) == 4
    assert first[0]["Date"] == "Mon, 02 Mar 2026 18:30:00 +0000"


def test_portal_text_cannot_inject_headers_or_markup(db):
    hostile = late_item(title="通知\r\nBcc: evil@example.com\r\n<script>alert(1)</script>",
                        url="javascript:alert(1)", publisher="<b onmouseover=x>局</b>")
    (mail,) = compose(alerts_for([hostile], db), config(25, mode="each"))[:1]
    raw = mail.as_bytes()
    parsed = email.message_from_bytes(raw, policy=default)
    assert parsed["Bcc"] is None
    headers = raw.split(b"\r\n\r\n")[0].split(b"\r\n")
    assert not [line for line in headers if line.lower().startswith(b"bcc")]
    assert b"\nBcc:" not in raw
    assert "\n" not in parsed["Subject"] and "\r" not in parsed["Subject"]
    assert parsed["Subject"].endswith("通知 Bcc: evil@example.com <script>alert(1)</script>")
    page = parsed.get_body(("html",)).get_content()
    assert "<script>" not in page and "<b onmouseover" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript' not in page
    text = parsed.get_body(("plain",)).get_content()
    assert "Late publication: 通知 Bcc: evil@example.com <script>alert(1)</script>" in text.splitlines()


def test_long_subjects_are_truncated(db):
    (mail,) = compose(alerts_for([late_item(title="长" * 300, workdays=17)], db), config(25, mode="each"))
    subject = email.message_from_bytes(mail.as_bytes(), policy=default)["Subject"]
    assert len(subject) == 120
    assert subject.endswith("长…")


# --- sending -------------------------------------------------------------------------


def test_digest_arrives_once_with_both_parts(db, smtp_server):
    inbox = Inbox()
    port = smtp_server(inbox)
    queue_late(db, [late_item(1, workdays=25), late_item(2, workdays=16)], (15, 20), at=NOW)
    assert send_pending(db, config(port), now=NOW) == {"sent": 3, "failed": 0, "mails": 1, "error": None}
    (envelope,) = inbox.envelopes
    assert sorted(envelope.rcpt_tos) == sorted(RECIPIENTS)
    (mail,) = inbox.mails
    assert mail["Subject"] == "govwatch: 2 late publications"
    assert "关于印发第2号通知的通知" in mail.get_body(("html",)).get_content()
    assert "Working days taken: 16 working days, over 15 working days" in mail.get_body(("plain",)).get_content()
    assert db.execute("SELECT DISTINCT status, sent_at, attempts FROM alerts").fetchall() == [("sent", NOW, 1)]


def test_each_mode_sends_one_mail_per_document_and_limit(db, smtp_server):
    inbox = Inbox()
    port = smtp_server(inbox)
    queue_late(db, [late_item(1, workdays=25), late_item(2, workdays=16)], (15, 20), at=NOW)
    assert send_pending(db, config(port, mode="each"), now=NOW)["mails"] == 3
    subjects = sorted(mail["Subject"] for mail in inbox.mails)
    assert subjects == [
        "govwatch: published after 16 working days (limit 15): 关于印发第2号通知的通知",
        "govwatch: published after 25 working days (limit 15): 关于印发第1号通知的通知",
        "govwatch: published after 25 working days (limit 20): 关于印发第1号通知的通知",
    ]
    for mail in inbox.mails:
        assert {part.get_content_type() for part in mail.walk()} >= {"text/plain", "text/html"}


def test_a_document_is_mailed_once_per_limit_over_three_nightly_runs(db, smtp_server):
    inbox = Inbox()
    port = smtp_server(inbox)
    for night in range(3):
        queue_late(db, [late_item(1, workdays=25)], (15, 20), at=NOW)
        send_pending(db, config(port, mode="each"), now=NOW)
    assert len(inbox.envelopes) == 2


def test_refused_login_keeps_alerts_failed_and_a_good_server_delivers_them_once(db, smtp_server, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    strict, good = Inbox(), Inbox()
    strict_port, good_port = smtp_server(strict, password="secret"), smtp_server(good, password="wrong")
    queue_late(db, [late_item(1, workdays=25)], (15, 20), at=NOW)

    result = send_pending(db, config(strict_port, user="govwatch"), now=NOW)
    assert result["sent"] == 0 and result["failed"] == 2
    assert result["error"].startswith(f"SMTP login as 'govwatch' at 127.0.0.1:{strict_port} failed: "
                                      "the server answered 535")
    assert db.execute("SELECT DISTINCT status, attempts, error FROM alerts").fetchall() == [
        ("failed", 1, result["error"])]
    assert strict.envelopes == []

    assert send_pending(db, config(good_port, user="govwatch"), now=LATER)["sent"] == 2
    assert send_pending(db, config(good_port, user="govwatch"), now=LATER)["sent"] == 0
    assert len(good.envelopes) == 1
    assert db.execute("SELECT DISTINCT status, attempts, error, sent_at FROM alerts").fetchall() == [
        ("sent", 2, None, LATER)]


def test_connection_dropped_during_a_mail_keeps_earlier_mails_sent_and_retries_the_rest(db, smtp_server):
    flaky, good = HangUp(accept=1), Inbox()
    flaky_port, good_port = smtp_server(flaky), smtp_server(good)
    queue_late(db, [late_item(1, workdays=25), late_item(2, workdays=16)], (15, 20), at=NOW)

    result = send_pending(db, config(flaky_port, mode="each"), now=NOW)
    assert (result["sent"], result["failed"], result["mails"]) == (1, 2, 1)
    assert result["error"].startswith(f"SMTP delivery via 127.0.0.1:{flaky_port} failed: ")
    assert [row[1] for row in statuses(db)] == ["sent", "failed", "failed"]

    assert send_pending(db, config(good_port, mode="each"), now=LATER)["sent"] == 2
    delivered = [mail["Subject"] for mail in flaky.mails + good.mails]
    assert len(delivered) == len(set(delivered)) == 3


def documents_in(mail) -> set[str]:
    """The document numbers a mail alerts on (late_item's URLs end in <n>.htm)."""
    return set(re.findall(r"/info/1041/(\d+)\.htm", mail.get_body(("plain",)).get_content()))


def test_a_digest_whose_acknowledgement_was_lost_is_resent_as_the_same_mail_alone(db, smtp_server):
    lossy, good = LostAck(), Inbox()
    lossy_port, good_port = smtp_server(lossy), smtp_server(good)
    queue_late(db, [late_item(1, workdays=25), late_item(2, workdays=16)], (15, 20), at=NOW)
    first = send_pending(db, config(lossy_port), now=NOW)
    assert (first["sent"], first["failed"]) == (0, 3)
    assert first["error"].startswith(f"SMTP delivery via 127.0.0.1:{lossy_port} failed: ")
    (arrived,) = lossy.mails  # it did arrive; govwatch cannot know

    # The next night finds two more late documents.
    queue_late(db, [late_item(3, workdays=30), late_item(4, workdays=18)], (15, 20), at=LATER)
    assert send_pending(db, config(good_port), now=LATER) == {"sent": 6, "failed": 0, "mails": 2, "error": None}
    resent, new = good.mails
    assert resent["Message-ID"] == arrived["Message-ID"]
    assert documents_in(resent) == documents_in(arrived) == {"1", "2"}
    assert resent["Subject"] == arrived["Subject"] == "govwatch: 2 late publications"
    assert new["Message-ID"] != arrived["Message-ID"] and documents_in(new) == {"3", "4"}
    assert db.execute("SELECT DISTINCT status FROM alerts").fetchall() == [("sent",)]


def test_alerts_no_server_took_join_the_next_digest(db, smtp_server):
    queue_late(db, [late_item(1, workdays=25)], (15, 20), at=NOW)
    assert send_pending(db, config(free_port()), now=NOW)["failed"] == 2
    queue_late(db, [late_item(2, workdays=16)], (15, 20), at=LATER)
    inbox = Inbox()
    assert send_pending(db, config(smtp_server(inbox)), now=LATER)["mails"] == 1
    assert documents_in(inbox.mails[0]) == {"1", "2"}


def test_server_that_closes_at_once_leaves_alerts_failed(db, hang_up_server):
    queue_late(db, [late_item()], (20,), at=NOW)
    result = send_pending(db, config(hang_up_server), now=NOW)
    assert result["failed"] == 1
    assert result["error"] == (f"SMTP connection to 127.0.0.1:{hang_up_server} failed: "
                               "the server closed the connection (Connection unexpectedly closed)")


def test_server_that_never_answers_times_out(db):
    with socket.create_server(("127.0.0.1", 0)) as silent:
        queue_late(db, [late_item()], (20,), at=NOW)
        result = send_pending(db, config(silent.getsockname()[1], timeout=0.3), now=NOW)
    assert result["failed"] == 1
    assert result["error"].endswith("failed: no answer before the timeout")


def test_unreachable_server_is_a_clear_failure(db):
    port = free_port()
    queue_late(db, [late_item()], (20,), at=NOW)
    result = send_pending(db, config(port), now=NOW)
    assert result == {"sent": 0, "failed": 1, "mails": 0, "error": (
        f"SMTP connection to 127.0.0.1:{port} failed: connection refused (is the mail server running on that port?)")}
    assert statuses(db) == [(f"late:{late_item()['url']}:20", "failed", 1)]


def test_missing_password_variable_fails_without_connecting(db, smtp_server, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    inbox = Inbox()
    port = smtp_server(inbox, password="secret")
    queue_late(db, [late_item()], (20,), at=NOW)
    result = send_pending(db, config(port, user="govwatch"), now=NOW)
    assert result["error"] == (f"cannot log in to 127.0.0.1:{port} as 'govwatch': "
                               f"the environment variable {PASSWORD_ENV} holding the password is not set")
    assert db.execute("SELECT status, error FROM alerts").fetchall() == [("failed", result["error"])]
    assert inbox.envelopes == []


def test_a_password_that_is_not_ascii_is_not_quoted_in_the_error(db, smtp_server, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "pässwörd-Geheim")
    port = smtp_server(Inbox(), password="other")
    queue_late(db, [late_item()], (20,), at=NOW)
    result = send_pending(db, config(port, user="govwatch"), now=NOW)
    assert result["error"] == (f"SMTP login as 'govwatch' at 127.0.0.1:{port} failed: the user name, the password "
                               "or an address has characters other than ASCII (not shown)")
    assert db.execute("SELECT error FROM alerts").fetchall() == [(result["error"],)]


@pytest.mark.parametrize("command", [["alerts", "test"], ["nightly"]])
def test_a_password_typed_into_password_env_is_refused_and_never_shown(tmp_path, smtp_server, command):
    secret = "Tr0ub4dor&3-hunter2"
    db = tmp_path / "govwatch.db"
    path = write_config(tmp_path, f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_server(Inbox(), password=secret)}\n'
                                  f'security = "none"\nuser = "govwatch"\npassword_env = "{secret}"\n'
                                  'sender = "g@example.org"\nrecipients = ["a@example.org"]\n'
                                  f'[crawl]\ndb = "{db}"\nstart_urls = ["http://127.0.0.1:{free_port()}/"]\n')
    result = govwatch(*command, "--config", path, timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith(f"govwatch {command[0]}: {path}: [smtp] password_env: must be the name of")
    assert result.stderr.count("\n") == 1
    assert secret not in result.stdout + result.stderr
    assert not db.exists()


def test_starttls_against_a_server_without_it_fails_rather_than_sending_in_clear(db, smtp_server):
    inbox = Inbox()
    port = smtp_server(inbox)
    queue_late(db, [late_item()], (20,), at=NOW)
    result = send_pending(db, config(port, security="starttls"), now=NOW)
    assert result["error"].startswith(f"SMTP STARTTLS with 127.0.0.1:{port} failed: ")
    assert "STARTTLS" in result["error"].split("failed: ")[1]
    assert inbox.envelopes == []


def test_a_refused_recipient_is_noted_but_the_mail_counts_as_sent(db, smtp_server):
    inbox = Inbox(refuse={"chief@example.org"})
    port = smtp_server(inbox)
    queue_late(db, [late_item()], (20,), at=NOW)
    assert send_pending(db, config(port), now=NOW)["sent"] == 1
    assert db.execute("SELECT status, error FROM alerts").fetchall() == [
        ("sent", "refused by the server: chief@example.org (550 5.1.1 no such mailbox)")]
    assert inbox.envelopes[0].rcpt_tos == ["auditor@example.org"]


def test_without_smtp_alerts_stay_pending(db):
    queue_late(db, [late_item()], (20,), at=NOW)
    result = send_pending(db, Config(path="nightly.toml"), now=NOW)
    assert result["error"] == "alerts are disabled: nightly.toml has no [smtp] section"
    assert statuses(db) == [(f"late:{late_item()['url']}:20", "pending", 0)]


def test_nothing_pending_needs_no_server(db):
    assert send_pending(db, config(free_port()), now=NOW) == {"sent": 0, "failed": 0, "mails": 0, "error": None}


def test_health_alert_mail_names_the_check_and_its_detail(db, smtp_server):
    inbox = Inbox()
    port = smtp_server(inbox)
    queue_health(db, [{"check": "documents_dropped", "ok": False, "detail": "crawl 9 stored 10 documents, <fewer>"}],
                 at=NOW)
    queue_late(db, [late_item()], (20,), at=NOW)
    send_pending(db, config(port), now=NOW)
    (mail,) = inbox.mails
    assert mail["Subject"] == "govwatch: 1 late publication, 1 crawl problem"
    assert "Crawl health check failed: far fewer documents than the crawl before" in mail.get_body(
        ("plain",)).get_content()
    assert "crawl 9 stored 10 documents, &lt;fewer&gt;" in mail.get_body(("html",)).get_content()


# --- test mail and commands ------------------------------------------------------------


def test_send_test_delivers_one_mail_or_says_why_not(smtp_server, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    inbox = Inbox()
    assert send_test(config(smtp_server(inbox))) is None
    assert inbox.mails[0]["Subject"] == "govwatch: test mail"
    assert "in digest mode" in inbox.mails[0].get_content()
    refused = send_test(config(smtp_server(Inbox(), password="secret"), user="govwatch"))
    assert "the server answered 535" in refused
    assert send_test(Config(path="x.toml")) == "alerts are disabled: x.toml has no [smtp] section"


def write_config(tmp_path, smtp: str) -> str:
    path = tmp_path / "govwatch.toml"
    path.write_text(smtp, encoding="utf-8")
    return str(path)


def test_alerts_test_command(tmp_path, smtp_server, capsys):
    port = smtp_server(Inbox())
    good = write_config(tmp_path, f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
                                  'sender = "g@example.org"\nrecipients = ["a@example.org"]\n')
    assert cmd_alerts_test(SimpleNamespace(config=good)) == 0
    assert capsys.readouterr().out == f"test mail sent to a@example.org via 127.0.0.1:{port}\n"

    closed = write_config(tmp_path, f'[smtp]\nhost = "127.0.0.1"\nport = {free_port()}\nsecurity = "none"\n'
                                    'sender = "g@example.org"\nrecipients = ["a@example.org"]\n')
    with pytest.raises(RunError, match="connection refused"):
        cmd_alerts_test(SimpleNamespace(config=closed))
    with pytest.raises(UsageError, match=r"\[smtp\] port: must be an integer"):
        cmd_alerts_test(SimpleNamespace(config=write_config(tmp_path, '[smtp]\nport = "x"\n')))
    with pytest.raises(UsageError, match="alerts are disabled"):
        cmd_alerts_test(SimpleNamespace(config=write_config(tmp_path, "")))


def test_alerts_list_command_shows_unresolved_alerts(db, tmp_path, capsys):
    queue_late(db, [late_item()], (20,), at=NOW)
    queue_health(db, [{"check": "error_rate", "ok": False, "detail": "many"}], at=NOW)
    queue_health(db, [{"check": "error_rate", "ok": True, "detail": "few"}], at=LATER)
    assert cmd_alerts_list(SimpleNamespace(db=str(tmp_path / "govwatch.db"), json=True)) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(row["kind"], row["status"], row["url"]) for row in rows] == [("late", "pending", late_item()["url"])]

    cmd_alerts_list(SimpleNamespace(db=str(tmp_path / "govwatch.db"), json=False))
    table = capsys.readouterr().out
    # A pending alert is shown as waiting to be sent; a resolved one is not listed.
    assert "waiting" in table and "resolved" not in table


def test_alerts_list_command_on_a_database_without_alerts(tmp_path, capsys):
    open_db(tmp_path / "old.db").close()
    with pytest.raises(UsageError, match="no database at"):
        cmd_alerts_list(SimpleNamespace(db=str(tmp_path / "missing.db"), json=True))
    cmd_alerts_list(SimpleNamespace(db=str(tmp_path / "old.db"), json=True))
    assert json.loads(capsys.readouterr().out) == []


def test_alerts_list_fits_80_columns_in_chinese(db, tmp_path, chinese):
    import io

    from rich.cells import cell_len
    from rich.console import Console

    from monitor.alerts.commands import alerts_table
    from storage.alerts import alerts_with_status

    long_title = "关于印发《临沂经济技术开发区政府信息公开工作考核办法》的通知" * 3
    queue_late(db, [{**late_item(), "title": long_title}], (20,), at=NOW)
    out = io.StringIO()
    Console(file=out, width=80, color_system=None).print(alerts_table(alerts_with_status(db, ("pending",)), "g.db"))
    lines = out.getvalue().splitlines()
    assert lines and all(cell_len(line) <= 80 for line in lines)
    row = next(line for line in lines if "公开超时" in line)
    # One line per alert: the subject cut with an ellipsis, never wrapped onto a second line.
    assert "…" in row and "待发送" in row
    assert any("Asia/Shanghai" in line for line in lines)


def test_the_chinese_digest_lists_each_document_once_by_publisher_with_every_limit(db, smtp_server, chinese):
    inbox = Inbox()
    port = smtp_server(inbox)
    items = [late_item(1, workdays=25), late_item(2, workdays=17, publisher="经开区教育局"),
             late_item(3, workdays=30), late_item(4, workdays=22, publisher=None, created_on_source="body"),
             late_item(5, workdays=16, publisher="<b>局</b>\r\nBcc: evil@example.com")]
    queue_late(db, items, (15, 20), at=NOW)
    assert send_pending(db, config(port), now=NOW) == {"sent": 8, "failed": 0, "mails": 1, "error": None}
    (mail,) = inbox.mails
    assert mail["Subject"] == "govwatch: 超时公开 5 件" and mail["Bcc"] is None
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    blocks = text.strip().split("\n\n")
    # NOW is 18:30 UTC: half past two the next morning in Shanghai.
    assert blocks[0] == "截至 2026-03-03 02:30:00 Asia/Shanghai，govwatch 发现超过工作日时限公开的文件 5 件。"
    headings = [block for block in blocks if block.startswith("发布机构：")]
    # Publishers in name order, the unnamed last; the hostile name is one line, shown as text.
    assert headings == ["发布机构：<b>局</b> Bcc: evil@example.com（超时公开文件 1 件）",
                        "发布机构：经开区教育局（超时公开文件 1 件）",
                        "发布机构：经开区财政金融局（超时公开文件 2 件）",
                        "发布机构：未标明发布机构（超时公开文件 1 件）"]
    documents = [block for block in blocks if block.startswith("超时公开：")]
    assert [documents_in_text(block) for block in documents] == [["5"], ["2"], ["1"], ["3"], ["4"]]
    assert sorted(documents_in_text(text)) == ["1", "2", "3", "4", "5"]  # each document once
    taken = {documents_in_text(block)[0]: block.splitlines()[-1].strip() for block in documents}
    assert taken["1"] == ("用时：25 个工作日，超过 15 个工作日（年报自述）；"
                          "超过 20 个工作日（《中华人民共和国政府信息公开条例》第二十六条）")
    assert taken["2"] == "用时：17 个工作日，超过 15 个工作日（年报自述）"
    assert "  成文日期：2020-05-06（取自正文落款日期）" in documents[-1].splitlines()
    page = mail.get_body(("html",)).get_content()
    assert '<html lang="zh-Hans">' in page and "<b>局</b>" not in page
    assert page.count("<h2>") == 4 and page.count("<h3>") == 5
    assert "&lt;b&gt;局&lt;/b&gt; Bcc: evil@example.com" in page


def documents_in_text(text: str) -> list[str]:
    return re.findall(r"/info/1041/(\d+)\.htm", text)


def test_the_configured_zone_shows_in_the_test_mail_unless_the_environment_overrides_it(
        tmp_path, smtp_server, monkeypatch, chinese):
    inbox = Inbox()
    path = write_config(tmp_path, f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_server(inbox)}\nsecurity = "none"\n'
                                  'sender = "g@example.org"\nrecipients = ["a@example.org"]\n'
                                  '[schedule]\ntimezone = "Asia/Urumqi"\n')
    monkeypatch.delenv("GOVWATCH_TIMEZONE", raising=False)
    assert cmd_alerts_test(SimpleNamespace(config=path)) == 0
    monkeypatch.setenv("GOVWATCH_TIMEZONE", "Europe/Berlin")
    assert cmd_alerts_test(SimpleNamespace(config=path)) == 0
    configured, overridden = inbox.mails
    assert configured["Subject"] == "govwatch: 测试邮件"
    body = configured.get_content()
    assert re.search(r"发送时间 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d Asia/Urumqi。", body), body
    assert "以汇总方式（每次运行一封邮件）发送至 a@example.org" in body
    assert "超过 15 个工作日（年报自述）或20 个工作日（《中华人民共和国政府信息公开条例》第二十六条）公开的文件" in body
    assert "Europe/Berlin" in overridden.get_content() and "Asia/Urumqi" not in overridden.get_content()


def test_a_crawl_problem_is_mailed_in_chinese_with_the_check_named(db, smtp_server, chinese):
    from monitor.alerts.health import check_health
    from tests.monitor.alerts.test_health import run

    inbox = Inbox()
    results = check_health([run(1, unchanged=100), run(2, unchanged=40)])
    queue_health(db, results, at=NOW)
    send_pending(db, config(smtp_server(inbox)), now=NOW)
    (mail,) = inbox.mails
    assert mail["Subject"] == "govwatch: 采集健康检查未通过：文件数比上次采集大幅减少"
    text = mail.get_body(("plain",)).get_content()
    assert "  第 2 次采集存入文件 40 件，第 1 次 100 件：减少 60%（超过 30%；网站是否已改版？）" in text.splitlines()
    assert "采集健康问题 1 项" in text and "documents_dropped" not in text
