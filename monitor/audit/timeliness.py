"""Working days from formation to publication, per document and per group.

The delay itself is computed in SQL (the ``timeliness`` view) against the ``workdays``
table, which this module fills from :mod:`monitor.audit.workdays`: each known day with
``seq``, the number of working days from the table's first day through that day.
Years the calendar does not know get no rows, so their delays stay NULL and the view
names the missing year instead of counting Monday to Friday.
"""

import datetime as dt
import statistics
from collections import Counter

import sqlite_utils

from monitor.audit import DEFAULT_LIMITS
from monitor.audit.workdays import OFFICIAL, CalendarMissing, WorkCalendar
from storage.transactions import write_transaction


def refresh_workdays(db: sqlite_utils.Database, calendar: WorkCalendar = OFFICIAL) -> list[int]:
    """Bring ``workdays`` to the years the documents' dates span; return the years missing.

    The table is rewritten only when it differs from what the calendar says, in one short
    write transaction, so an audit mostly reads.
    """
    # Four index lookups rather than a scan of every date.
    dates = [value for value in db.execute(
        "SELECT (SELECT min(created_on) FROM documents), (SELECT max(created_on) FROM documents),"
        " (SELECT min(published_on) FROM documents), (SELECT max(published_on) FROM documents)"
    ).fetchone() if value]
    first, last = (int(min(dates)[:4]), int(max(dates)[:4])) if dates else (0, -1)
    rows, missing = workday_rows(first, last, calendar)
    if rows != list(db.query("SELECT day, is_workday, seq FROM workdays ORDER BY day")):
        with write_transaction(db):
            db.execute("DELETE FROM workdays")
            db["workdays"].insert_all(rows, batch_size=1000)
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


def timeliness(db: sqlite_utils.Database, date_from: str, date_to: str, limits=DEFAULT_LIMITS) -> dict:
    """Timeliness of the documents published in ``[date_from, date_to]``.

    Returns the totals (checked, late per limit, unknown with reasons, negative delays),
    the per-publisher and per-column statistics, and every late document.
    """
    rows = db.execute(
        "SELECT url, title, publisher, index_no, column_path, created_on, created_on_source,"
        " published_on, workdays, unknown_reason FROM timeliness"
        " WHERE published_on BETWEEN ? AND ? ORDER BY published_on, url",
        [date_from, date_to],
    ).fetchall()
    checked = [row for row in rows if row[8] is not None]
    unknown_reasons = Counter(row[9] for row in rows if row[8] is None)
    by_publisher: dict[str, list[int]] = {}
    by_column: dict[str, list[int]] = {}
    for row in checked:
        by_publisher.setdefault(row[2] or "(none)", []).append(row[8])
        by_column.setdefault(row[4] or "(none)", []).append(row[8])
    keys = ("url", "title", "publisher", "index_no", "column_path", "created_on",
            "created_on_source", "published_on", "workdays")
    late_items = [
        {**dict(zip(keys, row[:9])), "late_for": [limit for limit in limits if row[8] > limit]}
        for row in checked
        if row[8] > min(limits)
    ]
    overall = group_stats([row[8] for row in checked], limits)
    return {
        "limits": list(limits),
        "checked": overall["checked"],
        "late": overall["late"],
        "unknown": sum(unknown_reasons.values()),
        "unknown_reasons": dict(unknown_reasons),
        "negative": sum(1 for row in checked if row[8] < 0),
        "by_source": dict(Counter(row[6] for row in checked)),
        "median": overall["median"],
        "p90": overall["p90"],
        "by_publisher": {key: group_stats(value, limits) for key, value in sorted(by_publisher.items())},
        "by_column": {key: group_stats(value, limits) for key, value in sorted(by_column.items())},
        "late_items": late_items,
    }

