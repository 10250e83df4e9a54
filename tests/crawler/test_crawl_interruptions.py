"""A crawl killed half-way, and auditors reading while a crawl writes."""

import signal
import sqlite3
import subprocess
import time

from monitor.command import govwatch_command
from monitor.demo.sample_portal.model import ground_truth
from storage.db import open_db
from tests.conftest import SMALL, govwatch


def start_crawl(portal, db):
    return subprocess.Popen(
        govwatch_command("crawl", "--site", "leda", "--start-url", portal.url + "/", "--db", db),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def documents(db) -> int:
    try:
        return sqlite3.connect(db, timeout=30).execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # the schema is not created yet


def test_sigkill_mid_crawl_leaves_a_sound_database_that_the_next_crawl_completes(small_portal, tmp_path):
    db = tmp_path / "govwatch.db"
    crawl = start_crawl(small_portal, db)
    deadline = time.monotonic() + 120
    while documents(db) < 150 and time.monotonic() < deadline and crawl.poll() is None:
        time.sleep(0.2)
    crawl.send_signal(signal.SIGKILL)
    crawl.wait()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert 0 < stored < ground_truth(size=SMALL)["documents"]
    assert conn.execute("SELECT status, finished_at FROM crawl_runs").fetchall() == [("running", None)]
    conn.close()

    result = govwatch("crawl", "--site", "leda", "--start-url", small_portal.url + "/", "--db", db)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == ground_truth(size=SMALL)["documents"]
    assert conn.execute("SELECT status FROM crawl_runs ORDER BY id").fetchall() == [("running",), ("finished",)]
    # Every document of the killed run was stored whole: one version each, no duplicates.
    assert conn.execute("SELECT count(*) FROM document_versions").fetchone()[0] == ground_truth(size=SMALL)["documents"]


def test_auditor_reads_never_see_database_is_locked(small_portal, tmp_path):
    db = tmp_path / "govwatch.db"
    open_db(db).close()
    crawl = start_crawl(small_portal, db)
    reader = open_db(db, read_only=True)
    reads, counts = 0, []
    try:
        while crawl.poll() is None:
            counts.append(reader.execute("SELECT count(*) FROM documents").fetchone()[0])
            reader.execute("SELECT publisher, count(*) FROM documents GROUP BY publisher").fetchall()
            reads += 1
            time.sleep(0.01)
    finally:
        reader.close()
    assert crawl.returncode == 0
    assert reads > 50 and counts == sorted(counts) and counts[-1] > 0
