"""One audit of the crawled database: counts, timeliness, claims and findings.

:func:`run_audit` computes everything from the SQLite file and records the run in
``audit_runs`` and ``findings``, so each figure can be reproduced later from the file
alone. The annual report's claims come from a file the auditor names, or else from
the report the crawl found on the portal.
"""

import datetime as dt
import json
import re
from pathlib import Path

import sqlite_utils

from monitor.claims import extract_claims, report_text
from monitor.counts import publication_counts, published_span, total_documents
from monitor.findings import run_checks
from monitor.reconcile import reconcile
from monitor.timeliness import DEFAULT_LIMITS, refresh_workdays, timeliness
from monitor.workdays import OFFICIAL, WorkCalendar
from storage.runs import utc_now


class AuditError(Exception):
    """The audit cannot run as asked; the message is for a person."""


# An annual report is found by its 年报 column or its title.
ANNUAL_REPORTS = "is_disclosure = 1 AND (column_path LIKE '%年报%' OR title LIKE '%年度报告%')"
# The year a report is on, as its title names it: 2020年 or 2020 年.
REPORT_YEAR = re.compile(r"((?:19|20)\d\d) ?年")


def find_report(db: sqlite_utils.Database, year: int) -> dict | None:
    """The crawled annual report on ``year``, or None."""
    row = db.execute(
        "SELECT url, title, body_text FROM documents"
        f" WHERE {ANNUAL_REPORTS} AND (title LIKE :title OR title LIKE :spaced)"
        " ORDER BY published_on DESC LIMIT 1",
        {"title": f"%{year}年%", "spaced": f"%{year} 年%"},
    ).fetchone()
    return dict(zip(("url", "title", "body_text"), row)) if row else None


def latest_report_year(db: sqlite_utils.Database) -> int | None:
    """The latest year a crawled annual report is on, or None when the crawl found none."""
    titles = (title for (title,) in db.execute(f"SELECT title FROM documents WHERE {ANNUAL_REPORTS}"))
    return max((int(match.group(1)) for title in titles if (match := REPORT_YEAR.search(title or ""))),
               default=None)


def load_report(db: sqlite_utils.Database, year: int | None, path: str | None) -> dict | None:
    """The report's claims and where they came from: a file, the crawled report, or none."""
    if path:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise AuditError(f"cannot read report {path}: {exc.strerror or exc}") from None
        return {"source": str(path), **extract_claims(report_text(data))}
    if year is None:
        return None
    found = find_report(db, year)
    if found is None:
        return None
    return {"source": found["url"], **extract_claims(report_text(found["body_text"] or "", "text"))}


def audit_period(year: int | None, date_from: str | None, date_to: str | None, db) -> tuple[str, str]:
    """The audited period: a year, an explicit range, or everything published."""
    if year is not None:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    if date_from or date_to:
        return date_from or "0000-01-01", date_to or "9999-12-31"
    first, last = published_span(db)
    return first or "0000-01-01", last or "9999-12-31"


def run_audit(
    db: sqlite_utils.Database,
    *,
    year: int | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    report_path: str | None = None,
    limits: tuple[int, ...] = DEFAULT_LIMITS,
    calendar: WorkCalendar = OFFICIAL,
    profile: str = "leda",
    today: dt.date | None = None,
) -> dict:
    """Audit the documents of one period and record the audit; return its result."""
    if date_from and date_to and date_from > date_to:
        raise AuditError(f"the period {date_from} .. {date_to} ends before it starts")
    report = load_report(db, year, report_path)
    if year is None and report and report.get("year") and not (date_from or date_to):
        year = report["year"]
    date_from, date_to = audit_period(year, date_from, date_to, db)
    missing_years = refresh_workdays(db, calendar)
    today_iso = (today or dt.date.today()).isoformat()
    result = {
        "year": year,
        "period": {"from": date_from, "to": date_to},
        "totals": {
            "documents": total_documents(db, date_from, date_to),
            "documents_all_time": db.execute("SELECT count(*) FROM publications").fetchone()[0],
            "published_span": dict(zip(("from", "to"), published_span(db))),
            "calendar_missing_years": missing_years,
            "last_crawl": _last_crawl(db),
        },
        "counts": publication_counts(db, date_from, date_to),
        "timeliness": timeliness(db, date_from, date_to, limits),
        "report": {"source": report["source"], "year": report.get("year")} if report else None,
        "claims": reconcile(db, report["claims"], profile, date_from, date_to) if report else [],
        "consistency": report.get("consistency", []) if report else [],
        "findings": run_checks(db, date_from, date_to, today_iso),
    }
    result["audit_id"] = _record(db, result, limits)
    return result


def _last_crawl(db: sqlite_utils.Database) -> dict | None:
    """The newest crawl run, which the figures describe."""
    rows = list(db.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1"))
    return rows[0] if rows else None


def _record(db: sqlite_utils.Database, result: dict, limits) -> int:
    """Store the audit and its findings; return the audit id."""
    with db.atomic():
        audit_id = db["audit_runs"].insert(
            {
                "ran_at": utc_now(),
                "date_from": result["period"]["from"],
                "date_to": result["period"]["to"],
                "report": result["report"]["source"] if result["report"] else None,
                "limits": json.dumps(list(limits)),
                "result": json.dumps(result, ensure_ascii=False, default=str),
            }
        ).last_pk
        db["findings"].insert_all(
            ({"audit_id": audit_id, **finding} for finding in result["findings"]), batch_size=1000
        )
    return audit_id
