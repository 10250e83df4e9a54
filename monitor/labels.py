"""What people call govwatch's stable keys: claim keys, statuses, rules, finding kinds.

Machines read the English keys (``portal_items``, ``within_bound``, ``index_serial_gap``);
people read the name an auditor would use, in the language in use, and the legal basis
where one exists. The table is data: a new check adds its kind here, and the catalogue
test (tests/monitor/test_i18n.py) fails until every name has its Chinese translation.

A rule key may carry a subject after a colon (``prose_table:portal_items``,
``applicant_columns:applications_new``): the rule's name is then formatted with the
subject's own name.
"""

from typing import NamedTuple

from monitor.i18n import N_, _

# The 2021 national template of the annual report (国办公开办函〔2021〕30号).
TEMPLATE = N_("Annual report format of the General Office of the State Council (Guobangongkaiban Han [2021] No. 30)")
# The national inspection indicators for government websites.
INSPECTION = N_("Inspection indicators for government websites (Guobanmihan [2019] No. 19)")
ARTICLE_49 = N_("Article 49 of the Regulations")
EVALUATIONS = N_("provincial disclosure inspections and third-party transparency evaluations")


class Label(NamedTuple):
    name: str  # msgid of the name
    basis: str | None = None  # msgid of the legal basis, None where none exists


CLAIMS = {
    "portal_items": Label(N_("items published proactively on the portal")),
    "social_media_items": Label(N_("items published on government social media")),
    "social_media_accounts": Label(N_("government social media accounts")),
    "interpretations": Label(N_("policy interpretations published")),
    "key_area_items": Label(N_("items published in key areas")),
    "regulations": Label(N_("regulations issued")),
    "normative_documents": Label(N_("normative documents issued")),
    "policy_documents": Label(N_("policy documents issued")),
    "other_documents": Label(N_("other documents issued")),
    "appointments": Label(N_("personnel appointments and removals published")),
    "standing_meeting_releases": Label(N_("releases on the executive meeting")),
    "gazette_issues": Label(N_("issues of the government gazette")),
    "press_conferences": Label(N_("press conferences held")),
    "websites_checked": Label(N_("government websites inspected")),
    "online_service_cases": Label(N_("government services handled online")),
    "mailbox_letters": Label(N_("letters to the leaders' mailbox")),
    "online_interviews": Label(N_("online interviews held")),
    "reading_room_visits": Label(N_("visits to the reading rooms")),
    "questions_answered": Label(N_("enquiries answered")),
    "proposal_results": Label(N_("results of proposals published")),
    "timeliness_limit_workdays": Label(N_("time limit the report states (working days)"),
                                       N_("the report's own sentence")),
    "applications_received": Label(N_("disclosure applications received (prose)")),
    "applications_answered": Label(N_("disclosure applications answered (prose)")),
    "applications_granted": Label(N_("applications disclosed in whole or in part (prose)")),
    "applications_disclosed": Label(N_("applications disclosed (prose)")),
    "applications_partly_disclosed": Label(N_("applications partly disclosed (prose)")),
    "applications_refused": Label(N_("applications refused (prose)")),
    "applications_unavailable": Label(N_("applications the body cannot provide for (prose)")),
    "applications_not_processed": Label(N_("applications not processed (prose)")),
    "applications_other_handling": Label(N_("applications handled otherwise (prose)")),
    "review_cases": Label(N_("administrative reconsideration cases (prose)")),
    "litigation_cases": Label(N_("administrative lawsuits (prose)")),
    "applications_new": Label(N_("new disclosure applications this year"), TEMPLATE),
    "applications_carried_over": Label(N_("applications carried over from last year"), TEMPLATE),
    "applications_handled_total": Label(N_("applications handled, total"), TEMPLATE),
    "applications_carried_forward": Label(N_("applications carried forward to next year"), TEMPLATE),
    "review_total": Label(N_("administrative reconsideration, total"), TEMPLATE),
    "litigation_direct_total": Label(N_("lawsuits without reconsideration, total"), TEMPLATE),
    "litigation_after_review_total": Label(N_("lawsuits after reconsideration, total"), TEMPLATE),
    "litigation_total": Label(N_("administrative lawsuits, total"), TEMPLATE),
}

STATUSES = {
    "match": Label(N_("matches")),
    "short": Label(N_("fewer than claimed")),
    "over": Label(N_("more than claimed")),
    "within_bound": Label(N_("within the claimed bound")),
    "not_observable": Label(N_("cannot be verified")),
    "unreadable": Label(N_("figure unreadable in the report")),
    "no_data": Label(N_("no data on the portal")),
}

# Section 四's groups, as subjects of review_results.
REVIEW_GROUPS = {
    "review": Label(N_("administrative reconsideration")),
    "direct_litigation": Label(N_("lawsuits without reconsideration")),
    "litigation_after_review": Label(N_("lawsuits after reconsideration")),
}

RULES = {
    "applications_balance": Label(N_("applications balance: new + carried over = handled + carried forward"),
                                  TEMPLATE),
    "applicant_columns": Label(N_("applicant columns add up to the total: {subject}"), TEMPLATE),
    "results_sum": Label(N_("handling results add up to the total"), TEMPLATE),
    "review_results": Label(N_("results add up to the total: {subject}"), TEMPLATE),
    "prose_table": Label(N_("the prose agrees with the table: {subject}"), TEMPLATE),
}

FINDINGS = {
    "duplicate_index_no": Label(N_("duplicate index number")),
    "malformed_index_no": Label(N_("malformed index number")),
    "index_year_mismatch": Label(N_("index number year differs from the publication date")),
    "index_serial_gap": Label(N_("gap in index numbers")),
    "missing_publisher": Label(N_("publisher not stated")),
    "missing_date": Label(N_("publication date not stated")),
    "published_in_future": Label(N_("publication date in the future")),
    "published_before_formed": Label(N_("published before formed")),
    "prose_table_mismatch": Label(N_("prose differs from the statistics table"), TEMPLATE),
    # The auditor's rulebook (issue 13): hooked in by the checks that find them.
    "stale_column": Label(N_("column not updated for a long time"), INSPECTION),
    "blank_column": Label(N_("blank column"), INSPECTION),
    "homepage_stale": Label(N_("home page not updated for a long time"), INSPECTION),
    "dead_link": Label(N_("dead link"), INSPECTION),
    "report_late": Label(N_("annual report published late"), ARTICLE_49),
    "report_changed": Label(N_("annual report changed after publication"), TEMPLATE),
    "cross_year_mismatch": Label(N_("carried over differs from last year's report"), TEMPLATE),
    "report_similar": Label(N_("annual report similar to last year's"), EVALUATIONS),
    "interpretation_unlinked": Label(N_("interpretation not linked to the document it interprets"), INSPECTION),
    "personal_data": Label(N_("personal data exposed"), EVALUATIONS),
    "backdated": Label(N_("backdated publication date"), INSPECTION),
}

# What an alert is about.
ALERTS = {
    "late": Label(N_("published late"), N_("Article 26 of the Regulations")),
    "health": Label(N_("crawl health")),
}

# The crawl's health checks (monitor.alerts.health.CHECKS and rendered_by_javascript).
HEALTH_CHECKS = {
    "crawl_failed": Label(N_("the crawl did not finish")),
    "no_documents": Label(N_("the crawl stored no document")),
    "documents_dropped": Label(N_("far fewer documents than the crawl before")),
    "error_rate": Label(N_("too many pages could not be fetched")),
    "rendered_by_javascript": Label(N_("listings rendered by JavaScript")),
}

# The working-day limits: the statutory 20 and the annual reports' own 15.
LIMITS = {
    20: Label(N_("20 working days"), N_("Article 26 of the Regulations")),
    15: Label(N_("15 working days"), N_("the report's own sentence")),
}

# Where a document's date of formation (成文日期) was read: crawler.parsing's created_on_source.
DATE_SOURCES = {
    "metadata": Label(N_("from the page's metadata")),
    "body": Label(N_("from the signature date of the body")),
}

# How a crawl ended (crawl_runs.status: "running" until then, else Scrapy's close reason).
CRAWL_STATUSES = {
    "finished": Label(N_("completed")),
    "running": Label(N_("still running")),
    "shutdown": Label(N_("interrupted")),
    "closespider_timeout": Label(N_("stopped at its time limit")),
}

# The kinds of body whose annual report Article 49 gives a deadline (crawler.profiles.LEVELS).
BODY_LEVELS = {"department": N_("department"), "government": N_("government")}

# The kinds of column the inspection's update thresholds tell apart (monitor.audit.rulebook).
COLUMN_KINDS = {"news": N_("news/dynamic"), "notice": N_("notice/policy"),
                "interpretation": N_("policy interpretation"), "other": N_("other")}

GROUPS = {"claim": CLAIMS, "status": STATUSES, "rule": RULES, "finding": FINDINGS, "alert": ALERTS,
          "review_group": REVIEW_GROUPS, "date_source": DATE_SOURCES,
          "crawl_status": CRAWL_STATUSES, "health_check": HEALTH_CHECKS}


def _subject(subject: str) -> str:
    for table in (CLAIMS, REVIEW_GROUPS):
        if subject in table:
            return _(table[subject].name)
    return subject


def label(group: str, key: str) -> str:
    """The name of ``key`` of ``group`` in the language in use; the key itself when unnamed."""
    base, _colon, subject = key.partition(":")
    entry = GROUPS[group].get(base)
    if entry is None:
        return key
    return _(entry.name).format(subject=_subject(subject))


def basis(group: str, key: str) -> str | None:
    """The legal basis of ``key``, translated, or None."""
    entry = GROUPS[group].get(key.partition(":")[0])
    return _(entry.basis) if entry and entry.basis else None


def limit_label(limit: int) -> str:
    """A working-day limit in words, with its basis where govwatch knows one."""
    entry = LIMITS.get(int(limit))
    if entry is None:
        return _("{n} working days").format(n=limit)
    return _("{limit} ({basis})").format(limit=_(entry.name), basis=_(entry.basis)) if entry.basis else _(entry.name)


def labelled(row: dict, group: str, field: str) -> dict:
    """``row`` with ``label`` (and ``basis`` where one exists) for its ``field``."""
    extra = {"label": label(group, row[field])}
    if (found := basis(group, row[field])) is not None:
        extra["basis"] = found
    return {**row, **extra}


# How the portal shows a claim's figure, by the site profile's ``observe`` kind.
OBSERVATIONS = {
    "documents": N_("disclosure documents"),
    "column": N_("documents under the column {column}"),
    "max_workdays": N_("most working days any document took from formation to publication"),
}


def observation_label(spec) -> str | None:
    """What a profile's observation counts, in words; None for a kind without a name."""
    name = OBSERVATIONS.get(spec.get("observe")) if spec else None
    return _(name).format(column=spec.get("column", "")) if name else None


def labelled_claims(result: dict) -> dict:
    """``govwatch claims``' result with the names of its claims, rules and findings."""
    return {**result,
            "claims": [labelled(claim, "claim", "key") for claim in result["claims"]],
            "consistency": [labelled(rule, "rule", "rule") for rule in result["consistency"]],
            "findings": [labelled(finding, "finding", "kind") for finding in result["findings"]],
            **({"inspection": {**result["inspection"], "rules": {
                kind: {**rule, "label": label("finding", kind), "basis": basis("finding", kind)}
                for kind, rule in result["inspection"]["rules"].items()}}}
               if "inspection" in result else {})}


def labelled_audit(result: dict) -> dict:
    """An audit's result for JSON: the stable keys kept, each claim, status, rule and
    finding given its ``label`` (and ``basis``) in the language in use."""
    return {**result,
            "claims": [{**labelled(claim, "claim", "key"), "status_label": label("status", claim["status"])}
                       for claim in result["claims"]],
            "consistency": [labelled(rule, "rule", "rule") for rule in result["consistency"]],
            "findings": [labelled(finding, "finding", "kind") for finding in result["findings"]],
            **({"inspection": {**result["inspection"], "rules": {
                kind: {**rule, "label": label("finding", kind), "basis": basis("finding", kind)}
                for kind, rule in result["inspection"]["rules"].items()}}}
               if "inspection" in result else {})}
