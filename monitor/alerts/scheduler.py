"""``govwatch schedule``: the nightly run on APScheduler, in the foreground.

For machines without cron. Each run is a ``govwatch nightly`` process, so a crash or
a leak in one night's crawl cannot affect the next. Runs coalesce and have a grace
time: a run missed while the machine slept happens once when it wakes, not once per
missed night.
"""

import signal
import subprocess
import threading

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from monitor.alerts.config import Config
from monitor.alerts.nightly import log
from monitor.command import govwatch_command

MISFIRE_GRACE_SECONDS = 12 * 3600


def run_nightly_process(config_path: str) -> int:
    """One nightly run in a child process; its exit status."""
    return subprocess.run(govwatch_command("nightly", "--config", config_path)).returncode


def build_scheduler(config: Config) -> BackgroundScheduler:
    """A scheduler with the nightly job on the configured cron expression and zone."""
    scheduler = BackgroundScheduler(timezone=config.schedule.timezone)
    scheduler.add_job(
        run_nightly_process,
        CronTrigger.from_crontab(config.schedule.cron, timezone=config.schedule.timezone),
        args=[config.path],
        id="nightly",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=MISFIRE_GRACE_SECONDS,
    )
    return scheduler


def run_schedule(config: Config) -> int:
    """Run until SIGTERM or SIGINT, then stop cleanly (a running nightly finishes first)."""
    scheduler = build_scheduler(config)
    stop = threading.Event()

    def request_stop(signum, frame):
        log("schedule", f"{signal.Signals(signum).name} received, stopping")
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    scheduler.start()
    log("schedule", f"nightly runs on '{config.schedule.cron}' ({config.schedule.timezone}); "
        f"next at {scheduler.get_job('nightly').next_run_time}")
    # A timed wait, so the signal handler runs promptly in this (the main) thread.
    while not stop.wait(1):
        pass
    scheduler.shutdown(wait=True)
    log("schedule", "stopped")
    return 0
