"""The checks inspectors apply, each named with its legal basis, judged as of a date.

``RULES`` is the registry: the finding kinds the rulebook gives, and whether crossing
one is a 单项否决 (outright-fail) item; each kind's name and legal basis are in
:data:`monitor.labels.FINDINGS`. ``CHECKS`` are the
small functions that produce the findings, each reading one :class:`Scope`; a check
that cannot judge (nothing the crawl holds answers it) returns no finding.

Thresholds are settings read from the environment (``GOVWATCH_…``), see ``SETTINGS``.
"""

import datetime as dt
import json
import os
from dataclasses import dataclass

import sqlite_utils

from crawler.items import BLANK_LISTING, GONE, HOME_PAGE
from crawler.profiles import SiteProfile
from monitor.audit import report_checks
from monitor.audit.personal_data import find_numbers, mask, mask_text
from monitor.i18n import N_, _
from monitor.labels import COLUMN_KINDS
from storage import links as link_rows
from storage import rulebook as rows

@dataclass(frozen=True)
class Rule:
    """One inspection rule: the finding ``kind`` it gives, and whether crossing it is a
    单项否决 item; its name and legal basis in each language are in
    :data:`monitor.labels.FINDINGS`, the one place either is written."""

    kind: str
    veto: bool = False


RULES = {rule.kind: rule for rule in (
    Rule("stale_column", veto=True),
    Rule("blank_column", veto=True),
    Rule("homepage_stale", veto=True),
    Rule("dead_link"),
    Rule("report_late"),
    Rule("report_changed"),
    Rule("cross_year_mismatch"),
    Rule("report_similar"),
    Rule("interpretation_unlinked"),
    Rule("personal_data"),
    Rule("backdated", veto=True),
)}


class SettingError(ValueError):
    """A threshold setting is not a usable number; the message is for a person."""


# setting name: (default, what it is)
SETTINGS = {
    "GOVWATCH_STALE_NEWS_DAYS": (14, "days a news or dynamic column may go without a new document"),
    "GOVWATCH_STALE_NOTICE_DAYS": (183, "days a notice or policy column may go without a new document"),
    "GOVWATCH_STALE_OTHER_DAYS": (365, "days any other column may go without a new document"),
    "GOVWATCH_HOMEPAGE_STALE_DAYS": (14, "days the home page may go without a newer date"),
    "GOVWATCH_REPORT_SIMILAR_PERCENT": (80, "percent of an annual report's prose shared with last year's that is a copy"),
}


def setting(name: str) -> int:
    """The setting ``name`` from the environment, or its default: a whole number of days, at least 1."""
    default = SETTINGS[name][0]
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise SettingError(f"{name} must be a whole number (at least 1), not {text!r}")
    return int(text)


@dataclass(frozen=True)
class Scope:
    """What the checks judge: the documents of ``[date_from, date_to]`` as of ``as_of``."""

    db: sqlite_utils.Database
    date_from: str
    date_to: str
    as_of: dt.date
    profile: SiteProfile


def _finding(kind: str, url: str | None, index_no: str | None, detail: str) -> dict:
    return {"kind": kind, "url": url, "index_no": index_no, "detail": detail}


def _attachment_names(stored: str | None) -> list[str]:
    try:
        return [item.get("name") or "" for item in json.loads(stored or "[]") if isinstance(item, dict)]
    except (ValueError, AttributeError):
        return []


# Column kinds by the words of their names (国办秘函〔2019〕19号: dynamic and news columns
# 2 weeks, notices and policies 6 months); a profile's ``columns`` table overrides.
_KIND_WORDS = (("news", ("动态", "要闻", "新闻", "工作")), ("notice", ("通知", "公告", "政策", "文件")))
# A column a profile calls a policy interpretation one is held to the policies' threshold.
_KIND_SETTING = {"news": "GOVWATCH_STALE_NEWS_DAYS", "notice": "GOVWATCH_STALE_NOTICE_DAYS",
                 "interpretation": "GOVWATCH_STALE_NOTICE_DAYS", "other": "GOVWATCH_STALE_OTHER_DAYS"}
INTERPRETATION_WORDS = ("政策解读",)


def column_kind(name: str, profile: SiteProfile) -> str:
    """``news``, ``notice`` or ``other``: the profile's word for the column, else its name's."""
    chosen = profile.columns.get(name, {}).get("kind")
    if chosen:
        return chosen
    return next((kind for kind, words in _KIND_WORDS if any(word in name for word in words)), "other")


def is_interpretation_column(name: str, profile: SiteProfile) -> bool:
    """Whether the column (its own name) holds policy interpretations: the profile says so, else its name."""
    chosen = profile.columns.get(name, {}).get("kind")
    return chosen == "interpretation" or (not chosen and any(word in name for word in INTERPRETATION_WORDS))


def column_threshold(name: str, profile: SiteProfile) -> int:
    """Days the column may go without a new document: the profile's, else its kind's setting."""
    return profile.columns.get(name, {}).get("days") or setting(_KIND_SETTING[column_kind(name, profile)])


def column_ages(scope: Scope) -> list[dict]:
    """Every column with a document by the as-of date: its newest document and age in days, oldest first."""
    ages = []
    for path, newest, url, documents in rows.column_newest(scope.db, scope.as_of.isoformat()):
        name = path.rsplit(" >> ", 1)[-1]
        age = (scope.as_of - dt.date.fromisoformat(newest)).days
        threshold = column_threshold(name, scope.profile)
        ages.append({"column": path, "kind": column_kind(name, scope.profile), "newest": newest, "newest_url": url,
                     "documents": documents, "age_days": age, "threshold_days": threshold, "stale": age > threshold})
    return sorted(ages, key=lambda item: (-item["age_days"], item["column"]))


def stale_column(scope: Scope) -> list[dict]:
    """Columns whose newest document is older than their threshold at the as-of date."""
    return [_finding("stale_column", item["newest_url"], None,
                     _("column {column}: newest document {newest}, {age} days old on {as_of} "
                       "({kind} column, threshold {threshold} days)").format(
                         column=item["column"], newest=item["newest"], age=item["age_days"], as_of=scope.as_of,
                         kind=_(COLUMN_KINDS[item["kind"]]), threshold=item["threshold_days"]))
            for item in column_ages(scope) if item["stale"]]


def blank_column(scope: Scope) -> list[dict]:
    """Column listings the latest crawl reached that list nothing and say so (暂无信息); never
    one rendered by JavaScript, whose list the crawl cannot see."""
    return [_finding("blank_column", url, None, _("column {column}: the listing shows “{marker}” and no document").format(
        column=title or url, marker=marker))
            for url, title, marker in rows.latest_crawl_notes(scope.db, BLANK_LISTING)]


def homepage_stale(scope: Scope) -> list[dict]:
    """A start page that shows no date, or none within the threshold before the as-of date.

    A page crawled after the as-of date that shows later dates was updated since; what it
    showed then is known only when it still shows a date within the threshold, so an older
    newest date is then no finding (unknown, not failed).
    """
    limit = setting("GOVWATCH_HOMEPAGE_STALE_DAYS")
    found = []
    for url, title, detail in rows.latest_crawl_notes(scope.db, HOME_PAGE):
        dates = json.loads(detail or "[]")
        by_then = [day for day in dates if day <= scope.as_of.isoformat()]
        if not dates:
            found.append(_finding("homepage_stale", url, None, _("the home page shows no date beside its links")))
            continue
        if not by_then or len(by_then) < len(dates):
            continue
        age = (scope.as_of - dt.date.fromisoformat(by_then[0])).days
        if age > limit:
            found.append(_finding("homepage_stale", url, None,
                                  _("the home page's newest date is {newest}, {age} days before {as_of} "
                                    "(threshold {limit} days)").format(newest=by_then[0], age=age, as_of=scope.as_of,
                                                                       limit=limit)))
    return found


def _dead_answer(status: int) -> str:
    if status in GONE:
        return f"HTTP {status} (gone)"
    return f"HTTP {status} after the crawl's retries"


def dead_link(scope: Scope) -> list[dict]:
    """Links inside the portal whose target answered 404/410, or a 5xx through every retry,
    when last asked; one finding per target, naming every page that links it and the link's text.

    Judged on the link graph as the crawls last saw it (no crawl knows what a link answered
    on an earlier day); a target that gave no answer, or any other, is not judged dead.
    """
    found = []
    for url, status, pages in link_rows.dead_links(scope.db):
        linked = json.loads(pages)
        texts = list(dict.fromkeys(mask_text(text) for _, text in linked if text))
        named = "; ".join(f"“{text}”" for text in texts) or "no text"
        found.append(_finding(
            "dead_link", url, None,
            f"link {named} answers {_dead_answer(status)}; linked from {len(linked)} "
            f"page{'s' * (len(linked) != 1)}: {', '.join(page for page, _ in linked)}"))
    return found


def interpretation_unlinked(scope: Scope) -> list[dict]:
    """Documents of a policy-interpretation column (政策解读) published in the range that link no
    other document of the portal (the one they interpret). A page whose links no crawl
    recorded is not judged: its links are unknown."""
    found = []
    for url, index_no, path, links_read, to_documents in link_rows.document_links(scope.db, scope.date_from,
                                                                                  scope.date_to):
        name = (path or "").rsplit(" >> ", 1)[-1]
        if links_read and not to_documents and is_interpretation_column(name, scope.profile):
            found.append(_finding("interpretation_unlinked", url, index_no,
                                  f"interpretation in {path} links no document of the portal "
                                  f"({links_read} links, none to a document)"))
    return found


def link_rates(db: sqlite_utils.Database) -> list[dict]:
    """Per column of the linking page: its links, those whose target answered, the dead ones and
    their share of the answered (None, unknown, when no target answered)."""
    return [{**row, "dead_percent": round(100 * row["dead"] / row["checked"], 1) if row["checked"] else None}
            for row in link_rows.links_by_column(db)]


def personal_data(scope: Scope) -> list[dict]:
    """Resident ID or mobile numbers, unmasked, in a title, body or attachment name."""
    found = []
    for url, index_no, title, body, attachments in rows.text_rows(scope.db, scope.date_from, scope.date_to):
        places = [(N_("title"), title), (N_("body"), body)] + [
            (N_("attachment"), name) for name in _attachment_names(attachments)]
        numbers = [(place, kind, number) for place, text in places for kind, number in find_numbers(text, scope.as_of)]
        if numbers:
            shown = _("; ").join(_("{kind} {number} in the {place}").format(
                kind=_("ID number") if kind == "id" else _("mobile"), number=mask(number), place=_(place))
                for place, kind, number in dict.fromkeys(numbers))
            found.append(_finding("personal_data", url, index_no, shown))
    return found


def backdated(scope: Scope) -> list[dict]:
    """Documents first seen after their column had listed newer ones: the stated date is not when they appeared."""
    found = []
    for url, index_no, detail in rows.backdated_rows(scope.db, scope.date_from, scope.date_to):
        event = json.loads(detail or "{}")
        found.append(_finding(
            "backdated", url, index_no,
            _("stated published {stated}, but first seen {seen} after its column already listed a document of "
              "{newest}").format(stated=event.get("stated_published_on"), seen=str(event.get("first_seen_at"))[:10],
                                 newest=event.get("column_newest_already_listed"))))
    return found


def report_similar(scope: Scope) -> list[dict]:
    """The annual report's prose copied from last year's (``GOVWATCH_REPORT_SIMILAR_PERCENT``)."""
    return report_checks.report_similar(scope, setting("GOVWATCH_REPORT_SIMILAR_PERCENT"))


CHECKS = (
    stale_column,
    blank_column,
    homepage_stale,
    dead_link,
    report_checks.report_late,
    report_checks.report_changed,
    report_checks.cross_year_mismatch,
    report_similar,
    interpretation_unlinked,
    personal_data,
    backdated,
)


# 单项否决 thresholds: (what, finding kind, column kinds counted or None, at least)
VETO_THRESHOLDS = (
    (N_("5 or more news/dynamic or notice/policy columns not updated"), "stale_column", ("news", "notice"), 5),
    (N_("10 or more columns not updated"), "stale_column", None, 10),
    (N_("5 or more blank columns"), "blank_column", None, 5),
    (N_("the home page not updated"), "homepage_stale", None, 1),
    (N_("publication dates faked (伪造发稿日期)"), "backdated", None, 1),
)


def veto_summary(findings: list[dict], ages: list[dict]) -> list[dict]:
    """Which 单项否决 thresholds the findings cross and which they do not, with the counts."""
    summary = []
    for what, kind, column_kinds, least in VETO_THRESHOLDS:
        if column_kinds:
            count = sum(1 for item in ages if item["stale"] and item["kind"] in column_kinds)
        else:
            count = sum(1 for finding in findings if finding["kind"] == kind)
        summary.append({"threshold": what, "kind": kind, "count": count, "at_least": least, "crossed": count >= least})
    return summary


def run_rulebook(scope: Scope) -> list[dict]:
    """Every inspection check's findings, in check order."""
    return [finding for check in CHECKS for finding in check(scope)]


def default_as_of(year: int | None, date_to: str, today: dt.date) -> dt.date:
    """The as-of date an audit judges by when none is given: the end of a past year audited, else today."""
    if year is not None and year < today.year:
        return dt.date.fromisoformat(date_to)
    return today
