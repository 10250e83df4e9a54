"""``govwatch demo``: the README's first command, run twice in a fresh folder, and its
refusal to touch a database it did not make.

In a module of its own so the test runner can give it a worker while test_cli's many
short commands run on the others (the demo crawls the full sample portal twice).
"""

import re
import sqlite3

import pytest

from monitor.demo.sample_portal.model import ground_truth
from storage.db import open_db
from storage.runs import start_run
from tests.conftest import govwatch


def demo_lines(stdout: str) -> list[str]:
    """The demo's output without what differs between runs: the portal's port and timings."""
    return [re.sub(r"127\.0\.0\.1:\d+|\d+(\.\d+)? (s|pages/s)\b", "…", line) for line in stdout.splitlines()]


@pytest.mark.slow
def test_demo_crawls_audits_writes_the_report_and_shows_the_same_a_second_time(tmp_path):
    first = govwatch("demo", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert f"the database holds {ground_truth()['documents']}: matches" in first.stdout
    # The title may wrap the URL onto the next line of the table's caption.
    assert re.search(r"Claims of 《[^》]+》\s+http://127\.0\.0\.1:", first.stdout)
    report = tmp_path / "govwatch-demo-report.html"
    assert str(report) in first.stdout and report.stat().st_size > 10_000
    # The portal comes up on another port: the same documents under other URLs.
    first_archive = set((tmp_path / "govwatch-demo.db.warc").iterdir())
    second = govwatch("demo", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert demo_lines(second.stdout) == demo_lines(first.stdout)
    # The archive beside the database is the second crawl's alone, and reparse and evidence work on it.
    archive = set((tmp_path / "govwatch-demo.db.warc").iterdir())
    assert archive and not archive & first_archive
    reparsed = govwatch("reparse", "--db", "govwatch-demo.db", cwd=tmp_path)
    assert reparsed.returncode == 0 and "0 read differently" in reparsed.stdout, reparsed.stderr
    url = sqlite3.connect(tmp_path / "govwatch-demo.db").execute("SELECT min(url) FROM documents").fetchone()[0]
    pack = govwatch("evidence", url, "--db", "govwatch-demo.db", "--out", "pack.zip", cwd=tmp_path)
    assert pack.returncode == 0 and (tmp_path / "pack.zip").stat().st_size > 1000, pack.stderr


@pytest.mark.slow
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
