"""Commands meeting a damaged database say so: exit status 1 and one line naming the file.

Real SQLite files with real bytes overwritten.
"""

import pytest

from storage.alerts import queue_alert
from storage.db import open_db
from tests.conftest import govwatch
from tests.databases import damage_header, damage_tables
from tests.monitor.conftest import free_port


def error_lines(result) -> list[str]:
    """stderr without the crawl's progress lines."""
    return [line for line in result.stderr.splitlines() if not line.startswith("crawling:")]


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
