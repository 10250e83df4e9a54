"""The govwatch command's contract: JSON shapes, exit statuses, one-line errors."""

import json
import re
from pathlib import Path

import pytest

from crawler.parsing import RECORD_KEYS
from crawler.sample_portal.model import ground_truth
from storage.db import open_db
from storage.runs import start_run
from tests.conftest import govwatch

FILES = Path(__file__).parents[1] / "files"
SUBCOMMANDS = ["parse", "crawl", "audit", "claims", "query", "nightly", "schedule", "alerts", "sample-portal", "demo"]


@pytest.mark.parametrize("page", sorted(FILES.glob("*.html")), ids=lambda path: path.name)
def test_parse_prints_exactly_the_record_keys(page):
    result = govwatch("parse", page, "--url", "http://www.leda.gov.cn/info/1/1.htm")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert list(record) == list(RECORD_KEYS)
    assert isinstance(record["is_disclosure"], bool) and isinstance(record["warnings"], list)


@pytest.mark.parametrize("setup, message", [
    (lambda path: None, "cannot read"),
    (lambda path: path.write_bytes(b""), "is empty"),
    (lambda path: path.write_bytes(b"  \n\t "), "is empty"),
    (lambda path: path.mkdir(), "cannot read"),
])
def test_parse_unreadable_or_empty_file_is_one_line_and_exit_2(tmp_path, setup, message):
    path = tmp_path / "page.html"
    setup(path)
    result = govwatch("parse", path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_has_help(command):
    result = govwatch(command, "--help")
    assert result.returncode == 0 and result.stdout.startswith(f"usage: govwatch {command}")


def test_query_is_read_only(crawled_copy):
    before = crawled_copy.read_bytes()
    result = govwatch("query", "--db", crawled_copy, "DELETE FROM documents")
    assert result.returncode == 2 and "readonly" in result.stderr
    assert govwatch("query", "--db", crawled_copy, "--json", "SELECT count(*) AS n FROM documents").stdout
    assert crawled_copy.read_bytes() == before


def test_query_json_rows(crawled_db):
    result = govwatch("query", "--db", crawled_db, "--json",
                      "SELECT year, count(*) AS n FROM publications GROUP BY year ORDER BY year")
    rows = json.loads(result.stdout)
    assert [row["year"] for row in rows] == ["2019", "2020", "2021"] and all(row["n"] > 0 for row in rows)


def test_claims_of_the_2020_report(tmp_path):
    result = govwatch("claims", FILES / "reports" / "leda-2020-annual-report.md")
    claims = {claim["key"]: claim["value"] for claim in json.loads(result.stdout)["claims"]}
    assert claims["portal_items"] == 2763 and claims["interpretations"] == 43


def test_unknown_site_is_a_usage_error(tmp_path):
    result = govwatch("crawl", "--site", "nowhere", "--db", tmp_path / "g.db")
    assert result.returncode == 2 and "unknown site 'nowhere'" in result.stderr


def test_unreachable_portal_is_recorded_not_a_crash(tmp_path):
    db = tmp_path / "g.db"
    result = govwatch("crawl", "--start-url", "http://127.0.0.1:9/", "--db", db,
                      "--allow-prefix", "/")
    assert "Traceback" not in result.stderr
    rows = govwatch("query", "--db", db, "--json", "SELECT url, error FROM fetch_errors").stdout
    errors = json.loads(rows)
    assert errors and all(row["url"].startswith("http://127.0.0.1:9/") for row in errors)
    assert "1 errors" in result.stdout


def demo_lines(stdout: str) -> list[str]:
    """The demo's output without what differs between runs: the portal's port and timings."""
    return [re.sub(r"127\.0\.0\.1:\d+|\d+(\.\d+)? (s|pages/s)\b", "…", line) for line in stdout.splitlines()]


def test_demo_crawls_audits_writes_the_report_and_shows_the_same_a_second_time(tmp_path):
    first = govwatch("demo", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert f"the database holds {ground_truth()['documents']}: matches" in first.stdout
    assert "Claims of http://127.0.0.1:" in first.stdout
    report = tmp_path / "govwatch-demo-report.html"
    assert str(report) in first.stdout and report.stat().st_size > 10_000
    # The portal comes up on another port: the same documents under other URLs.
    second = govwatch("demo", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert demo_lines(second.stdout) == demo_lines(first.stdout)


def test_demo_never_deletes_a_database_of_a_real_portal(tmp_path):
    path = tmp_path / "govwatch.db"
    db = open_db(path)
    start_run(db, site="leda", start_urls=["http://www.leda.gov.cn/"])
    db.close()
    before = path.read_bytes()
    result = govwatch("demo", "--db", path, cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "not a database an earlier demo made" in result.stderr
    assert path.read_bytes() == before


def test_audit_range_must_be_dates(crawled_db):
    result = govwatch("audit", "--db", crawled_db, "--from", "2020-02-30")
    assert result.returncode == 2 and "'2020-02-30' is not a date" in result.stderr
