"""Working days from formation to publication, per document and per group.

A document's delay is ``seq(published) - seq(formed)``, where ``seq`` numbers the working
days of :mod:`monitor.audit.workdays` from the first year the documents' dates span: the
sum the ``timeliness`` SQL view computes against the ``workdays`` table. The audit counts
it here, from the calendar, so its figures need no write; :func:`refresh_workdays` keeps
the table (and so the view people query) equal to it. Years the calendar does not know
get no ``seq``, so their delays stay unknown, naming the missing year, instead of
counting Monday to Friday.
"""

import datetime as dt
import statistics
from collections import Counter

import sqlite_utils

from monitor.audit import DEFAULT_LIMITS
from monitor.audit.workdays import OFFICIAL, CalendarMissing, WorkCalendar
from monitor.i18n import N_
from storage.timeliness import DATED_COLUMNS, date_years, dated_documents, store_workdays


def calendar_workdays(db: sqlite_utils.Database, calendar: WorkCalendar = OFFICIAL) -> tuple[list[dict], list[int]]:
    """The ``workdays`` rows the documents' dates need, and the years the calendar lacks."""
    return workday_rows(*date_years(db), calendar)


def refresh_workdays(db: sqlite_utils.Database, calendar: WorkCalendar = OFFICIAL) -> list[int]:
    """Bring ``workdays`` to the years the documents' dates span; return the years missing."""
    rows, missing = calendar_workdays(db, calendar)
    store_workdays(db, rows)
    return missing


def workday_rows(first: int, last: int, calendar: WorkCalendar) -> tuple[list[dict], list[int]]:
    """The ``workdays`` rows of the years ``first`` to ``last``, and the years the calendar lacks.

    Sequence numbers must run without a gap, so the rows cover the contiguous run of
    known years starting at the first known one; a year the calendar lacks ends it.
    """
    rows, missing, seq, started = [], [], 0, False
    for year in range(first, last + 1):
        try:
            days = _year_days(calendar, year)
        except CalendarMissing:
            missing.append(year)
            if started:
                missing.extend(range(year + 1, last + 1))
                break
            continue
        started = True
        for day, workday in days:
            seq += workday
            rows.append({"day": day.isoformat(), "is_workday": int(workday), "seq": seq})
    return rows, missing


def _year_days(calendar: WorkCalendar, year: int) -> list[tuple[dt.date, bool]]:
    """Every day of ``year`` with whether it is a working day."""
    day, days = dt.date(year, 1, 1), []
    while day.year == year:
        days.append((day, calendar.is_workday(day)))
        day += dt.timedelta(days=1)
    return days


def p90(values: list[int]) -> float | None:
    """The 90th percentile of ``values`` (linear interpolation between closest ranks)."""
    if len(values) < 2:
        return float(values[0]) if values else None
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def group_stats(delays: list[int], limits: tuple[int, ...]) -> dict:
    """Checked, late per limit, late share, median and 90th percentile of one group's delays."""
    delays = sorted(delays)
    late = {str(limit): sum(1 for value in delays if value > limit) for limit in limits}
    return {
        "checked": len(delays),
        "late": late,
        "late_share": {key: (count / len(delays) if delays else None) for key, count in late.items()},
        "median": statistics.median(delays) if delays else None,
        "p90": p90(delays),
    }


def delays(rows: list[tuple], workdays: list[dict]) -> list[dict]:
    """Each row of ``DATED_COLUMNS`` with its ``workdays`` taken and, when unknown, why:
    what the ``timeliness`` view gives over a ``workdays`` table holding ``workdays``."""
    seq = {day["day"]: day["seq"] for day in workdays}
    found = []
    for row in rows:
        doc = dict(zip(DATED_COLUMNS, row))
        formed, published = seq.get(doc["created_on"]), seq.get(doc["published_on"])
        if doc["created_on"] is None:
            reason = N_("formation date missing")
        elif doc["published_on"] is None:
            reason = N_("publication date missing")
        elif formed is None:
            reason = f"calendar missing for {doc['created_on'][:4]}"
        elif published is None:
            reason = f"calendar missing for {doc['published_on'][:4]}"
        else:
            reason = None
        found.append({**doc, "workdays": None if reason else published - formed, "unknown_reason": reason})
    return found


def document_delays(db: sqlite_utils.Database, date_from: str, date_to: str,
                    calendar: WorkCalendar = OFFICIAL) -> list[dict]:
    """The delays of the disclosure documents published in ``[date_from, date_to]``, by date and URL."""
    return delays(dated_documents(db, date_from, date_to), calendar_workdays(db, calendar)[0])


def timeliness(db: sqlite_utils.Database, date_from: str, date_to: str, limits=DEFAULT_LIMITS,
               calendar: WorkCalendar = OFFICIAL) -> dict:
    """Timeliness of the documents published in ``[date_from, date_to]``.

    Returns the totals (checked, late per limit, unknown with reasons, negative delays),
    the per-publisher and per-column statistics, and every late document.
    """
    rows = document_delays(db, date_from, date_to, calendar)
    checked = [row for row in rows if row["workdays"] is not None]
    unknown_reasons = Counter(row["unknown_reason"] for row in rows if row["workdays"] is None)
    by_publisher: dict[str, list[int]] = {}
    by_column: dict[str, list[int]] = {}
    for row in checked:
        by_publisher.setdefault(row["publisher"] or "(none)", []).append(row["workdays"])
        by_column.setdefault(row["column_path"] or "(none)", []).append(row["workdays"])
    late_items = [
        {**{key: row[key] for key in (*DATED_COLUMNS, "workdays")},
         "late_for": [limit for limit in limits if row["workdays"] > limit]}
        for row in checked
        if row["workdays"] > min(limits)
    ]
    overall = group_stats([row["workdays"] for row in checked], limits)
    return {
        "limits": list(limits),
        "checked": overall["checked"],
        "late": overall["late"],
        "unknown": sum(unknown_reasons.values()),
        "unknown_reasons": dict(unknown_reasons),
        "negative": sum(1 for row in checked if row["workdays"] < 0),
        "by_source": dict(Counter(row["created_on_source"] for row in checked)),
        "median": overall["median"],
        "p90": overall["p90"],
        "by_publisher": {key: group_stats(value, limits) for key, value in sorted(by_publisher.items())},
        "by_column": {key: group_stats(value, limits) for key, value in sorted(by_column.items())},
        "late_items": late_items,
    }
