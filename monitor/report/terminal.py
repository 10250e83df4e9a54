"""The audit as a few readable tables for a person at a terminal.

Every value, portal text above all, is printed through :mod:`monitor.report.output`, which
shows it literally.
"""

from collections import Counter

from rich.console import Console

from monitor.report.output import line, table

from monitor.report.output import stdout_console


def _share(value) -> str:
    return "" if value is None else f"{value:.1%}"


def print_audit(result: dict, console: Console | None = None) -> None:
    """Print the summary, claims, consistency rules, timeliness by publisher, findings and
    which 单项否决 thresholds the inspection checks cross."""
    console = console or stdout_console()
    period, totals, timely = result["period"], result["totals"], result["timeliness"]
    limits = [str(limit) for limit in timely["limits"]]
    console.print(line(
        (f"Audit {result['audit_id']}", "bold"),
        f" of documents published {period['from']} .. {period['to']}: "
        f"{totals['documents']} documents; {timely['checked']} with both dates, "
        + ", ".join(f"{timely['late'][limit]} late against {limit} working days" for limit in limits)
        + f"; {timely['unknown']} unknown.",
    ))
    for reason, count in sorted(timely["unknown_reasons"].items()):
        console.print(line(f"  unknown: {count} × {reason}"))
    if totals["calendar_missing_years"]:
        console.print(line(f"  calendar missing for {', '.join(map(str, totals['calendar_missing_years']))}: "
                           "pass --calendar FILE to count those years"))

    if result["report"]:
        report = result["report"]
        rows = []
        for claim in result["claims"]:
            prefix = {"lower": ">", "approx": "≈"}.get(claim.get("bound"), "")
            claimed = "unreadable" if claim["value"] is None else f"{prefix}{claim['value']}{claim.get('unit') or ''}"
            rows.append((claim["key"], claimed, _text(claim["observed"]), _text(claim["difference"]), claim["status"]))
        console.print(table(("claim", "claimed", "observed", "difference", "status"), rows,
                            f"Claims of {report['source']}"))
        if report.get("file") and report.get("page"):
            console.print(line(f"  the report file is linked from {report['page']}"))
        for unread in report.get("unreadable_files", []):
            console.print(line(f"  report file not read: {unread['url']}: {unread['error']}"))
        verdicts = {True: "pass", False: "FAIL", None: "incomplete"}
        rows = [(rule["rule"], rule.get("detail") or "", verdicts[rule["passed"]]) for rule in result["consistency"]]
        console.print(table(("rule", "figures", "result"), rows, "The report's own arithmetic"))

    rows = [(publisher, stats["checked"],
             *(f"{stats['late'][limit]} ({_share(stats['late_share'][limit])})" for limit in limits),
             _text(stats["median"]), _text(stats["p90"]))
            for publisher, stats in timely["by_publisher"].items()]
    console.print(table(("publisher", "checked", *(f"late >{limit}" for limit in limits), "median", "p90"), rows,
                        "Working days from formation to publication, by publisher"))

    kinds = Counter(finding["kind"] for finding in result["findings"])
    rows = []
    for kind, count in kinds.most_common():
        example = next(f for f in result["findings"] if f["kind"] == kind)
        rows.append((kind, count, f"{example['index_no'] or example['url']}: {example['detail']}"))
    console.print(table(("finding", "rows", "example"), rows, "Data quality"))

    inspection = result["inspection"]
    rows = [(item["threshold"], item["count"], "CROSSED" if item["crossed"] else "not crossed")
            for item in inspection["veto"]]
    console.print(table(("单项否决 threshold", "count", "verdict"), rows, f"Inspection as of {result['as_of']}"))


def _text(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)
