"""A nightly whose stages fail: the exit status says so, and the operator is mailed, whatever the cause.

Real parts only: the sample portal over HTTP on 127.0.0.1 (slow when a test needs a
hung crawl), aiosmtpd on 127.0.0.1, a database really locked by a second connection
and one really damaged on disk.
"""

import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from monitor.command import govwatch_command
from monitor.demo.sample_portal.faults import FaultPlan
from monitor.demo.sample_portal.server import serve
from tests.conftest import govwatch
from tests.databases import damage_tables, write_locked
from tests.monitor.conftest import Inbox, free_port
from tests.monitor.alerts.test_nightly import stage_lines, write_config

# Runs the nightly job in subprocesses, against SMTP servers and the sample portal.
pytestmark = pytest.mark.slow

# A lock held longer than this makes a write give up: the tests need not wait 30 s per stage.
QUICK_LOCKS = {**os.environ, "GOVWATCH_BUSY_TIMEOUT": "1"}


def plain(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_a_crawl_that_fetched_nothing_fails_the_night_and_is_mailed(tmp_path, smtp_server):
    inbox = Inbox()
    dead = f"http://127.0.0.1:{free_port()}"
    config = write_config(tmp_path, tmp_path / "govwatch.db", dead, smtp_server(inbox))
    result = govwatch("nightly", "--config", config)
    assert result.returncode == 1, result.stdout + result.stderr
    assert stage_lines(result.stdout) == ["crawl", "health", "audit", "alerts"]
    crawl_line = result.stdout.splitlines()[0]
    assert "crawl: failed (exit 1): crawl 1 fetched nothing (1 request failed)" in crawl_line
    assert f"{dead}/: Connection was refused" in crawl_line
    assert "failing: crawl_failed" in result.stdout
    (mail,) = inbox.mails
    assert "the nightly crawl failed: crawl 1 fetched nothing" in plain(mail)


def test_a_locked_database_fails_every_stage_and_the_alert_is_mailed_directly(
    sample_portal, crawled_copy, tmp_path, smtp_server
):
    inbox = Inbox()
    config = write_config(tmp_path, crawled_copy, sample_portal.url, smtp_server(inbox))
    with write_locked(crawled_copy):
        result = govwatch("nightly", "--config", config, env=QUICK_LOCKS)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = dict(line.split(" ", 2)[1:] for line in result.stdout.splitlines() if " alerts: not queued" not in line)
    assert lines["crawl:"].startswith("failed (exit 1): cannot write to") and "database is locked" in lines["crawl:"]
    assert lines["health:"].startswith("failed: ") and "database is locked" in lines["health:"]
    assert lines["audit:"].startswith("failed: ") and "database is locked" in lines["audit:"]
    assert "3 alerts mailed directly, not queued" in result.stdout
    (mail,) = inbox.mails
    body = plain(mail)
    assert mail["Subject"] == "govwatch: 3 crawl problems"
    assert "the nightly crawl failed: cannot write to" in body
    assert "The nightly health stage failed" in body and "The nightly audit stage failed" in body
    # The lock released, the database holds no trace of the night but the crawl that could not start.
    alerts = govwatch("alerts", "list", "--db", crawled_copy, "--json")
    assert alerts.returncode == 0 and alerts.stdout.strip() == "[]"


def test_a_damaged_database_is_left_alone_and_alerted_directly(sample_portal, crawled_copy, tmp_path, smtp_server):
    inbox = Inbox()
    damage_tables(crawled_copy, ["documents", "alerts"])
    before = sha256(crawled_copy)
    config = write_config(tmp_path, crawled_copy, sample_portal.url, smtp_server(inbox))
    result = govwatch("nightly", "--config", config)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert stage_lines(result.stdout) == ["database", "crawl", "health", "audit", "alerts", "alerts"]
    assert f"database: failed: the database {crawled_copy} is damaged (" in result.stdout
    assert result.stdout.count("skipped: the database is damaged") == 3
    (mail,) = inbox.mails
    assert mail["Subject"] == "govwatch: the database is damaged"
    assert f"the database {crawled_copy} is damaged" in plain(mail)
    assert sha256(crawled_copy) == before


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name (field 2) is in parentheses and may hold spaces.
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie is dead, just not reaped yet)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def slow_portal():
    """The sample portal whose home page answers after a minute: a crawl of it hangs."""
    plan = FaultPlan({"/": "slow"}, slow_seconds=60)
    with serve(faults=plan) as portal:
        yield portal, plan


def test_a_nightly_killed_with_sigkill_takes_its_crawl_along(slow_portal, tmp_path):
    portal, plan = slow_portal
    config = write_config(tmp_path, tmp_path / "govwatch.db", portal.url, free_port())
    nightly = subprocess.Popen(govwatch_command("nightly", "--config", config),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        (crawl,) = wait_for(lambda: children(nightly.pid), 60, "the crawl child")
        wait_for(lambda: plan.requests["/"], 60, "the crawl to request the slow page")
        assert running(crawl)
        nightly.send_signal(signal.SIGKILL)
        nightly.wait()
        wait_for(lambda: not running(crawl), 5, "the crawl to die with its nightly")
    finally:
        nightly.kill()
        nightly.wait()


def test_a_hung_crawl_is_stopped_at_its_time_limit_and_alerted(slow_portal, tmp_path, smtp_server):
    portal, _ = slow_portal
    inbox = Inbox()
    config = write_config(tmp_path, tmp_path / "govwatch.db", portal.url, smtp_server(inbox),
                          time_limit=2, stop_grace=3)
    began = time.monotonic()
    result = govwatch("nightly", "--config", config)
    # The crawl waits on a page that takes 60 s (longer than Scrapy's 30 s download timeout).
    assert time.monotonic() - began < 25
    assert result.returncode == 1
    crawl_line = result.stdout.splitlines()[0]
    assert crawl_line.endswith("crawl: failed: still running 3 s after its time limit of 2 s, so it was killed")
    assert "failing: crawl_failed" in result.stdout
    (mail,) = inbox.mails
    assert "the nightly crawl failed: still running 3 s after its time limit of 2 s" in plain(mail)
