"""The inspection checks on annual reports: published late, changed afterwards, carrying
over other figures than last year's, or copying last year's prose.

Each reads the reports that appeared in the audited period (``storage.rulebook``) and,
for comparisons, the report on the year before as the crawl holds it. A figure either
report does not state readably is not compared.
"""

import datetime as dt
import json
import re

from monitor.audit.similarity import similarity
from monitor.claims.extract import extract_claims, report_text
from monitor.i18n import _
from monitor.labels import BODY_LEVELS, label
from storage import rulebook as rows

# The year a report is on, as its title names it: 2020年 or 2020 年.
_REPORT_YEAR = re.compile(r"((?:19|20)\d\d) ?年")
# Article 49: a department's report by 31 January, a government's own by 31 March.
DEADLINES = {"department": (1, 31), "government": (3, 31)}


def _finding(kind: str, url: str | None, detail: str) -> dict:
    return {"kind": kind, "url": url, "index_no": None, "detail": detail}


def _reports(scope) -> list[tuple[int, str, str]]:
    """``(year reported on, url, day it appeared)`` of the reports that appeared by the as-of date."""
    found = []
    for url, title, published_on, first_seen in rows.report_rows(scope.db, scope.date_from, scope.date_to):
        match = _REPORT_YEAR.search(title or "")
        appeared = published_on or first_seen
        if match and appeared and appeared <= scope.as_of.isoformat():
            found.append((int(match[1]), url, appeared))
    return found


def _lateness(scope) -> list[tuple[int, str, str, dt.date, int]]:
    """``(year, url, day it appeared, deadline, days late)`` of each report that appeared,
    judged by Article 49's deadline for the profile's kind of body (days late ≤ 0: on time)."""
    month, day = DEADLINES[scope.profile.level]
    judged = []
    for year, url, appeared in _reports(scope):
        deadline = dt.date(year + 1, month, day)
        judged.append((year, url, appeared, deadline, (dt.date.fromisoformat(appeared) - deadline).days))
    return judged


def report_late(scope) -> list[dict]:
    """Reports that appeared after Article 49's deadline for the profile's kind of body."""
    return [_finding("report_late", url, _(
        "the report on {year} appeared {appeared}, {late} days after the deadline {deadline} "
        "(a {level}'s report)").format(year=year, appeared=appeared, late=late, deadline=deadline,
                                       level=_(BODY_LEVELS[scope.profile.level])))
        for year, url, appeared, deadline, late in _lateness(scope) if late > 0]


def report_deadline(scope) -> dict:
    """Whether the reports that appeared in the audited period met Article 49's deadline:
    ``met`` is true when at least one was judged and none was late, false when one was
    late, null ("unknown") when no report with a year and a date appeared: a report the
    crawl did not find is not taken for a missed deadline."""
    judged = _lateness(scope)
    late = sum(1 for *_rest, days in judged if days > 0)
    return {"judged": len(judged), "late": late, "met": (late == 0) if judged else None}


def _figures(text: str | None) -> dict:
    """The readable figures a report's text states, by claim key."""
    claims = extract_claims(report_text(text or "", "text"))["claims"]
    return {claim["key"]: claim["value"] for claim in claims if claim["readable"]}


def report_changed(scope) -> list[dict]:
    """Report pages the portal changed after they were first seen: the figures that changed, old and new."""
    found = []
    for year, url, _appeared in _reports(scope):
        versions = rows.version_records(scope.db, url)
        for (_at, before), (at, after) in zip(versions, versions[1:]):
            old, new = _figures(json.loads(before).get("body_text")), _figures(json.loads(after).get("body_text"))
            changed = [f"{label('claim', key)} {old.get(key)} → {new.get(key)}" for key in sorted(set(old) | set(new))
                       if old.get(key) != new.get(key)]
            if changed:
                found.append(_finding("report_changed", url, _("the report on {year} changed {day}: ").format(
                    year=year, day=at[:10]) + _("; ").join(changed)))
    return found


def _pairs(scope):
    """``(year, report, last year's report)`` for each report that appeared whose previous year's is crawled too."""
    from monitor.audit.run import crawled_report, find_report  # run imports this module's checks

    for year, url, _appeared in _reports(scope):
        previous = find_report(scope.db, year - 1)
        current = find_report(scope.db, year)
        if previous and current and current["url"] == url:
            yield year, current, previous, crawled_report


def cross_year_mismatch(scope) -> list[dict]:
    """This year's 二、上年结转 differs from last year's 四、结转下年度继续办理: in the 总计
    where both are readable, and in each applicant column where both reports state it."""
    found = []
    for year, current, previous, read in _pairs(scope):
        this, last = read(current), read(previous)
        carried = {c["key"]: c for c in this["claims"]}.get("applications_carried_over")
        forward = {c["key"]: c for c in last["claims"]}.get("applications_carried_forward")
        differences = []
        if carried and forward and carried["readable"] and forward["readable"] and carried["value"] != forward["value"]:
            differences.append(_("总计 {carried} ≠ {forward}").format(carried=carried["value"], forward=forward["value"]))
        by_column = this.get("carried", {}).get("applications_carried_over", {})
        last_by_column = last.get("carried", {}).get("applications_carried_forward", {})
        differences += [_("{column} {carried} ≠ {forward}").format(column=column, carried=value,
                                                                  forward=last_by_column[column])
                        for column, value in by_column.items()
                        if value is not None and last_by_column.get(column) is not None
                        and value != last_by_column[column]]
        if differences:
            found.append(_finding("cross_year_mismatch", current["url"],
                                  _("the report on {year}'s 二、上年结转 differs from the report on {last_year}'s "
                                    "四、结转下年度继续办理: {differences}").format(
                                      year=year, last_year=year - 1, differences=_("; ").join(differences))))
    return found


def report_similar(scope, percent: int) -> list[dict]:
    """Reports whose prose (digits removed) is at least ``percent`` % last year's, with the longest copied passage."""
    found = []
    for year, current, previous, _read in _pairs(scope):
        shared = similarity(current["body_text"], previous["body_text"])
        if shared and shared[0] * 100 >= percent:
            passage = shared[1] if len(shared[1]) <= 120 else shared[1][:120] + "…"
            found.append(_finding("report_similar", current["url"],
                                  _("{share} of the report on {year}'s prose is the report on {last_year}'s "
                                    "(digits removed); longest shared passage: “{passage}”").format(
                                      share=f"{shared[0]:.0%}", year=year, last_year=year - 1, passage=passage)))
    return found
