"""The audit as one self-contained HTML file for auditors: tables, inline SVG charts, SQL.

:func:`render_report` is pure: the audit's result (as ``govwatch audit --json`` prints
it), the crawl behind it and the few series the result does not hold (publications per
month and publisher, the distribution of delays, the crawl's fetch errors) go in, an
HTML string comes out. :func:`write_report` computes the audit and those series on a
read-only connection, recording nothing, and writes the file. Every figure is shown with
the SQL that produced it (the text ``storage`` holds), so an auditor can rerun it against
the same database.

The file loads nothing: styles are inline, charts are SVG, and the only script sorts
tables. Links to the portal's pages are plain navigation.
"""

import json
import time
from collections import Counter
from html import escape
from importlib.resources import files
from pathlib import Path

from monitor.audit.run import AuditError, compute_audit, latest_report_year
from monitor.audit.timeliness import document_delays
from monitor.audit.workdays import OFFICIAL, WorkCalendar
from monitor.report.charts import histogram, paired_bars, stacked_columns
from monitor.errors import RunError, UsageError, open_existing_db
from storage.audits import FINDINGS_BY_KIND
from storage.publications import COUNT_QUERIES, MONTHLY_BY_PUBLISHER, monthly_by_publisher
from storage.runs import FETCH_ERRORS, crawl_fetch_errors
from storage.timeliness import DELAY_HISTOGRAM, TIMELINESS_VIEW

# Enough fetch errors to see what went wrong; the SQL shown gives them all.
MAX_FETCH_ERRORS = 100

# The report is one self-contained file: its style and script are package data, inlined.
STYLE = files(__package__).joinpath("static", "report.css").read_text(encoding="utf-8")
SORT_SCRIPT = files(__package__).joinpath("static", "report.js").read_text(encoding="utf-8")

SECTIONS = (
    ("crawl", "The portal and the crawl"),
    ("counts", "Publications"),
    ("claims", "Claims against the portal"),
    ("consistency", "The report's arithmetic"),
    ("monthly", "Publications per month"),
    ("delays", "Working days to publication"),
    ("late", "Late documents"),
    ("inspection", "Inspection rulebook"),
    ("findings", "Data quality"),
)


def _fmt(value) -> str:
    """A figure as text: floats without trailing zeros, None as a dash."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _link(url: str | None, text: str | None = None) -> str:
    """A link to a portal page; anything but http(s) stays plain text."""
    label = escape(text if text is not None else url or "")
    if url and url.startswith(("http://", "https://")):
        return f'<a href="{escape(url)}">{label}</a>'
    return label


def _sql_block(title: str, sql: str, params: dict | None = None) -> str:
    """The SQL behind a figure, folded away, with the parameters it ran with."""
    bound = ""
    if params:
        bound = "<p class=note>with " + ", ".join(
            f"<code>:{escape(name)}</code> = <code>{escape(repr(value))}</code>" for name, value in params.items()
        ) + "</p>"
    return (f'<details class="sql"><summary>SQL: {escape(title)}</summary>'
            f"<pre><code>{escape(sql.strip())}</code></pre>{bound}</details>")


def _table(columns: list[str], rows: list[str], *, sortable: bool = False, numeric: set[str] = frozenset(),
           **attrs) -> str:
    """A table from header names and already rendered ``<tr>`` rows."""
    extra = "".join(f' {name.replace("_", "-")}="{escape(str(value))}"' for name, value in attrs.items())
    head = "".join(
        f'<th{" class=num" if name in numeric else ""}>'
        + (f'<button type="button">{escape(name)}</button>' if sortable else escape(name)) + "</th>"
        for name in columns
    )
    classes = "sortable" if sortable else ""
    return (f'<table class="{classes}"{extra}><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _cell(shown, cls: str = "", **data) -> str:
    """One ``<td>`` holding a figure or text, escaped, with optional ``data-*`` attributes."""
    attrs = f' class="{cls}"' if cls else ""
    attrs += "".join(f' data-{name.replace("_", "-")}="{escape(str(v))}"' for name, v in data.items())
    return f"<td{attrs}>{escape(_fmt(shown))}</td>"


def _section(anchor: str, body: str) -> str:
    title = dict(SECTIONS)[anchor]
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{body}</section>'


def _crawl_section(result: dict, crawl: dict | None, fetch_errors: dict) -> str:
    totals = result["totals"]
    facts = [("documents published in the period", totals["documents"]),
             ("documents in the database (all dates)", totals["documents_all_time"]),
             ("publication dates in the database", _span(totals["published_span"]))]
    if totals["calendar_missing_years"]:
        facts.append(("years the working-day calendar lacks", ", ".join(map(str, totals["calendar_missing_years"]))))
    if crawl is None:
        intro = "<p>No crawl is recorded in this database.</p>"
    else:
        start_urls = json.loads(crawl["start_urls"] or "[]")
        intro = "<p>Start URLs: " + ", ".join(_link(url) for url in start_urls) + "</p>"
        facts = [("crawl", f"#{crawl['id']} of site {crawl['site'] or '(none)'}: {crawl['status']}"),
                 ("started (UTC)", crawl["started_at"]), ("finished (UTC)", crawl["finished_at"]),
                 ("pages fetched", crawl["pages_fetched"]), ("documents new", crawl["documents_new"]),
                 ("documents updated", crawl["documents_updated"]),
                 ("documents unchanged", crawl["documents_unchanged"]), ("fetch errors", crawl["errors"]),
                 *facts]
    facts_html = "".join(f"<dt>{escape(name)}</dt><dd data-fact=\"{escape(name)}\">{escape(_fmt(value))}</dd>"
                         for name, value in facts)
    body = [intro, f'<dl class="facts">{facts_html}</dl>']
    errors = fetch_errors["rows"]
    if errors:
        rows = [f"<tr>{_cell(row['status'], 'num')}<td class=url>{_link(row['url'])}</td>"
                f"{_cell(row['error'])}{_cell(row['at'])}</tr>" for row in errors[:MAX_FETCH_ERRORS]]
        more = len(errors) - MAX_FETCH_ERRORS
        body.append("<h3>Fetch errors</h3>" + _table(["status", "url", "error", "at"], rows, numeric={"status"},
                                                     id="fetch-errors"))
        if more > 0:
            body.append(f"<p class=note>… and {more} more: the SQL below lists them all.</p>")
    if crawl is not None:
        body.append(_sql_block("fetch errors of this crawl", fetch_errors["sql"], fetch_errors["params"]))
    return _section("crawl", "".join(body))


def _span(span: dict) -> str:
    """The dates the database's documents were published between, or "none"."""
    return f"{span['from']} – {span['to']}" if span["from"] else "none"


def _counts_section(result: dict, params: dict) -> str:
    counts, tables = result["counts"], []
    for name, heading in (("by_publisher", "By publisher"), ("by_category", "By category (信息类别)"),
                          ("by_attachments", "With attachments"), ("by_year", "By year")):
        rows = [f"<tr>{_cell(key)}{_cell(value, 'num', value=value)}</tr>" for key, value in counts[name].items()]
        tables.append(f"<div><h3>{escape(heading)}</h3>"
                      + _table(["", "documents"], rows, numeric={"documents"}, data_count=name)
                      + _sql_block(name, COUNT_QUERIES[name], params) + "</div>")
    columns = [f"<tr>{_cell(key)}{_cell(value, 'num', value=value)}</tr>" for key, value in counts["by_column"].items()]
    totals = result["totals"]
    elsewhere = ""
    if not totals["documents"]:
        elsewhere = (f" The database holds documents published {escape(_span(totals['published_span']))}."
                     if totals["published_span"]["from"] else " The database holds no documents.")
    body = (f'<p class=lead>{totals["documents"]} disclosure documents published '
            f'{escape(params["date_from"])} – {escape(params["date_to"])}.{elsewhere}</p>'
            f'<div class="grid2">{"".join(tables)}</div>'
            "<h3>By column (a column counts its sub-columns)</h3>"
            + _table(["column", "documents"], columns, numeric={"documents"}, data_count="by_column")
            + _sql_block("by_column", COUNT_QUERIES["by_column"], params))
    return _section("counts", body)


def _claims_section(result: dict, params: dict) -> str:
    if result["report"] is None:
        return _section("claims", "<p>No annual report was found or named for this period: no claims to check.</p>")
    rows, chart_rows, sql_blocks = [], [], []
    for claim in result["claims"]:
        prefix = {"lower": "> ", "approx": "≈ "}.get(claim.get("bound"), "")
        claimed = "unreadable" if claim["value"] is None else f"{prefix}{claim['value']} {claim.get('unit') or ''}"
        rows.append(
            f'<tr data-key="{escape(claim["key"])}">{_cell(claim["key"])}'
            f'<td class="num claimed" data-value="{escape(_fmt(claim["value"]))}">{escape(claimed)}</td>'
            f'{_cell(claim["observed"], "num observed", value=_fmt(claim["observed"]))}'
            f'{_cell(claim["difference"], "num")}{_cell(claim["status"], "status-" + claim["status"])}'
            f'{_cell(claim["observes"] or "not shown on the portal")}{_cell(claim.get("quote"))}</tr>'
        )
        if claim["sql"]:
            sql_blocks.append(_sql_block(f"{claim['key']}: {claim['observes']}", claim["sql"], params))
        if claim["observed"] is not None and claim["value"] is not None:
            chart_rows.append({"key": claim["key"], "label": claim["key"], "claimed": claim["value"],
                               "observed": claim["observed"], "status": claim["status"]})
    statuses = Counter(claim["status"] for claim in result["claims"])
    summary = ", ".join(f"{count} {status}" for status, count in statuses.most_common())
    report = result["report"]
    linked = f" (linked from {_link(report['page'])})" if report.get("file") and report.get("page") else ""
    body = (f"<p class=lead>The annual report at {_link(report['source'])}{linked} makes "
            f"{len(result['claims'])} claims: {escape(summary)}. Only figures the portal shows can be observed.</p>"
            + (paired_bars(chart_rows) if chart_rows else "")
            + _table(["claim", "claimed", "observed", "difference", "status", "observed as", "the report says"],
                     rows, numeric={"claimed", "observed", "difference"}, id="claims-table")
            + "".join(sql_blocks))
    return _section("claims", body)


def _consistency_section(result: dict) -> str:
    if not result["consistency"]:
        return _section("consistency", "<p>No statistics tables were read from a report, so no arithmetic to check.</p>")
    rows = []
    for rule in result["consistency"]:
        verdict, cls = {True: ("pass", "pass"), False: ("FAIL", "fail"), None: ("incomplete", "")}[rule["passed"]]
        figures = "; ".join(f"{name} = {_fmt(value)}" for name, value in rule["figures"].items())
        rows.append(f'<tr data-rule="{escape(rule["rule"])}" data-passed="{escape(verdict)}">{_cell(rule["rule"])}'
                    f"{_cell(verdict, cls)}{_cell(rule.get('detail'))}{_cell(figures)}</tr>")
    failed = sum(1 for rule in result["consistency"] if rule["passed"] is False)
    lead = f"<p class=lead>{len(rows)} rules over the report's statistics tables; {failed} failed.</p>"
    return _section("consistency", lead + _table(["rule", "result", "check", "figures"], rows, id="consistency-table"))


def _monthly_section(result: dict, monthly: dict, params: dict) -> str:
    values = {(row["month"], row["publisher"]): row["n"] for row in monthly["rows"]}
    months = sorted({month for month, _ in values})
    publishers = [name for name in result["counts"]["by_publisher"] if any((m, name) in values for m in months)]
    chart = stacked_columns(months, publishers, values) if months else "<p>No publications in the period.</p>"
    body = ("<p class=lead>Disclosure documents per month of publication, stacked by publisher "
            "(largest publisher at the bottom).</p>" + chart
            + _sql_block("documents per month and publisher", monthly["sql"], monthly["params"])
            + _sql_block("documents per month", COUNT_QUERIES["by_month"], params))
    return _section("monthly", body)


def _delays_section(result: dict, delays: dict) -> str:
    timely = result["timeliness"]
    limits = [str(limit) for limit in timely["limits"]]
    counts = {row["workdays"]: row["n"] for row in delays["rows"]}
    late = "; ".join(f'<span data-late="{limit}">{timely["late"][limit]}</span> took more than {limit}'
                     for limit in limits)
    unknown = ", ".join(f"{count} {reason}" for reason, count in sorted(timely["unknown_reasons"].items()))
    lead = (f'<p class=lead><span data-checked>{timely["checked"]}</span> documents have both dates: {late} '
            f'working days. Median {_fmt(timely["median"])}, 90th percentile {_fmt(timely["p90"])}; '
            f'{timely["negative"]} published before they were formed. '
            f'{timely["unknown"]} could not be counted{": " + escape(unknown) if unknown else ""}.</p>')
    rows = [
        f"<tr>{_cell(publisher)}{_cell(stats['checked'], 'num')}"
        + "".join(_cell(stats["late"][limit], "num", late=limit) for limit in limits)
        + f"{_cell(stats['median'], 'num')}{_cell(stats['p90'], 'num')}</tr>"
        for publisher, stats in timely["by_publisher"].items()
    ]
    columns = ["publisher", "checked", *(f"late > {limit}" for limit in limits), "median", "p90"]
    body = (lead + histogram(counts, timely["limits"])
            + _sql_block("documents per number of working days", delays["sql"], delays["params"])
            + _sql_block("the timeliness view (working days per document)", TIMELINESS_VIEW)
            + "<h3>By publisher</h3>"
            + _table(columns, rows, sortable=True, numeric=set(columns[1:]), id="delays-by-publisher"))
    return _section("delays", body)


def _late_section(result: dict) -> str:
    timely = result["timeliness"]
    items = timely["late_items"]
    rows = [
        f"<tr>{_cell(item['workdays'], 'num')}{_cell(item['published_on'], 'date')}{_cell(item['created_on'], 'date')}"
        f"{_cell(item['created_on_source'])}{_cell(item['publisher'])}"
        f"<td>{_link(item['url'], item['title'] or item['url'])}</td>{_cell(item['index_no'])}"
        f"{_cell(', '.join(map(str, item['late_for'])))}</tr>"
        for item in items
    ]
    lead = (f"<p class=lead>{len(items)} documents took more than {min(timely['limits'])} working days "
            "from formation to publication. Click a heading to sort; titles link to the portal.</p>")
    table = _table(["working days", "published", "formed", "formed per", "publisher", "title", "index no.",
                    "late against"], rows, sortable=True, numeric={"working days"}, id="late-table")
    return _section("late", lead + f'<div class="scroll">{table}</div>')


def _inspection_section(result: dict) -> str:
    """The 单项否决 thresholds crossed and not, each rule's findings with its legal basis, and
    every column's age at the as-of date, oldest first."""
    inspection = result["inspection"]
    crossed = [item for item in inspection["veto"] if item["crossed"]]
    veto_rows = [f'<tr data-veto="{escape(item["kind"])}" data-crossed="{"yes" if item["crossed"] else "no"}">'
                 f'{_cell(item["threshold"])}{_cell(item["count"], "num")}'
                 f'{_cell("crossed" if item["crossed"] else "not crossed")}</tr>' for item in inspection["veto"]]
    rule_rows = [f'<tr data-rule-kind="{escape(kind)}">{_cell(rule["title"])}{_cell(rule["name_zh"])}'
                 f'{_cell(rule["basis"])}{_cell(rule["findings"], "num", value=rule["findings"])}</tr>'
                 for kind, rule in inspection["rules"].items()]
    column_rows = [f'<tr data-stale="{"yes" if item["stale"] else "no"}">{_cell(item["column"])}{_cell(item["kind"])}'
                   f'<td class=date>{_link(item["newest_url"], item["newest"])}</td>'
                   f'{_cell(item["age_days"], "num")}{_cell(item["threshold_days"], "num")}'
                   f'{_cell("stale" if item["stale"] else "")}</tr>' for item in inspection["columns"]]
    verdict = (f"The portal crosses {len(crossed)} 单项否决 (outright-fail) threshold{'s' * (len(crossed) != 1)}: "
               + "; ".join(item["threshold"] for item in crossed) + "." if crossed
               else "The portal crosses no 单项否决 (outright-fail) threshold.")
    body = (f"<p class=lead>Judged as of {escape(result['as_of'])}. {escape(verdict)}</p>"
            + _table(["单项否决 threshold", "count", "verdict"], veto_rows, numeric={"count"}, id="veto-table")
            + _table(["check", "检查项", "basis", "findings"], rule_rows, numeric={"findings"}, id="rules-table")
            + "<h3>Columns by age of their newest document</h3>"
            + f'<div class="scroll">{_table(["column", "kind", "newest", "age (days)", "threshold", ""], column_rows, sortable=True, numeric={"age (days)", "threshold"}, id="column-ages")}</div>')
    return _section("inspection", body)


def _findings_section(result: dict) -> str:
    findings = result["findings"]
    kinds = Counter(finding["kind"] for finding in findings)
    kind_rows = [f'<tr data-kind="{escape(kind)}">{_cell(kind)}{_cell(count, "num", value=count)}</tr>'
                 for kind, count in kinds.most_common()]
    rows = [f"<tr>{_cell(f['kind'])}{_cell(f['index_no'])}<td class=url>{_link(f['url'])}</td>"
            f"{_cell(f['detail'])}</tr>" for f in findings]
    body = (f"<p class=lead>{len(findings)} findings of {len(kinds)} kinds.</p>"
            + _table(["kind", "rows"], kind_rows, numeric={"rows"}, id="findings-by-kind")
            # A recorded audit's findings are in the file; an audit only computed has none there.
            + (_sql_block("findings of this audit by kind", FINDINGS_BY_KIND, {"audit_id": result["audit_id"]})
               if result.get("audit_id") is not None else "")
            + (f'<div class="scroll">{_table(["kind", "index no.", "url", "detail"], rows, sortable=True, id="findings-table")}</div>'
               if rows else ""))
    return _section("findings", body)


def _headline(result: dict) -> str:
    """The figures an auditor looks for first, each linking to its section."""
    timely = result["timeliness"]
    figures = [("documents", result["totals"]["documents"], "documents published", "counts")]
    figures += [(f"late_{limit}", timely["late"][str(limit)], f"late against {limit} working days", "late")
                for limit in timely["limits"]]
    if result["report"] is not None:
        differ = sum(1 for claim in result["claims"] if claim["status"] in ("short", "over"))
        failed = sum(1 for rule in result["consistency"] if rule["passed"] is False)
        figures += [("claims_differ", differ, "claims the portal contradicts", "claims"),
                    ("rules_failed", failed, "arithmetic rules failed", "consistency")]
    figures.append(("findings", len(result["findings"]), "data-quality findings", "findings"))
    items = "".join(f'<li data-headline="{name}"><b>{value}</b><a href="#{anchor}">{escape(label)}</a></li>'
                    for name, value, label, anchor in figures)
    return f'<ul class="headline">{items}</ul>'


def render_report(result: dict, crawl: dict | None, sql: dict) -> str:
    """The whole report as an HTML document.

    ``result`` is :func:`monitor.audit.run.compute_audit`'s result (with its ``audit_id``
    when it was recorded); ``crawl`` the crawl run the figures describe (a ``crawl_runs``
    row) or None; ``sql`` is :func:`report_data`'s.
    """
    period = result["period"]
    params = {"date_from": period["from"], "date_to": period["to"]}
    subject = f"{result['year']}" if result["year"] is not None else f"{period['from']} – {period['to']}"
    nav = "".join(f'<a href="#{anchor}">{escape(title)}</a>' for anchor, title in SECTIONS)
    sections = [
        _crawl_section(result, crawl, sql["fetch_errors"]),
        _counts_section(result, params),
        _claims_section(result, params),
        _consistency_section(result),
        _monthly_section(result, sql["monthly_by_publisher"], params),
        _delays_section(result, sql["delay_histogram"]),
        _late_section(result),
        _inspection_section(result),
        _findings_section(result),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="zh-Hans"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>govwatch audit {escape(subject)}</title><style>{STYLE}</style></head><body><main>"
        f"<h1>Government information disclosure audit: {escape(subject)}</h1>"
        f"<p class=lead>Documents published {escape(period['from'])} – {escape(period['to'])}, "
        f"{_recorded(result)} "
        "Figures come from the crawled portal; each carries the SQL that reproduces it.</p>"
        f"{_headline(result)}<nav>{nav}</nav>{''.join(sections)}</main><script>{SORT_SCRIPT}</script></body></html>\n"
    )


def _recorded(result: dict) -> str:
    """Whether the audit is recorded in the database, and as which."""
    if result.get("audit_id") is None:
        return "computed from the database and not recorded in it ('govwatch audit' records an audit)."
    return f"audit #{escape(_fmt(result['audit_id']))} recorded in the database."


def report_data(db, result: dict, calendar: WorkCalendar = OFFICIAL) -> dict:
    """The series the audit's result lacks, for its period and crawl: the ``sql`` argument of
    render_report, mapping each to ``{"sql", "params", "rows"}`` (the query that gives it,
    what it runs with, its rows as dicts).

    The delays are counted as the audit counts them, on ``calendar``, which is what the
    ``timeliness`` view gives once ``govwatch audit`` has stored that calendar.
    """
    crawl = result["totals"]["last_crawl"]
    date_from, date_to = result["period"]["from"], result["period"]["to"]
    period = {"date_from": date_from, "date_to": date_to}
    delays = Counter(row["workdays"] for row in document_delays(db, date_from, date_to, calendar)
                     if row["workdays"] is not None)
    crawl_id = {"crawl_id": crawl["id"] if crawl else None}
    return {
        "monthly_by_publisher": {"sql": MONTHLY_BY_PUBLISHER, "params": period,
                                 "rows": monthly_by_publisher(db, date_from, date_to)},
        "delay_histogram": {"sql": DELAY_HISTOGRAM, "params": period,
                            "rows": [{"workdays": days, "n": n} for days, n in sorted(delays.items())]},
        "fetch_errors": {"sql": FETCH_ERRORS, "params": crawl_id,
                         "rows": crawl_fetch_errors(db, crawl_id["crawl_id"])},
    }


def write_report(db_path: str | Path, out: str | Path, **audit) -> tuple[Path, dict]:
    """Compute the audit of the database with ``compute_audit``'s keyword arguments
    ``audit`` on a read-only connection, recording nothing, write the report to ``out``;
    return the file and the audit's result.

    Without a year, a period or a report file, the audit is of the latest year whose
    annual report the crawl found (of everything published when it found none).
    """
    db = open_existing_db(db_path, read_only=True)
    try:
        if not any(audit.get(key) for key in ("year", "date_from", "date_to", "report_path")):
            audit["year"] = latest_report_year(db)
        result = compute_audit(db, **audit)
        return save_report(db, result, out, audit.get("calendar", OFFICIAL)), result
    except AuditError as exc:
        raise UsageError(str(exc)) from None
    finally:
        db.close()


def save_report(db, result: dict, out: str | Path, calendar: WorkCalendar = OFFICIAL) -> Path:
    """Render the report of an audit already computed, on ``calendar``, and write it to ``out``."""
    out = Path(out)
    html = render_report(result, result["totals"]["last_crawl"], report_data(db, result, calendar))
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise RunError(f"cannot write {out}: {exc.strerror or exc}") from None
    return out


def cmd_report(args) -> int:
    """``govwatch report``: write the audit as one HTML file."""
    from monitor.audit.commands import audit_request, warn_if_empty

    started = time.monotonic()
    path, result = write_report(args.db, args.out, **audit_request(args))
    warn_if_empty(args.command, result)
    print(f"wrote {path} ({path.stat().st_size} bytes) in {time.monotonic() - started:.1f} s")
    return 0
