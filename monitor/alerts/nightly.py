"""``govwatch nightly``: crawl, check the crawl's health, audit, and mail what is late.

Made for cron: one log line per stage; exit status 0 when every stage did its job, 1
when one failed, 2 for a bad configuration. A failed stage does not stop the others,
and every failure, whatever its cause, becomes a health alert: queued in the database
when it can be written, otherwise mailed at once and printed, so a crawl that died on a
locked or damaged database is heard of all the same. Before anything writes, the
database is checked with ``PRAGMA quick_check``: a damaged file is alerted and left alone.

The crawl runs in a child process that stops at the configured time limit, is killed
if it has not stopped ``stop_grace`` seconds later, and dies with this process (so a
nightly killed with SIGKILL leaves no crawl running without the lock). A lock file
beside the database keeps two runs from overlapping; the second one exits before it
opens the database.
"""

import ctypes
import datetime as dt
import fcntl
import os
import signal
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing, contextmanager
from pathlib import Path

from monitor.alerts.mail import health_title, queue_dead_links, queue_health, queue_late
from monitor.alerts.smtp import send_direct, send_pending
from monitor.audit.run import AuditError, run_audit
from monitor.alerts.config import Config
from monitor.command import govwatch_command
from monitor.errors import database_failure
from monitor.crawl_lines import is_progress
from monitor.i18n import N_, _, language
from monitor.alerts.health import check_site_tonight, check_tonight
from monitor.report.output import plain
from storage.alerts import pending_alerts
from storage.db import DamagedDatabase, DatabaseError, check_sound, open_db
from storage.runs import crawl_notes, crawl_runs, first_fetch_errors, utc_now

# linux/prctl.h: deliver a signal to this process when its parent dies.
PR_SET_PDEATHSIG = 1
STAGE_ERRORS = (DatabaseError, sqlite3.Error, AuditError)


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


# The stages by name, for the cron log's reader.
STAGE_NAMES = {"crawl": N_("crawl"), "health": N_("health"), "audit": N_("audit"), "alerts": N_("alerts")}


def log(stage: str, message: str) -> None:
    """One line per stage, timestamped (UTC, as the cron log's other lines), in the language
    in use; portal text in it cannot break the line."""
    name = _(STAGE_NAMES.get(stage, stage))
    print(f"{utc_now()} {name}: {plain(message).replace(chr(10), ' ')}", flush=True)


def alert_window(config: Config, today: dt.date) -> tuple[str, str]:
    """Publication dates whose late documents are alerted on."""
    since = config.alerts.since or (today - dt.timedelta(days=config.alerts.since_days)).isoformat()
    return since, today.isoformat()


def die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that has the child killed when this process dies, or None where
    ``prctl`` does not exist (not Linux).

    The flock dies with the nightly; without this its crawl would run on without it
    and overlap the next night's.
    """
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        # A parent that died before prctl took effect sends no signal any more.
        if os.getppid() != parent:
            os._exit(1)

    return preexec


def crawl_command(config: Config, full: bool) -> list[str]:
    """The ``govwatch crawl`` command line of the nightly crawl: of the ``[crawl]`` site, or
    of every site of the file's ``[[sites]]`` tables in one run (the file is their sites file)."""
    sites = ("--sites", config.path) if config.sites else ("--site", config.crawl.site)
    args = govwatch_command("crawl", *sites, "--db", config.crawl.db,
                            "--time-limit", f"{config.crawl.time_limit:g}")
    for url in config.crawl.start_urls:
        args += ["--start-url", url]
    if config.crawl.reverify_days:
        args += ["--reverify-days", str(config.crawl.reverify_days)]
    if config.crawl.sweep_pages:
        args += ["--sweep-pages", str(config.crawl.sweep_pages)]
    if full:
        args.append("--full")
    return args


def crawl_error(stdout: str, stderr: str) -> str:
    """Why a crawl process failed, in one line: its ``govwatch crawl:`` message with the
    lines that follow it (the first fetch errors), else its last line of output."""
    lines = stderr.splitlines()
    starts = [index for index, line in enumerate(lines) if line.startswith("govwatch crawl: ")]
    if starts:
        told = [line.strip() for line in lines[starts[0]:] if not is_progress(line)]
        return "; ".join(told).removeprefix("govwatch crawl: ")
    output = (stderr.strip() or stdout.strip() or "no output").splitlines()
    return output[-1]


def crawl_stage(config: Config, full: bool) -> str | None:
    """Run the crawl in its own process (Scrapy's reactor starts once per process);
    return why it failed, or None."""
    limit, grace = config.crawl.time_limit, config.crawl.stop_grace
    # The crawl speaks the nightly's language, which --lang may have set in this process only.
    process = subprocess.Popen(crawl_command(config, full), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, preexec_fn=die_with_parent(), env={**os.environ, "GOVWATCH_LANG": language()})
    try:
        stdout, stderr = process.communicate(timeout=limit + grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        error = _("still running {grace} s after its time limit of {limit} s, so it was killed").format(
            grace=f"{grace:g}", limit=f"{limit:g}")
        log("crawl", _("failed: {error}").format(error=error))
        return error
    if process.returncode == 0:
        log("crawl", (stdout.strip() or _("done")).splitlines()[-1])
        return None
    error = crawl_error(stdout, stderr)
    log("crawl", _("failed (exit {code}): {error}").format(code=process.returncode, error=error))
    return error


def for_site(site: str, message: str) -> str:
    """A log line's message about one site of a fleet."""
    return _("site {site}: {title}").format(site=site, title=message)


def site_crawl_error(db, runs: list[dict], site: str, started_at: str, crawl_error: str | None) -> str | None:
    """Why ``site``'s crawl tonight did not do its job, with its first fetch errors, or None;
    the crawl's own error when it recorded no run of the site."""
    # Here rather than at the top: crawler.run brings Scrapy in, which only a fleet needs.
    from crawler.run import FIRST_ERRORS
    from monitor.crawl_lines import failure_report

    tonight = [run for run in runs if run["site"] == site and run["started_at"] >= started_at]
    if not tonight:
        return crawl_error or f"no crawl of site {site} was recorded"
    run = tonight[-1]
    return failure_report({**run, "first_errors": first_fetch_errors(db, run["id"], FIRST_ERRORS)})


def stage_result(stage: str, error: str | None) -> dict:
    """A stage's outcome as a health result: a failure is alerted, a success resolves it."""
    check = f"{stage}_failed"
    name = _(STAGE_NAMES.get(stage, stage))
    if error is None:
        return {"check": check, "ok": True, "detail": _("the nightly {stage} stage did its job").format(stage=name)}
    return {"check": check, "ok": False, "title": _("the nightly {stage} stage failed").format(stage=name),
            "detail": error}


class Night:
    """One nightly run: its stages in order, and the failures they leave to alert."""

    def __init__(self, config: Config, full: bool, today: dt.date):
        self.config, self.full, self.today = config, full, today
        self.path = config.crawl.db
        self.started = utc_now()
        self.failed: list[str] = []
        # Why the database must not be touched (it is damaged), or None.
        self.damaged: str | None = None
        self.crawl_error: str | None = None
        # Whether a site of the fleet was found to be why the crawl failed.
        self.blamed = False
        # Health results (failing or passing) the database has not taken yet: the alert
        # stage queues them, or mails the failing ones directly.
        self.outcomes: list[dict] = []

    def run(self) -> int:
        """Every stage; the exit status."""
        self.check_database()
        self.crawl()
        self.health()
        self.audit()
        self.alert()
        return 1 if self.failed else 0

    def fail(self, stage: str, error: str) -> None:
        """Log ``stage`` as failed; the run's exit status will say so."""
        self.failed.append(stage)
        log(stage, _("failed: {error}").format(error=error))

    def describe(self, exc: Exception) -> str:
        """A stage's exception as one line (a damaged database named as such)."""
        return str(database_failure(self.path, exc))

    def skipped(self, stage: str) -> bool:
        """Whether ``stage`` must not run, as the database is damaged (and say so)."""
        if self.damaged:
            log(stage, _("skipped: the database is damaged"))
        return bool(self.damaged)

    def check_database(self) -> None:
        """quick_check before anything writes: a damaged file is alerted and left alone."""
        if not Path(self.path).exists():
            return
        try:
            check_sound(self.path)
        except DamagedDatabase as exc:
            self.damaged = str(exc)
            self.fail("database", self.damaged)
            self.outcomes.append({"check": "database_damaged", "ok": False, "title": "the database is damaged",
                                  "detail": self.damaged})

    def crawl(self) -> None:
        """Crawl in a child process; its failure is judged by the health stage."""
        if self.skipped("crawl"):
            return
        self.crawl_error = crawl_stage(self.config, self.full)
        if self.crawl_error:
            self.failed.append("crawl")

    def health(self) -> None:
        """Judge tonight's crawl and queue its health alerts."""
        if self.skipped("health"):
            return
        if self.config.sites:
            self.fleet_health()
            return
        results = check_tonight([], [], started_at=self.started, crawl_error=self.crawl_error)
        try:
            with closing(open_db(self.path)) as db:
                runs = crawl_runs(db)
                notes = crawl_notes(db, runs[-1]["id"]) if runs else []
                results = check_tonight(runs, notes, started_at=self.started, crawl_error=self.crawl_error)
                changed = queue_health(db, results)
        except STAGE_ERRORS as exc:
            error = self.describe(exc)
            self.outcomes += [*results, stage_result("health", error)]
            self.fail("health", error)
            return
        self.outcomes.append(stage_result("health", None))
        failing = [result["check"] for result in results if not result["ok"]]
        state = _("failing: {checks}").format(checks=", ".join(failing)) if failing else _("all checks pass")
        # Findings are logged, not mailed: they describe the portal, not a failed crawl.
        found = "".join(f"; {result['detail']}" for result in results if result.get("findings"))
        log("health", _("{state}; {queued} alerts queued, {resolved} resolved").format(
            state=state, queued=changed["queued"], resolved=changed["resolved"]) + found)

    def fleet_health(self) -> None:
        """Judge each site's crawl tonight on its own and queue its health alerts (naming
        the site); a crawl that failed with no site to blame is alerted as the fleet's."""
        try:
            with closing(open_db(self.path)) as db:
                runs = crawl_runs(db)
                for profile in self.config.sites:
                    error = site_crawl_error(db, runs, profile.name, self.started, self.crawl_error)
                    own = [run for run in runs if run["site"] == profile.name]
                    notes = crawl_notes(db, own[-1]["id"]) if own else []
                    results = check_site_tonight(runs, notes, site=profile.name, started_at=self.started,
                                                 crawl_error=error)
                    changed = queue_health(db, results)
                    failing = [result["check"] for result in results if not result["ok"]]
                    state = (_("failing: {checks}").format(checks=", ".join(failing)) if failing
                             else _("all checks pass"))
                    log("health", for_site(profile.name, _("{state}; {queued} alerts queued, {resolved} resolved").format(
                        state=state, queued=changed["queued"], resolved=changed["resolved"])))
                    self.blamed = self.blamed or error is not None
        except STAGE_ERRORS as exc:
            error = self.describe(exc)
            self.outcomes.append(stage_result("health", error))
            self.fail("health", error)
            return
        if self.crawl_error and not self.blamed:
            self.outcomes.append({"check": "crawl_failed", "ok": False,
                                  "detail": f"the nightly crawl failed: {self.crawl_error}"})
        self.outcomes.append(stage_result("health", None))

    def audit(self) -> None:
        """Audit the alert window and queue its late documents and new dead links."""
        if self.skipped("audit"):
            return
        if self.config.sites:
            for profile in self.config.sites:
                self.audit_site(profile)
            return
        date_from, date_to = alert_window(self.config, self.today)
        limits = self.config.alerts.limits
        try:
            with closing(open_db(self.path)) as db:
                result = run_audit(db, date_from=date_from, date_to=date_to, limits=limits)
                timely = result["timeliness"]
                queued = queue_late(db, timely["late_items"], limits)
                dead = queue_dead_links(db, result["findings"])
        except STAGE_ERRORS as exc:
            error = self.describe(exc)
            self.outcomes.append(stage_result("audit", error))
            self.fail("audit", error)
            return
        self.outcomes.append(stage_result("audit", None))
        log("audit", _("audit {id} of {date_from} .. {date_to}: {documents} documents, late {late}, "
                       "{findings} findings; {queued} new late alerts").format(
            id=result["audit_id"], date_from=date_from, date_to=date_to, documents=result["totals"]["documents"],
            late=timely["late"], findings=len(result["findings"]), queued=queued)
            + _("; {dead} new dead-link alerts").format(dead=dead))

    def audit_site(self, profile) -> None:
        """Audit one site of the fleet on its own rows and queue its late documents, naming it."""
        date_from, date_to = alert_window(self.config, self.today)
        limits = self.config.alerts.limits
        try:
            with closing(open_db(self.path)) as db:
                result = run_audit(db, date_from=date_from, date_to=date_to, limits=limits, profile=profile,
                                   fleet=True)
                timely = result["timeliness"]
                queued = queue_late(db, timely["late_items"], limits, site=profile.name)
        except STAGE_ERRORS as exc:
            error = self.describe(exc)
            self.outcomes.append({**stage_result("audit", error), "site": profile.name})
            self.fail("audit", for_site(profile.name, error))
            return
        self.outcomes.append({**stage_result("audit", None), "site": profile.name})
        log("audit", for_site(profile.name, _(
            "audit {id} of {date_from} .. {date_to}: {documents} documents, late {late}, "
            "{findings} findings; {queued} new late alerts").format(
            id=result["audit_id"], date_from=date_from, date_to=date_to, documents=result["totals"]["documents"],
            late=timely["late"], findings=len(result["findings"]), queued=queued)))

    def alert(self) -> None:
        """Queue the stages' failures and mail what is pending; a database that cannot
        take them has them mailed directly instead."""
        if not self.damaged:
            try:
                with closing(open_db(self.path)) as db:
                    queue_health(db, self.outcomes)
                    self.send_pending(db)
                return
            except STAGE_ERRORS as exc:
                self.fail("alerts", _("cannot queue alerts: {error}").format(error=self.describe(exc)))
        self.send_directly()

    def send_pending(self, db) -> None:
        """Mail every alert the database holds unsent."""
        if self.config.smtp is None:
            log("alerts", _("{reason}; {n} alerts wait in the database").format(
                reason=self.config.alerts_disabled_reason, n=len(pending_alerts(db))))
            return
        sent = send_pending(db, self.config, now=utc_now())
        if sent["error"]:
            self.fail("alerts", _("{n} alerts kept for the next run: {error}").format(n=sent["failed"],
                                                                                     error=sent["error"]))
        else:
            log("alerts", _("{sent} alerts sent in {mails} mails").format(sent=sent["sent"], mails=sent["mails"]))

    def send_directly(self) -> None:
        """Print and mail the failures the database could not take."""
        failing = [result for result in self.outcomes if not result["ok"]]
        for result in failing:
            log("alerts", _("not queued: {title}: {detail}").format(title=health_title(result),
                                                                     detail=result["detail"]))
        error = send_direct(self.config, failing, now=utc_now())
        if error:
            self.fail("alerts", _("{n} alerts could not be mailed directly either: {error}").format(
                n=len(failing), error=error))
        elif failing:
            log("alerts", _("{n} alerts mailed directly, not queued: the database could not take them").format(
                n=len(failing)))


def run_nightly(config: Config, *, full: bool = False, today: dt.date | None = None) -> int:
    """Every stage in order; the exit status for cron."""
    with exclusive_lock(config.crawl.db):
        return Night(config, full, today or dt.date.today()).run()
