"""The govwatch command's contract: JSON shapes, exit statuses, one-line errors."""

import json
from pathlib import Path

import pytest

from crawler.parsing import RECORD_KEYS
from crawler.sample_portal.model import ground_truth
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
    assert result.returncode == 2
    assert result.stderr == ("govwatch query: refused: queries only read the database, "
                             "and this one needs DELETE on documents\n")
    assert govwatch("query", "--db", crawled_copy, "--json", "SELECT count(*) AS n FROM documents").stdout
    assert crawled_copy.read_bytes() == before


@pytest.mark.parametrize("sql, needs", [
    ("ATTACH '{new}' AS other", "ATTACH of another file"),
    ("VACUUM INTO '{new}'", "ATTACH of another file"),
    ("INSERT INTO crawl_runs (status) VALUES ('x')", "INSERT on crawl_runs"),
    ("UPDATE documents SET title = 'x'", "UPDATE on documents"),
    ("CREATE TEMP TABLE t AS SELECT * FROM documents", "INSERT on sqlite_temp_master"),
    ("PRAGMA journal_mode = DELETE", "PRAGMA journal_mode = DELETE"),
    ("PRAGMA user_version = 99", "PRAGMA user_version = 99"),
    ("SELECT load_extension('{new}')", "the function load_extension()"),
])
def test_query_writes_no_file_at_all(crawled_copy, tmp_path, sql, needs):
    new = tmp_path / "elsewhere" / "copy.db"
    new.parent.mkdir()
    before = crawled_copy.read_bytes()
    result = govwatch("query", "--db", crawled_copy, sql.format(new=new))
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("govwatch query: refused: ") and needs in result.stderr
    assert result.stderr.count("\n") == 1
    assert list(new.parent.iterdir()) == []
    # Besides the WAL index every reader of a WAL database shares, no file appeared.
    assert {path.name for path in tmp_path.iterdir()} <= {"govwatch.db", "govwatch.db-wal", "govwatch.db-shm",
                                                          "elsewhere"}
    assert crawled_copy.read_bytes() == before


def test_query_reads_tables_views_and_reporting_pragmas(crawled_db):
    for sql in ("SELECT count(*) AS n FROM timeliness WHERE workdays > 20",
                "PRAGMA table_info(documents)", "SELECT name FROM pragma_table_info('alerts')",
                "PRAGMA user_version",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT i FROM n"):
        result = govwatch("query", "--db", crawled_db, "--json", sql)
        assert result.returncode == 0, (sql, result.stderr)
        assert json.loads(result.stdout), sql


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


def test_demo_crawls_audits_and_writes_the_report(tmp_path):
    result = govwatch("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"the database holds {ground_truth()['documents']}: matches" in result.stdout
    assert "Claims of http://127.0.0.1:" in result.stdout
    report = tmp_path / "govwatch-demo-report.html"
    assert str(report) in result.stdout and report.stat().st_size > 10_000


def test_audit_range_must_be_dates(crawled_db):
    result = govwatch("audit", "--db", crawled_db, "--from", "2020-02-30")
    assert result.returncode == 2 and "'2020-02-30' is not a date" in result.stderr
