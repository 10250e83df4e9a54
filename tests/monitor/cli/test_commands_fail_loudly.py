"""Commands that could not do their job say so: exit status 1 and one line naming why.

A crawl that fetched nothing or whose every request failed, a crawl that hit its time
limit, and a damaged database met by any command. Real HTTP to the sample portal on
127.0.0.1 and real SQLite files with real bytes overwritten.
"""

import pytest

from monitor.demo.sample_portal.faults import FaultPlan
from monitor.demo.sample_portal.server import serve
from storage.alerts import queue_alert
from storage.db import open_db
from tests.conftest import govwatch
from tests.databases import damage_header, damage_tables
from tests.monitor.conftest import free_port

# Every test runs govwatch in a subprocess, some crawl.
pytestmark = pytest.mark.slow


def error_lines(result) -> list[str]:
    """stderr without the crawl's progress lines."""
    return [line for line in result.stderr.splitlines() if not line.startswith("crawling:")]


def test_a_crawl_that_fetched_nothing_exits_1_naming_its_errors(tmp_path):
    dead = f"http://127.0.0.1:{free_port()}/"
    result = govwatch("crawl", "--start-url", dead, "--allow-prefix", "/", "--db", tmp_path / "g.db")
    assert result.returncode == 1
    assert "1 errors" in result.stdout
    assert error_lines(result) == [
        "govwatch crawl: crawl 1 fetched nothing (1 request failed); the first errors:",
        f"  {dead}: Connection was refused by other side: 111: Connection refused.",
    ]


def test_a_crawl_whose_every_request_failed_exits_1_naming_them(tmp_path):
    plan = FaultPlan({"/": "503", "/zfxxgk.htm": "502"})
    with serve(faults=plan) as portal:
        result = govwatch("crawl", "--site", "leda", "--start-url", portal.url + "/",
                          "--start-url", portal.url + "/zfxxgk.htm", "--db", tmp_path / "g.db")
    assert result.returncode == 1
    assert plan.requests["/"] > 1  # retried before it counted as failed
    assert sorted(error_lines(result)[1:]) == [f"  {portal.url}/: HTTP 503", f"  {portal.url}/zfxxgk.htm: HTTP 502"]
    assert error_lines(result)[0] == "govwatch crawl: crawl 1 stored no document: 2 requests failed; the first errors:"


def test_a_crawl_stopped_at_its_time_limit_exits_1(tmp_path):
    # The home page answers after 3 s; the limit of 1 s has passed by then.
    with serve(faults=FaultPlan({"/": "slow"}, slow_seconds=3)) as portal:
        result = govwatch("crawl", "--site", "leda", "--start-url", portal.url + "/", "--db", tmp_path / "g.db",
                          "--time-limit", 1)
    assert result.returncode == 1
    assert error_lines(result) == ["govwatch crawl: crawl 1 stopped at its time limit before it was done"]


def test_time_limit_must_be_positive(tmp_path):
    result = govwatch("crawl", "--start-url", "http://127.0.0.1:1/", "--db", tmp_path / "g.db", "--time-limit", 0)
    assert result.returncode == 2 and "--time-limit must be a positive number" in result.stderr


def test_sweep_pages_must_be_at_least_one(tmp_path):
    result = govwatch("crawl", "--start-url", "http://127.0.0.1:1/", "--db", tmp_path / "g.db", "--sweep-pages", 0)
    assert result.returncode == 2 and "--sweep-pages must be at least 1, not 0" in result.stderr
    assert not (tmp_path / "g.db").exists()


def commands(db, portal_url, tmp_path):
    """Every command that opens an existing database, with the arguments to run it."""
    return {
        "crawl": ["crawl", "--site", "leda", "--start-url", portal_url + "/", "--db", db],
        "audit": ["audit", "--db", db, "--year", "2020"],
        "report": ["report", "--db", db, "--year", "2020", "--out", tmp_path / "report.html"],
        "alerts": ["alerts", "list", "--db", db],
        "query": ["query", "--db", db, "SELECT * FROM crawl_runs"],
        "explore": ["explore", "--db", db, "--port", free_port()],
    }


@pytest.mark.parametrize("command", ["crawl", "audit", "report", "alerts", "query"])
def test_damaged_pages_are_named_in_one_line_by_every_command(command, crawled_copy, sample_portal, tmp_path):
    db = open_db(crawled_copy)
    queue_alert(db, "health", "health:crawl_failed", subject="s", payload={}, at="2026-03-02T18:30:00Z")
    db.close()
    damage_tables(crawled_copy, ["documents", "crawl_runs", "alerts"])
    result = govwatch(*commands(crawled_copy, sample_portal.url, tmp_path)[command])
    assert result.returncode == 1
    (line,) = error_lines(result)
    assert line.startswith(f"govwatch {command}: the database {crawled_copy} is damaged (")
    assert line.endswith("restore it from a backup, or crawl into a new file")


@pytest.mark.parametrize("command", ["crawl", "audit", "report", "alerts", "query", "explore"])
def test_a_file_that_is_no_database_is_named_in_one_line_by_every_command(command, crawled_copy, sample_portal,
                                                                          tmp_path):
    damage_header(crawled_copy)
    result = govwatch(*commands(crawled_copy, sample_portal.url, tmp_path)[command], timeout=60)
    assert result.returncode == 1
    assert error_lines(result) == [f"govwatch {command}: the database {crawled_copy} is damaged (file is not a "
                                   "database): restore it from a backup, or crawl into a new file"]
