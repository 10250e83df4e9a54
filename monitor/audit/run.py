"""One audit of the crawled database: counts, timeliness, claims and findings.

:func:`compute_audit` computes everything from the SQLite file without writing, so it
runs on a read-only connection; :func:`run_audit` also records the run in ``audit_runs``
and ``findings`` (``storage.audits``), so each figure can be reproduced later from the
file alone. The annual report's claims come from a file the auditor names, or else from
the report the crawl found on the portal: its page, or the file (PDF, Word …) the page
attaches or a 年报 listing links, whichever states more figures.
"""

import datetime as dt
import re
from pathlib import Path

import sqlite_utils

from crawler.profiles import PROFILES, SiteProfile
from monitor.claims.extract import UnreadableReport, extract_claims, read_report, report_text
from monitor.audit.archived_files import MissingFile, file_bytes
from monitor.audit.findings import run_checks
from monitor.audit.personal_data import mask_all
from monitor.audit.rulebook import (RULES, Scope, SettingError, column_ages, default_as_of, link_rates, run_rulebook,
                                    veto_summary)
from monitor.audit.reconcile import reconcile
from monitor.audit.report_checks import report_deadline
from monitor.audit import DEFAULT_LIMITS
from monitor.audit.timeliness import calendar_workdays, refresh_workdays, timeliness
from monitor.audit.workdays import OFFICIAL, WorkCalendar
from storage.audits import record_audit
from storage.publications import (
    all_time_documents, annual_report_page, annual_report_titles, publication_counts, published_span,
    total_documents,
)
from storage.report_files import files_of_page, listed_report_file
from storage.runs import last_crawl
from storage.sites import SiteError, site_scope, sites_to_read
from storage.transactions import read_snapshot


class AuditError(Exception):
    """The audit cannot run as asked; the message is for a person."""


# The year a report is on, as its title names it: 2020年 or 2020 年.
REPORT_YEAR = re.compile(r"((?:19|20)\d\d) ?年")


def find_report(db: sqlite_utils.Database, year: int) -> dict | None:
    """The crawled annual report on ``year``, or None: ``{url, title, body_text, files}``.

    The report's page is found by its 年报 column or its title, with the downloaded files
    it attaches; failing a page, a downloaded file a listing links under the report's
    title stands alone (``url`` is then the listing, ``body_text`` None).
    """
    found = annual_report_page(db, year)
    if found:
        return {**found, "files": [_with_bytes(db, file) for file in files_of_page(db, found["url"])]}
    listed = listed_report_file(db, year)
    if listed is None:
        return None
    return {"url": listed["page_url"], "title": listed["title"], "body_text": None, "files": [_with_bytes(db, listed)]}


def _with_bytes(db, file: dict) -> dict:
    """A stored file with its bytes in ``body`` (read from the archive), or its ``missing`` reason."""
    try:
        return {**file, "body": file_bytes(db, file)}
    except MissingFile as exc:
        return {**file, "body": None, "missing": str(exc)}


def _file_claims(file: dict) -> dict:
    """The claims of one downloaded report file, or ``{"error"}`` when it cannot be read."""
    if file["body"] is None:
        return {"error": file["missing"]}
    try:
        return extract_claims(report_text(file["body"]))
    # Whatever a reader raises on a downloaded file (an unreadable format, a damaged
    # file) leaves that file unread.
    except Exception as exc:  # noqa: BLE001 - a file from the portal must never fail the audit
        return {"error": next(iter(str(exc).splitlines()), "") or type(exc).__name__}


def _figures(report: dict) -> int:
    """How many figures a report's reading states (readable claims)."""
    return sum(1 for claim in report["claims"] if claim["readable"])


def crawled_report(found: dict) -> dict:
    """The claims of a crawled report, read from its page or from one of its files.

    The reading that states the most figures wins, the page on a tie: a page that only
    says 详见附件 gives way to its file, a page showing the report keeps it over a copy
    that reads worse. ``source`` is where the claims were read, ``page`` the page that
    shows or links the report, ``file`` the file read (None for the page itself), and
    ``unreadable_files`` the files that could not be read, with why.
    """
    best = {"source": found["url"], "page": found["url"], "file": None,
            **extract_claims(report_text(found["body_text"] or "", "text"))}
    unreadable = []
    for file in found["files"]:
        read = _file_claims(file)
        if "error" in read:
            unreadable.append({"url": file["url"], "error": read["error"]})
        elif _figures(read) > _figures(best):
            best = {"source": file["url"], "page": found["url"], "file": file["url"], **read}
    return {**best, "title": found["title"], "unreadable_files": unreadable}


def latest_report_year(db: sqlite_utils.Database) -> int | None:
    """The latest year a crawled annual report is on, or None when the crawl found none."""
    titles = annual_report_titles(db)
    return max((int(match.group(1)) for title in titles if (match := REPORT_YEAR.search(title or ""))),
               default=None)


def load_report(db: sqlite_utils.Database, year: int | None, path: str | None) -> dict | None:
    """The report's claims and where they came from: a file, the crawled report, or none."""
    if path:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise AuditError(f"cannot read report {path}: {exc.strerror or exc}") from None
        try:
            return {"source": str(path), **read_report(data)}
        except UnreadableReport as exc:
            raise AuditError(f"cannot read report {path}: {exc}") from None
    if year is None:
        return None
    found = find_report(db, year)
    return crawled_report(found) if found else None


def report_findings(report: dict | None) -> list[dict]:
    """The report's own findings (prose that contradicts its tables) as audit findings."""
    if not report:
        return []
    return [{"kind": finding["kind"], "url": report["source"], "index_no": None, "detail": finding["detail"]}
            for finding in report.get("findings", [])]


def audit_period(year: int | None, date_from: str | None, date_to: str | None, db) -> tuple[str, str]:
    """The audited period: a year, an explicit range, or everything published."""
    if year is not None:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    if date_from or date_to:
        return date_from or "0000-01-01", date_to or "9999-12-31"
    first, last = published_span(db)
    return first or "0000-01-01", last or "9999-12-31"


def compute_audit(
    db: sqlite_utils.Database,
    *,
    year: int | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    report_path: str | None = None,
    limits: tuple[int, ...] = DEFAULT_LIMITS,
    calendar: WorkCalendar = OFFICIAL,
    profile: SiteProfile = PROFILES["leda"],
    today: dt.date | None = None,
    as_of: dt.date | None = None,
    fleet: bool = False,
) -> dict:
    """Audit the documents of one period without writing anything; return its result.

    The inspection checks (``monitor.audit.rulebook``) judge the portal as of ``as_of``:
    by default the end of a past year audited, else ``today``. Every personal number a
    text of the result holds is masked, so no output made from it shows one whole.

    The figures are read from one snapshot of the database, without a write lock, so a
    crawl writing meanwhile neither waits for the audit nor changes its figures half-way.
    Of a file holding several sites, every figure is of ``profile``'s site alone
    (``storage.sites``); a site such a file does not hold is an AuditError. With ``fleet``
    the site is one of a fleet crawled into the file (the nightly's), audited on its own
    rows even while the file holds no other site's documents, or none of its own.
    """
    if date_from and date_to and date_from > date_to:
        raise AuditError(f"the period {date_from} .. {date_to} ends before it starts")
    with read_snapshot(db):
        try:
            [site] = [profile.name] if fleet else sites_to_read(db, profile.name)
        except SiteError as exc:
            raise AuditError(f"{exc}: name the site to audit with --site") from None
        with site_scope(db, site):
            report = load_report(db, year, report_path)
            if year is None and report and report.get("year") and not (date_from or date_to):
                year = report["year"]
            date_from, date_to = audit_period(year, date_from, date_to, db)
            today = today or dt.date.today()
            as_of = as_of or default_as_of(year, date_to, today)
            scope = Scope(db, date_from, date_to, as_of, profile)
            try:
                inspection, ages = run_rulebook(scope), column_ages(scope)
            except SettingError as exc:
                raise AuditError(str(exc)) from None
            return mask_all({
                "year": year,
                "period": {"from": date_from, "to": date_to},
                "as_of": as_of.isoformat(),
                "totals": {
                    "documents": total_documents(db, date_from, date_to),
                    "documents_all_time": all_time_documents(db),
                    "published_span": dict(zip(("from", "to"), published_span(db))),
                    "calendar_missing_years": calendar_workdays(db, calendar)[1],
                    "last_crawl": last_crawl(db),
                },
                "counts": publication_counts(db, date_from, date_to),
                "timeliness": timeliness(db, date_from, date_to, limits, calendar),
                "report": {
                    "source": report["source"], "title": report.get("title"), "year": report.get("year"),
                    "page": report.get("page"),
                    "file": report.get("file"), "unreadable_files": report.get("unreadable_files", []),
                } if report else None,
                "claims": reconcile(db, report["claims"], profile.claims, date_from, date_to) if report else [],
                "consistency": report.get("consistency", []) if report else [],
                "findings": run_checks(db, date_from, date_to, today.isoformat()) + report_findings(report) + inspection,
                "inspection": {"rules": inspection_summary(inspection), "veto": veto_summary(inspection, ages),
                               "columns": ages, "links": link_rates(db),
                               "report_deadline": report_deadline(scope)},
            })


def inspection_summary(findings: list[dict]) -> dict:
    """Per inspection rule: whether it is a 单项否决 item, and its finding count (its name and
    basis are added for display, monitor.labels.labelled_audit)."""
    counts = {kind: 0 for kind in RULES}
    for finding in findings:
        counts[finding["kind"]] += 1
    return {kind: {"veto": rule.veto,
                   "findings": counts[kind]} for kind, rule in RULES.items()}


def run_audit(db: sqlite_utils.Database, **audit) -> dict:
    """Compute the audit with :func:`compute_audit`'s keyword arguments ``audit`` and record
    it; return its result with its ``audit_id``.

    The ``workdays`` table is brought to the audit's calendar first, so the ``timeliness``
    view (which an auditor queries, and a claim's SQL reads) gives the audit's delays.
    """
    refresh_workdays(db, audit.get("calendar", OFFICIAL))
    result = compute_audit(db, **audit)
    site = audit.get("profile", PROFILES["leda"]).name
    result["audit_id"] = record_audit(db, result, audit.get("limits", DEFAULT_LIMITS), site=site)
    return result
