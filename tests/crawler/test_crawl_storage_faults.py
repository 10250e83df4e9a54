"""A full disk or a read-only database: one clear line, exit 1, nothing half-written.

The test mounts a tiny tmpfs in a private mount namespace (``unshare -rm``), so it
needs no privileges and leaves the machine's mounts alone.
"""

import shlex
import subprocess
import sys

from monitor.command import govwatch_command
from monitor.demo.sample_portal.model import ground_truth
from tests.conftest import SMALL


def in_small_filesystem(tmp_path, portal_url, script):
    """Run ``script`` (sh) on a 1 MiB tmpfs at {fs} (room for the schema, not the crawl); {crawl} crawls into {fs}/g.db, {check} prints its state."""
    fs = tmp_path / "fs"
    fs.mkdir()
    crawl = shlex.join(govwatch_command("crawl", "--site", "leda", "--start-url", f"{portal_url}/", "--db", f"{fs}/g.db"))
    check = (f"{sys.executable} -c \"import sqlite3; c = sqlite3.connect('{fs}/g.db');"
             f" print('integrity', c.execute('PRAGMA integrity_check').fetchone()[0]);"
             f" print('documents', c.execute('SELECT count(*) FROM documents').fetchone()[0]);"
             f" print('runs', [r for r in c.execute('SELECT status FROM crawl_runs ORDER BY id')])\"")
    # Its stderr goes outside the small filesystem, which is full when it is written.
    err = tmp_path / "crawl.err"
    full_script = f"mount -t tmpfs -o size=1m tmpfs {fs} && " + script.format(crawl=crawl, check=check, fs=fs, err=err)
    return subprocess.run(["unshare", "-rm", "sh", "-c", full_script], capture_output=True, text=True, timeout=600)


def test_full_disk_stops_cleanly_and_the_next_run_recovers(small_portal, tmp_path):
    result = in_small_filesystem(tmp_path, small_portal.url, (
        "{crawl} 2>{err}; echo first-exit=$?; grep -v '^crawling:' {err}; {check};"
        " mount -o remount,size=64m {fs} && {crawl} >/dev/null 2>&1; echo second-exit=$?; {check}"
    ))
    out = result.stdout
    assert "first-exit=1" in out, out + result.stderr
    error_lines = out.split("first-exit=1\n", 1)[1].split("integrity", 1)[0].splitlines()
    assert len(error_lines) == 1 and error_lines[0].startswith("govwatch crawl: cannot write to")
    assert error_lines[0].endswith("database or disk is full")
    assert "Traceback" not in out + result.stderr
    first, second = out.split("second-exit=")
    assert "integrity ok" in first
    assert second.startswith("0") and "integrity ok" in second
    assert f"documents {ground_truth(size=SMALL)['documents']}" in second


def test_read_only_database_is_one_line_and_exit_1(small_portal, tmp_path):
    result = in_small_filesystem(tmp_path, small_portal.url, (
        "mount -o remount,ro {fs} && {crawl}; echo exit=$?"
    ))
    lines = [line for line in result.stderr.splitlines() if not line.startswith("crawling:")]
    assert "exit=1" in result.stdout
    assert len(lines) == 1 and lines[0].startswith("govwatch crawl: cannot open database"), result.stderr
