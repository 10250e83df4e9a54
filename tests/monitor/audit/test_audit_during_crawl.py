"""An auditor running ``govwatch report`` and ``audit`` again and again while a crawl writes.

Two processes on one file, each with its own connection: the crawl must not die with
"database is locked" when an audit commits between a batch's reads and writes, and
every audit must finish too.
"""

import sqlite3
import subprocess

from monitor.command import govwatch_command


def test_reports_and_audits_during_a_crawl_all_finish(sample_portal, crawled_copy, tmp_path):
    govwatch = govwatch_command()
    # A full crawl passes every page through a batch that reads, then writes.
    crawl = subprocess.Popen([*govwatch, "crawl", "--site", "leda", "--start-url", sample_portal.url + "/",
                              "--db", str(crawled_copy), "--full"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    commands = [["report", "--year", "2020", "--out", str(tmp_path / "report.html")], ["audit", "--year", "2020", "--json"]]
    audits = []
    try:
        while crawl.poll() is None:
            command = commands[len(audits) % 2]
            audits.append(subprocess.run([*govwatch, command[0], "--db", str(crawled_copy), *command[1:]],
                                         capture_output=True, text=True, timeout=300))
        crawl_out, crawl_err = crawl.communicate(timeout=300)
    finally:
        if crawl.poll() is None:
            crawl.kill()
            crawl.wait()
    assert crawl.returncode == 0, crawl_err
    assert "locked" not in crawl_out + crawl_err
    assert len(audits) >= 3
    assert [(run.returncode, run.stderr) for run in audits] == [(0, "")] * len(audits)
    conn = sqlite3.connect(crawled_copy)
    # Each audit is recorded; a report only reads.
    assert conn.execute("SELECT count(*) FROM audit_runs").fetchone()[0] == len(audits) // 2
    assert conn.execute("SELECT status, errors FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone() == ("finished", 0)
    conn.close()
