"""`govwatch nightly` and `govwatch schedule` as cron and an operator run them."""

import datetime as dt
import fcntl
import hashlib
import signal
import subprocess

import pytest

from monitor.command import govwatch_command
from monitor.demo.sample_portal.model import ground_truth
from monitor.alerts.config import load_config
from monitor.alerts.scheduler import MISFIRE_GRACE_SECONDS, build_scheduler
from tests.conftest import govwatch
from tests.monitor.conftest import Inbox, free_port

# Runs the nightly job in subprocesses, against SMTP servers and the sample portal.
pytestmark = pytest.mark.slow

LATE_20 = sum(year["late"]["20"] for year in ground_truth()["timeliness"].values())
# Dead links are the crawl's state, the same in every year's inspection truth.
DEAD_LINKS = ground_truth()["inspection"]["2021"]["dead_link"]


def write_config(tmp_path, db, portal_url, smtp_port, cron="30 2 * * *", **crawl):
    """A configuration file; ``crawl`` adds keys to its [crawl] section."""
    path = tmp_path / "govwatch.toml"
    path.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\ntimeout = 5\n'
        f'sender = "govwatch@example.org"\nrecipients = ["auditor@example.org"]\n'
        f'[alerts]\nlimits = [20]\nsince = "2019-01-01"\n'
        f'[crawl]\nsite = "leda"\ndb = "{db}"\nstart_urls = ["{portal_url}/"]\n'
        + "".join(f"{key} = {value}\n" for key, value in crawl.items()) +
        f'[schedule]\ncron = "{cron}"\ntimezone = "Asia/Shanghai"\n',
        encoding="utf-8",
    )
    return path


def stage_lines(output):
    return [line.split(" ", 2)[1].rstrip(":") for line in output.splitlines()]


def test_late_documents_are_mailed_exactly_once_across_an_smtp_outage(
    sample_portal, crawled_copy, tmp_path, smtp_server
):
    down = write_config(tmp_path, crawled_copy, sample_portal.url, free_port())
    first = govwatch("nightly", "--config", down)
    assert first.returncode == 1
    assert stage_lines(first.stdout) == ["crawl", "health", "audit", "alerts"]
    assert "alerts kept for the next run" in first.stdout

    inbox = Inbox()
    up = write_config(tmp_path, crawled_copy, sample_portal.url, smtp_server(inbox))
    second = govwatch("nightly", "--config", up)
    assert second.returncode == 0, second.stdout + second.stderr
    third = govwatch("nightly", "--config", up)
    assert third.returncode == 0
    assert len(inbox.mails) == 1
    body = inbox.mails[0].get_body(("plain",)).get_content()
    assert body.count("  URL: http://127.0.0.1") == body.count("Late publication: ") == LATE_20
    # The planted dead links, mailed once: the third night finds them dead again and sends nothing.
    dead = [line.removeprefix(f"Dead link: {sample_portal.url}") for line in body.splitlines()
            if line.startswith("Dead link: ")]
    assert sorted(path.split("?")[0] for path in dead) == DEAD_LINKS
    assert "0 alerts sent" in third.stdout and "0 new dead-link alerts" in third.stdout


def test_a_second_concurrent_run_exits_without_touching_the_database(sample_portal, crawled_copy, tmp_path):
    config = write_config(tmp_path, crawled_copy, sample_portal.url, free_port())
    before = hashlib.sha256(crawled_copy.read_bytes()).hexdigest()
    with open(f"{crawled_copy}.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = govwatch("nightly", "--config", config)
    assert result.returncode == 1
    assert result.stderr.strip().endswith("not starting") and result.stderr.count("\n") == 1
    assert hashlib.sha256(crawled_copy.read_bytes()).hexdigest() == before


def test_bad_config_is_a_usage_error(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[smtp]\nport = 'x'\n", encoding="utf-8")
    result = govwatch("nightly", "--config", path)
    assert result.returncode == 2 and "port" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["nightly", "schedule"])
@pytest.mark.parametrize("text", ["", "# to be written\n", '[schedule]\ncron = "30 2 * * *"\n'],
                         ids=["empty", "comments only", "no [crawl]"])
def test_a_config_that_does_not_say_what_to_crawl_is_refused(command, text, tmp_path):
    config = tmp_path / "govwatch.toml"
    config.write_text(text, encoding="utf-8")
    result = govwatch(command, "--config", config, cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert result.stderr == (f"govwatch {command}: {config}: no [crawl] section: name the site and the database"
                             ' (e.g. [crawl] site = "leda", db = "/var/lib/govwatch/govwatch.db")\n')
    assert sorted(path.name for path in tmp_path.iterdir()) == ["govwatch.toml"]


def test_scheduler_job_coalesces_missed_runs(tmp_path):
    config = load_config(write_config(tmp_path, tmp_path / "g.db", "http://127.0.0.1:1", 25))
    job = build_scheduler(config).get_job("nightly")
    assert job.coalesce is True and job.max_instances == 1
    assert job.misfire_grace_time == MISFIRE_GRACE_SECONDS
    shanghai = dt.timezone(dt.timedelta(hours=8))
    fire = job.trigger.get_next_fire_time(None, dt.datetime(2026, 3, 1, 12, 0, tzinfo=shanghai))
    assert (fire.hour, fire.minute, fire.day) == (2, 30, 2)


def test_schedule_stops_cleanly_on_sigterm(tmp_path):
    config = write_config(tmp_path, tmp_path / "g.db", "http://127.0.0.1:1", 25)
    process = subprocess.Popen(govwatch_command("schedule", "--config", config),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = process.stdout.readline()
    assert "next at" in first
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "SIGTERM received" in out and out.rstrip().endswith("stopped")
