"""``govwatch nightly``: crawl, check the crawl's health, audit, and mail what is late.

Made for cron: one log line per stage, exit status 0 when every stage did its job and 1
when one failed (the others still run, so a failed crawl is itself alerted). A lock
file beside the database keeps two runs from overlapping; the second one exits before
it opens the database.
"""

import datetime as dt
import fcntl
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from monitor.alerts import queue_health, queue_late, send_pending
from monitor.audit import run_audit
from monitor.config import Config
from monitor.health import check_health
from monitor.output import plain
from storage.db import DatabaseError, open_db
from storage.runs import crawl_notes, utc_now


class Locked(Exception):
    """Another nightly run holds the lock."""


@contextmanager
def exclusive_lock(db_path: str):
    """Hold ``<db>.lock`` for the duration, or raise Locked at once if another run holds it.

    flock is released by the kernel when a process dies, so a killed run never leaves
    a stale lock behind.
    """
    path = Path(f"{db_path}.lock")
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Locked(f"another govwatch nightly is running (it holds {path}); not starting") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def log(stage: str, message: str) -> None:
    """One line per stage, timestamped, for the cron log; portal text in it cannot break the line."""
    print(f"{utc_now()} {stage}: {plain(message).replace(chr(10), ' ')}", flush=True)


def alert_window(config: Config, today: dt.date) -> tuple[str, str]:
    """Publication dates whose late documents are alerted on."""
    since = config.alerts.since or (today - dt.timedelta(days=config.alerts.since_days)).isoformat()
    return since, today.isoformat()


def crawl_stage(config: Config, full: bool) -> bool:
    """Run the crawl in its own process (Scrapy's reactor starts once per process)."""
    args = [sys.executable, "-m", "monitor.cli", "crawl", "--site", config.crawl.site, "--db", config.crawl.db]
    for url in config.crawl.start_urls:
        args += ["--start-url", url]
    if config.crawl.reverify_days:
        args += ["--reverify-days", str(config.crawl.reverify_days)]
    if full:
        args.append("--full")
    result = subprocess.run(args, capture_output=True, text=True)
    lines = (result.stdout.strip() or result.stderr.strip() or "no output").splitlines()
    log("crawl", lines[-1] if result.returncode == 0 else f"failed (exit {result.returncode}): {lines[-1]}")
    return result.returncode == 0


def run_nightly(config: Config, *, full: bool = False, today: dt.date | None = None) -> int:
    """Every stage in order; the exit status for cron."""
    today = today or dt.date.today()
    with exclusive_lock(config.crawl.db):
        ok = crawl_stage(config, full)
        try:
            db = open_db(config.crawl.db)
        except DatabaseError as exc:
            log("audit", f"failed: {exc}")
            return 1
        try:
            runs = list(db.query("SELECT * FROM crawl_runs ORDER BY id"))
            health = check_health(runs, crawl_notes(db, runs[-1]["id"]) if runs else [])
            changed = queue_health(db, health)
            failing = [result["check"] for result in health if not result["ok"]]
            state = f"failing: {', '.join(failing)}" if failing else "all checks pass"
            # Findings are logged, not mailed: they describe the portal, not a failed crawl.
            found = "".join(f"; {result['detail']}" for result in health if result.get("findings"))
            log("health", f"{state}; {changed['queued']} alerts queued, {changed['resolved']} resolved{found}")

            date_from, date_to = alert_window(config, today)
            result = run_audit(db, date_from=date_from, date_to=date_to, limits=config.alerts.limits)
            timely = result["timeliness"]
            queued = queue_late(db, timely["late_items"], config.alerts.limits)
            log("audit", f"audit {result['audit_id']} of {date_from} .. {date_to}: {result['totals']['documents']} "
                f"documents, late {timely['late']}, {len(result['findings'])} findings; {queued} new late alerts")

            if config.smtp is None:
                pending = db.execute("SELECT count(*) FROM alerts WHERE status IN ('pending', 'failed')").fetchone()[0]
                log("alerts", f"{config.alerts_disabled_reason}; {pending} alerts wait in the database")
            else:
                sent = send_pending(db, config, now=utc_now())
                if sent["error"]:
                    ok = False
                    log("alerts", f"failed, {sent['failed']} alerts kept for the next run: {sent['error']}")
                else:
                    log("alerts", f"{sent['sent']} alerts sent in {sent['mails']} mails")
        finally:
            db.close()
    return 0 if ok else 1
