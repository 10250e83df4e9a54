"""Data-quality checks: small named checks, each judging the rows ``storage.checks`` reads.

A finding is ``{"kind", "url", "index_no", "detail"}``; ``detail`` says in words (and
figures) what is wrong with that row, in the language the audit ran in. Checks read only the documents published in the
audited range, except where a comparison needs the whole table (duplicates).
"""

import re
from collections import defaultdict

import sqlite_utils

from monitor.i18n import _
from storage import checks

# organisation code / year[month] - serial: jingkaiquqtfj/2020-0000202, 11341702486344515H/202110-00013
INDEX_NO = re.compile(r"^(?P<org>[^/\s]+)/(?P<year>\d{4})(?P<month>\d{2})?-(?P<serial>\d+)$")
# Gaps wider than this are a new numbering, not missing documents.
MAX_GAP = 50


def _finding(kind: str, url: str, index_no: str | None, detail: str) -> dict:
    return {"kind": kind, "url": url, "index_no": index_no, "detail": detail}


def duplicate_index_numbers(db, date_from, date_to, today):
    """The same index number on more than one document."""
    rows = checks.duplicate_index_rows(db, date_from, date_to)
    return [_finding("duplicate_index_no", url, index_no, _("index number {index_no} is used more than once").format(index_no=index_no))
            for url, index_no in rows]


def malformed_index_numbers(db, date_from, date_to, today):
    """Index numbers not of the form organisation-code/year-serial."""
    rows = checks.index_rows(db, date_from, date_to)
    return [_finding("malformed_index_no", url, index_no, _("index number {index_no!r} is not code/year-serial").format(index_no=index_no))
            for url, index_no in rows if not INDEX_NO.match(index_no)]


def index_year_mismatches(db, date_from, date_to, today):
    """The index number's year differs from the stated publication year."""
    rows = checks.dated_index_rows(db, date_from, date_to)
    found = []
    for url, index_no, published_on in rows:
        match = INDEX_NO.match(index_no or "")
        if match and match["year"] != published_on[:4]:
            found.append(_finding("index_year_mismatch", url, index_no,
                                  _("index number year {year} but published {published_on}").format(
                                      year=match["year"], published_on=published_on)))
    return found


def index_serial_gaps(db, date_from, date_to, today):
    """Serials missing between the lowest and highest of one organisation code and year."""
    rows = checks.index_numbers(db, date_from, date_to)
    serials = defaultdict(set)
    for (index_no,) in rows:
        match = INDEX_NO.match(index_no or "")
        if match:
            serials[(match["org"], match["year"])].add(int(match["serial"]))
    found = []
    for (org, year), numbers in sorted(serials.items()):
        ordered = sorted(numbers)
        for low, high in zip(ordered, ordered[1:]):
            if 1 < high - low <= MAX_GAP:
                missing = (_("serial {n}").format(n=low + 1) if high - low == 2
                           else _("serials {first}–{last}").format(first=low + 1, last=high - 1))
                found.append(_finding("index_serial_gap", None, f"{org}/{year}",
                                      _("{missing} missing between {low} and {high}").format(
                                          missing=missing, low=low, high=high)))
    return found


def missing_publisher_or_date(db, date_from, date_to, today):
    """Documents without a publisher, in the range, or without any publication date at all."""
    rows = checks.unattributed_rows(db, date_from, date_to)
    return [_finding("missing_publisher" if published_on else "missing_date", url, index_no,
                     _("no publisher (发布机构) stated") if published_on else _("no publication date (公开日期) stated"))
            for url, index_no, publisher, published_on in rows]


def impossible_dates(db, date_from, date_to, today):
    """Publication dates in the future, or before the document was formed."""
    rows = checks.impossible_date_rows(db, date_from, date_to, today)
    return [
        _finding("published_in_future", url, index_no,
                 _("published {published_on}, after today {today}").format(published_on=published_on, today=today))
        if published_on > today
        else _finding("published_before_formed", url, index_no,
                      _("published {published_on} before formed {created_on}").format(
                          published_on=published_on, created_on=created_on))
        for url, index_no, created_on, published_on in rows
    ]


CHECKS = (
    duplicate_index_numbers,
    malformed_index_numbers,
    index_year_mismatches,
    index_serial_gaps,
    missing_publisher_or_date,
    impossible_dates,
)


def run_checks(db: sqlite_utils.Database, date_from: str, date_to: str, today: str) -> list[dict]:
    """Every check's findings, in check order."""
    return [finding for check in CHECKS for finding in check(db, date_from, date_to, today)]
