"""The audit as a few readable tables for a person at a terminal."""

from collections import Counter

from rich.console import Console
from rich.table import Table

from monitor.output import stdout_console


def _share(value) -> str:
    return "" if value is None else f"{value:.1%}"


def print_audit(result: dict, console: Console | None = None) -> None:
    """Print the summary, claims, consistency rules, timeliness by publisher and findings."""
    console = console or stdout_console()
    period, totals, timely = result["period"], result["totals"], result["timeliness"]
    limits = [str(limit) for limit in timely["limits"]]
    console.print(
        f"[bold]Audit {result['audit_id']}[/bold] of documents published {period['from']} .. {period['to']}: "
        f"{totals['documents']} documents; {timely['checked']} with both dates, "
        + ", ".join(f"{timely['late'][limit]} late against {limit} working days" for limit in limits)
        + f"; {timely['unknown']} unknown."
    )
    for reason, count in sorted(timely["unknown_reasons"].items()):
        console.print(f"  unknown: {count} × {reason}")
    if totals["calendar_missing_years"]:
        console.print(f"  calendar missing for {', '.join(map(str, totals['calendar_missing_years']))}: "
                      "pass --calendar FILE to count those years")

    if result["report"]:
        table = Table("claim", "claimed", "observed", "difference", "status", title=f"Claims of {result['report']['source']}")
        for claim in result["claims"]:
            prefix = {"lower": ">", "approx": "≈"}.get(claim.get("bound"), "")
            claimed = "unreadable" if claim["value"] is None else f"{prefix}{claim['value']}{claim.get('unit') or ''}"
            table.add_row(claim["key"], claimed, _text(claim["observed"]), _text(claim["difference"]), claim["status"])
        console.print(table)
        table = Table("rule", "figures", "result", title="The report's own arithmetic")
        for rule in result["consistency"]:
            verdict = {True: "pass", False: "FAIL", None: "incomplete"}[rule["passed"]]
            table.add_row(rule["rule"], rule.get("detail") or "", verdict)
        console.print(table)

    table = Table("publisher", "checked", *(f"late >{limit}" for limit in limits), "median", "p90",
                  title="Working days from formation to publication, by publisher")
    for publisher, stats in timely["by_publisher"].items():
        table.add_row(publisher, str(stats["checked"]),
                      *(f"{stats['late'][limit]} ({_share(stats['late_share'][limit])})" for limit in limits),
                      _text(stats["median"]), _text(stats["p90"]))
    console.print(table)

    kinds = Counter(finding["kind"] for finding in result["findings"])
    table = Table("finding", "rows", "example", title="Data quality")
    for kind, count in kinds.most_common():
        example = next(f for f in result["findings"] if f["kind"] == kind)
        table.add_row(kind, str(count), f"{example['index_no'] or example['url']}: {example['detail']}")
    console.print(table)


def _text(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)
