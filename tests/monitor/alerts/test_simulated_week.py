"""A week of nightly runs against a sample portal that changes every day.

The portal (a 500-document size, so the week runs in seconds) gains documents every
day, has some edited, one date corrected (day 2), one removed (day 3), one published
backdated (day 4) and the removed one restored (day 6). The mail server is down on
the first night. Each event must appear exactly once and each late document be mailed once.
"""

import re
import sqlite3
from collections import Counter

import pytest

from monitor.demo.sample_portal.model import ground_truth
from monitor.demo.sample_portal.server import serve
from tests.conftest import govwatch
from tests.monitor.conftest import Inbox, SmtpServers, free_port

# A week of nightly runs, each a subprocess crawl.
pytestmark = pytest.mark.slow

SIZE = 500
DAYS = range(0, 7)
# The first night queues every historic late document, so its outage holds alerts back.
OUTAGE_DAY = 0


def write_config(path, db, portal_url, smtp_port):
    path.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\ntimeout = 5\n'
        f'sender = "govwatch@example.org"\nrecipients = ["auditor@example.org"]\n'
        f'[alerts]\nlimits = [20]\nsince = "2019-01-01"\n'
        f'[crawl]\nsite = "leda"\ndb = "{db}"\nstart_urls = ["{portal_url}/"]\nreverify_days = 1\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("week")
    db = tmp / "govwatch.db"
    smtp = SmtpServers()
    inbox = Inbox()
    good_port = smtp(inbox)
    results = {}
    with serve(size=SIZE) as portal:
        for day in DAYS:
            portal.set_day(day)
            port = free_port() if day == OUTAGE_DAY else good_port
            config = write_config(tmp / f"day{day}.toml", db, portal.url, port)
            results[day] = govwatch("nightly", "--config", config)
        base = portal.url
    smtp.stop()
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return {"results": results, "conn": conn, "inbox": inbox, "base": base}


def expected(kind):
    """Every URL path the portal changed with ``kind`` over the week, with multiplicity."""
    return Counter(path for day in DAYS if day for path in ground_truth(day=day, size=SIZE)["changes"][kind])


def observed(week, kind, since_crawl=2):
    rows = week["conn"].execute("SELECT url FROM events WHERE kind = ? AND crawl_id >= ?", [kind, since_crawl])
    return Counter(re.sub(r"^http://[^/]+", "", url) for (url,) in rows)


def test_every_night_ran_and_only_the_outage_night_failed(week):
    codes = {day: result.returncode for day, result in week["results"].items()}
    assert codes == {day: (1 if day == OUTAGE_DAY else 0) for day in DAYS}, week["results"][OUTAGE_DAY].stdout


@pytest.mark.parametrize("kind", ["new", "date_changed", "removed", "restored", "backdated"])
def test_each_event_appears_exactly_once(week, kind):
    assert observed(week, kind) == expected(kind)
    assert sum(expected(kind).values()) > 0


def test_every_edit_is_a_changed_event(week):
    assert observed(week, "changed") == expected("edited")


def test_first_night_saw_every_document_as_new_and_nothing_else(week):
    kinds = Counter(row[0] for row in week["conn"].execute("SELECT kind FROM events WHERE crawl_id = 1"))
    assert kinds == {"new": ground_truth(size=SIZE)["documents"]}


def test_database_ends_equal_to_the_portal_of_the_last_day(week):
    live = week["conn"].execute("SELECT count(*) FROM documents WHERE removed_at IS NULL").fetchone()[0]
    assert live == ground_truth(day=max(DAYS), size=SIZE)["documents"]


def test_each_late_document_is_mailed_exactly_once_across_the_outage(week):
    late = sum(year["late"]["20"] for year in ground_truth(day=max(DAYS), size=SIZE)["timeliness"].values())
    urls, dead = Counter(), Counter()
    for mail in week["inbox"].mails:
        text = mail.get_body(("plain",)).get_content()
        urls.update(re.findall(r"^  URL: " + re.escape(week["base"]) + r"(/info/\d+/\d+\.htm)", text, re.M))
        dead.update(re.findall(r"^Dead link: " + re.escape(week["base"]) + r"([^?\s]+)", text, re.M))
    assert late > 0 and len(urls) == late
    assert set(urls.values()) == {1}
    # The planted dead links too, each once over the week.
    assert sorted(dead) == ground_truth(day=max(DAYS), size=SIZE)["inspection"]["2021"]["dead_link"]
    assert set(dead.values()) == {1}
    assert week["conn"].execute("SELECT count(*) FROM alerts WHERE status <> 'sent' AND kind = 'late'").fetchone()[0] == 0
