"""``govwatch explore``: real Datasette over an audited crawl of the sample portal, queried
over HTTP: metadata for every table and column, canned queries equal to the audit, and
no way to write to the file."""

import hashlib
import json
import shutil
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

import pytest

from monitor.audit.run import run_audit
from monitor.command import govwatch_command
from storage.db import open_db
from tests.conftest import govwatch

# Starts Datasette on the crawled database.
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(base: str, path: str, **params) -> tuple[int, dict]:
    """GET a Datasette JSON endpoint; return the status and the decoded body."""
    url = base + urllib.parse.quote(path) + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def served(crawled_db, tmp_path_factory):
    """The sample crawl, audited for 2020, served by ``govwatch explore`` on a free port."""
    path = tmp_path_factory.mktemp("explore") / "govwatch.db"
    shutil.copy(crawled_db, path)
    db = open_db(path)
    result = run_audit(db, year=2020)
    db.close()
    sqlite3.connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)").connection.close()
    port = free_port()
    # Into a file, not a pipe: Datasette logs a long traceback per refused query, and a
    # pipe nobody reads would fill up and stall the server.
    log = path.with_name("explore.log").open("w")
    proc = subprocess.Popen(govwatch_command("explore", "--db", path, "--port", port),
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"govwatch explore did not start:\n{path.with_name('explore.log').read_text()}")
            time.sleep(0.2)
    yield {"base": base, "path": path, "result": result}
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


def test_metadata_describes_every_table_view_and_column(served):
    status, meta = get(served["base"], "/-/metadata.json")
    assert status == 200
    tables = meta["databases"]["govwatch"]["tables"]
    with sqlite3.connect(served["path"]) as conn:
        names = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")]
        for name in names:
            assert tables[name]["description"], name
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info([{name}])")]
            assert set(columns) <= set(tables[name]["columns"]), (name, set(columns) - set(tables[name]["columns"]))
            assert all(tables[name]["columns"][column] for column in columns)


def test_table_json_counts_the_audited_documents(served):
    status, body = get(served["base"], "/govwatch/publications.json", year="2020", _size="1")
    assert status == 200
    assert body["filtered_table_rows_count"] == served["result"]["totals"]["documents"]


def test_late_by_publisher_equals_the_audit(served):
    by_publisher = served["result"]["timeliness"]["by_publisher"]
    for limit in ("15", "20"):
        status, rows = get(served["base"], "/govwatch/late_by_publisher.json", year="2020", limit=limit, _shape="array")
        assert status == 200
        assert {row["publisher"]: (row["checked"], row["late"]) for row in rows} == {
            name: (stats["checked"], stats["late"][limit]) for name, stats in by_publisher.items()}
    # Without a limit the query applies the 15-day promise.
    _, rows = get(served["base"], "/govwatch/late_by_publisher.json", year="2020", _shape="array")
    assert sum(row["late"] for row in rows) == served["result"]["timeliness"]["late"]["15"]


def test_claims_of_last_audit_equal_the_audit(served):
    status, rows = get(served["base"], "/govwatch/claims_of_last_audit.json", _shape="array")
    assert status == 200
    assert [(row["claim"], row["claimed"], row["observed"], row["status"]) for row in rows] == [
        (claim["key"], claim["value"], claim["observed"], claim["status"]) for claim in served["result"]["claims"]]


def test_findings_by_kind_equal_the_audit(served):
    status, rows = get(served["base"], "/govwatch/findings_by_kind.json", _shape="array")
    assert status == 200
    assert {row["kind"]: row["findings"] for row in rows} == Counter(f["kind"] for f in served["result"]["findings"])


def test_documents_of_one_column_in_one_month(served):
    status, rows = get(served["base"], "/govwatch/column_month_documents.json", column="政策解读", month="2020-06",
                       _shape="array")
    assert status == 200
    with sqlite3.connect(served["path"]) as conn:
        expected = conn.execute("SELECT count(*) FROM documents WHERE is_disclosure = 1"
                                " AND column_path LIKE '%政策解读%' AND published_on LIKE '2020-06-%'").fetchone()[0]
    assert len(rows) == expected > 0
    assert all("政策解读" in row["column_path"] and row["published_on"].startswith("2020-06") for row in rows)


def test_the_database_cannot_be_written_through_datasette(served):
    before = sha256(served["path"])
    for sql in ("DELETE FROM documents", "UPDATE documents SET title = 'x'", "DROP TABLE findings"):
        status, body = get(served["base"], "/govwatch.json", sql=sql)
        assert status == 400 and not body["ok"], sql
    # Datasette's SELECT-only check lets a WITH … DELETE through; the read-only connection stops it.
    status, body = get(served["base"], "/govwatch.json", sql="WITH x AS (SELECT 1) DELETE FROM documents")
    assert status == 400 and "readonly" in body["error"]
    request = urllib.request.Request(served["base"] + "/govwatch/findings_by_kind", data=b"", method="POST")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=30)
    status, body = get(served["base"], "/govwatch.json", sql="SELECT count(*) AS n FROM publications", _shape="array")
    assert status == 200 and body[0]["n"] == served["result"]["totals"]["documents_all_time"]
    assert sha256(served["path"]) == before


def test_missing_database_is_one_line_usage_error(tmp_path):
    done = govwatch("explore", "--db", tmp_path / "none.db", "--port", free_port())
    assert done.returncode == 2
    assert "no database" in done.stderr and done.stderr.strip().count("\n") == 0
