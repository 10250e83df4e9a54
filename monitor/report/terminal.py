"""The audit as a few readable tables for a person at a terminal, in the language in use.

Every value, portal text above all, is printed through :mod:`monitor.report.output`, which
shows it literally.
"""

from collections import Counter

from rich.console import Console

from monitor.i18n import _
from monitor.labels import label, limit_label
from monitor.report.output import line, stdout_console, table

# Late documents listed when no --top is given.
DEFAULT_TOP = 10


def _share(value) -> str:
    return "" if value is None else f"{value:.1%}"


def print_audit(result: dict, console: Console | None = None, top: int = DEFAULT_TOP) -> None:
    """Print the summary, claims, consistency rules, timeliness by publisher, the ``top``
    latest documents, the findings and which 单项否决 thresholds the inspection checks cross."""
    console = console or stdout_console()
    period, totals, timely = result["period"], result["totals"], result["timeliness"]
    limits = [str(limit) for limit in timely["limits"]]
    late = _("; ").join(_("{n} late against {limit}").format(n=timely["late"][limit], limit=limit_label(limit))
                        for limit in limits)
    console.print(line(
        (_("Audit {id}").format(id=result["audit_id"]), "bold"),
        " " + _("of documents published {date_from} .. {date_to}: {documents} documents; {checked} with both "
                "dates, {late}; {unknown} unknown.").format(
            date_from=period["from"], date_to=period["to"], documents=totals["documents"],
            checked=timely["checked"], late=late, unknown=timely["unknown"]),
    ))
    for reason, count in sorted(timely["unknown_reasons"].items()):
        console.print(line("  " + _("unknown: {count} × {reason}").format(count=count, reason=_(reason))))
    if totals["calendar_missing_years"]:
        console.print(line("  " + _("calendar missing for {years}: pass --calendar FILE to count those years").format(
            years=", ".join(map(str, totals["calendar_missing_years"])))))

    if result["report"]:
        report = result["report"]
        rows = []
        for claim in result["claims"]:
            prefix = {"lower": ">", "approx": "≈"}.get(claim.get("bound"), "")
            claimed = (_("unreadable") if claim["value"] is None
                       else f"{prefix}{claim['value']}{claim.get('unit') or ''}")
            rows.append((label("claim", claim["key"]), claimed, _text(claim["observed"]),
                         _text(claim["difference"]), label("status", claim["status"])))
        console.print(table((_("claim"), _("claimed"), _("observed"), _("difference"), _("status")), rows,
                            _("Claims of {source}").format(
                                source=f"《{report['title']}》 {report['source']}" if report.get("title")
                                else report["source"])))
        if report.get("file") and report.get("page"):
            console.print(line("  " + _("the report file is linked from {page}").format(page=report["page"])))
        for unread in report.get("unreadable_files", []):
            console.print(line("  " + _("report file not read: {url}: {error}").format(**unread)))
        verdicts = {True: _("pass"), False: _("FAIL"), None: _("incomplete")}
        rows = [(label("rule", rule["rule"]), rule.get("detail") or "", verdicts[rule["passed"]])
                for rule in result["consistency"]]
        console.print(table((_("rule"), _("figures"), _("result")), rows, _("The report's own arithmetic")))

    rows = [(publisher, stats["checked"],
             *(f"{stats['late'][limit]} ({_share(stats['late_share'][limit])})" for limit in limits),
             _text(stats["median"]), _text(stats["p90"]))
            for publisher, stats in timely["by_publisher"].items()]
    console.print(table((_("publisher"), _("checked"), *(_("late > {limit}").format(limit=limit) for limit in limits),
                         _("median"), _("p90")), rows,
                        _("Working days from formation to publication, by publisher")))

    if top > 0 and timely["late_items"]:
        latest = sorted(timely["late_items"], key=lambda item: (-item["workdays"], item["url"]))[:top]
        rows = [(item["workdays"], item["created_on"], item["published_on"], item["publisher"] or "",
                 item["title"] or item["url"]) for item in latest]
        console.print(table((_("working days"), _("formed"), _("published"), _("publisher"), _("title")), rows,
                            _("The {n} latest of {total} late documents").format(
                                n=len(latest), total=len(timely["late_items"]))))

    kinds = Counter(finding["kind"] for finding in result["findings"])
    rows = []
    for kind, count in kinds.most_common():
        example = next(f for f in result["findings"] if f["kind"] == kind)
        rows.append((label("finding", kind), count, f"{example['index_no'] or example['url']}: {example['detail']}"))
    console.print(table((_("finding"), _("rows"), _("example")), rows, _("Data quality")))

    inspection = result["inspection"]
    rows = [(_(item["threshold"]), item["count"], _("CROSSED") if item["crossed"] else _("not crossed"))
            for item in inspection["veto"]]
    console.print(table((_("single-veto threshold"), _("count"), _("verdict")), rows,
                        _("Inspection as of {date}").format(date=result["as_of"])))


def _text(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)
