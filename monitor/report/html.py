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
from urllib.parse import urlsplit

from crawler import __version__
from crawler.profiles import PROFILES
from monitor.audit.run import AuditError, compute_audit, latest_report_year
from monitor.audit.timeliness import document_delays
from monitor.audit.workdays import OFFICIAL, WorkCalendar
from monitor.report.charts import histogram, paired_bars, stacked_columns
from monitor.errors import RunError, UsageError, open_existing_db, site_profiles
from monitor.i18n import N_, _, html_lang
from monitor.labels import COLUMN_KINDS, basis, label, limit_label
from monitor.localtime import now_shown, shown
from storage.audits import FINDINGS_BY_KIND
from storage.publications import COUNT_QUERIES, MONTHLY_BY_PUBLISHER, monthly_by_publisher
from storage.runs import FETCH_ERRORS, crawl_fetch_errors
from storage.sites import scoped_site, site_scope
from storage.timeliness import DELAY_HISTOGRAM, TIMELINESS_VIEW

VERDICTS = {True: N_("pass"), False: N_("FAIL"), None: N_("incomplete")}

# Enough fetch errors to see what went wrong; the SQL shown gives them all.
MAX_FETCH_ERRORS = 100

# The report is one self-contained file: its style and script are package data, inlined.
STYLE = files(__package__).joinpath("static", "report.css").read_text(encoding="utf-8")
SORT_SCRIPT = files(__package__).joinpath("static", "report.js").read_text(encoding="utf-8")

SECTIONS = (
    ("crawl", N_("The portal and the crawl")),
    ("counts", N_("Publications")),
    ("claims", N_("Claims against the portal")),
    ("consistency", N_("The report's arithmetic")),
    ("monthly", N_("Publications per month")),
    ("delays", N_("Working days to publication")),
    ("late", N_("Late documents")),
    ("inspection", N_("Inspection rulebook")),
    ("findings", N_("Data quality")),
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
        bound = "<p class=note>" + escape(_("with")) + " " + ", ".join(
            f"<code>:{escape(name)}</code> = <code>{escape(repr(value))}</code>" for name, value in params.items()
        ) + "</p>"
    return (f'<details class="sql"><summary>SQL：{escape(title)}</summary>'
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
    title = _(dict(SECTIONS)[anchor])
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{body}</section>'


def _crawl_section(result: dict, crawl: dict | None, fetch_errors: dict) -> str:
    totals = result["totals"]
    # (data-fact key, label, value): the key stays English for scripts and tests.
    facts = [("documents published in the period", _("documents published in the period"), totals["documents"]),
             ("documents in the database (all dates)", _("documents in the database (all dates)"),
              totals["documents_all_time"]),
             ("publication dates in the database", _("publication dates in the database"),
              _span(totals["published_span"]))]
    if totals["calendar_missing_years"]:
        facts.append(("years the working-day calendar lacks", _("years the working-day calendar lacks"),
                      ", ".join(map(str, totals["calendar_missing_years"]))))
    if crawl is None:
        intro = "<p>" + escape(_("No crawl is recorded in this database.")) + "</p>"
    else:
        start_urls = json.loads(crawl["start_urls"] or "[]")
        intro = "<p>" + escape(_("Start URLs:")) + " " + ", ".join(_link(url) for url in start_urls) + "</p>"
        facts = [("crawl", _("crawl"), _("#{id} of site {site}: {status}").format(
                     id=crawl["id"], site=crawl["site"] or _("(none)"), status=label("crawl_status", crawl["status"]))),
                 ("started", _("started"), shown(crawl["started_at"])),
                 ("finished", _("finished"), shown(crawl["finished_at"])),
                 ("pages fetched", _("pages fetched"), crawl["pages_fetched"]),
                 ("documents new", _("documents new"), crawl["documents_new"]),
                 ("documents updated", _("documents updated"), crawl["documents_updated"]),
                 ("documents unchanged", _("documents unchanged"), crawl["documents_unchanged"]),
                 ("fetch errors", _("fetch errors"), crawl["errors"]),
                 *facts]
    facts_html = "".join(f"<dt>{escape(name)}</dt><dd data-fact=\"{escape(key)}\">{escape(_fmt(value))}</dd>"
                         for key, name, value in facts)
    body = [intro, f'<dl class="facts">{facts_html}</dl>']
    errors = fetch_errors["rows"]
    if errors:
        rows = [f"<tr>{_cell(row['status'], 'num')}<td class=url>{_link(row['url'])}</td>"
                f"{_cell(row['error'])}{_cell(shown(row['at']))}</tr>" for row in errors[:MAX_FETCH_ERRORS]]
        more = len(errors) - MAX_FETCH_ERRORS
        body.append("<h3>" + escape(_("Fetch errors")) + "</h3>"
                    + _table([_("status"), _("url"), _("error"), _("at")], rows, numeric={_("status")},
                             id="fetch-errors"))
        if more > 0:
            body.append("<p class=note>" + escape(_("… and {n} more: the SQL below lists them all.").format(n=more))
                        + "</p>")
    if crawl is not None:
        body.append(_sql_block(_("fetch errors of this crawl"), fetch_errors["sql"], fetch_errors["params"]))
    return _section("crawl", "".join(body))


def _span(span: dict) -> str:
    """The dates the database's documents were published between, or "none"."""
    return f"{span['from']} – {span['to']}" if span["from"] else _("none")


# The words storage.publications' count queries put in their key column, named at display.
COUNT_KEYS = {"(none)": N_("(none)"), "with attachments": N_("with attachments"), "without": N_("without")}


def _counts_section(result: dict, params: dict) -> str:
    counts, tables = result["counts"], []
    for name, heading in (("by_publisher", N_("By publisher")), ("by_category", N_("By category (信息类别)")),
                          ("by_attachments", N_("With attachments")), ("by_year", N_("By year"))):
        rows = [f"<tr>{_cell(_(COUNT_KEYS[key]) if key in COUNT_KEYS else key)}{_cell(value, 'num', value=value)}</tr>"
                for key, value in counts[name].items()]
        tables.append(f"<div><h3>{escape(_(heading))}</h3>"
                      + _table(["", _("documents")], rows, numeric={_("documents")}, data_count=name)
                      + _sql_block(name, COUNT_QUERIES[name], params) + "</div>")
    columns = [f"<tr>{_cell(key)}{_cell(value, 'num', value=value)}</tr>" for key, value in counts["by_column"].items()]
    totals = result["totals"]
    elsewhere = ""
    if not totals["documents"]:
        elsewhere = (" " + _("The database holds documents published {span}.").format(
                         span=_span(totals["published_span"]))
                     if totals["published_span"]["from"] else " " + _("The database holds no documents."))
    lead = _("{n} disclosure documents published {date_from} – {date_to}.").format(
        n=f'{totals["documents"]:,}', date_from=params["date_from"], date_to=params["date_to"])
    body = (f'<p class=lead>{escape(lead + elsewhere)}</p>'
            f'<div class="grid2">{"".join(tables)}</div>'
            "<h3>" + escape(_("By column (a column counts its sub-columns)")) + "</h3>"
            + "<p class=note>" + escape(_(
                "A document counts once by category and once by column: the two tables add up to the same "
                "documents seen two ways, and a column's figure includes its sub-columns, so a figure may "
                "appear in both.")) + "</p>"
            + _table([_("column"), _("documents")], columns, numeric={_("documents")}, data_count="by_column")
            + _sql_block("by_column", COUNT_QUERIES["by_column"], params))
    return _section("counts", body)


def _period_words(result: dict) -> str:
    period = result["period"]
    if result["year"] is not None:
        return _("{year}").format(year=result["year"])
    return _("{date_from} to {date_to}").format(date_from=period["from"], date_to=period["to"])


def _claimed_words(claim: dict) -> str:
    """What the report states, in words: 年报称 2763 条."""
    if claim["value"] is None:
        return _("figure unreadable in the report")
    prefix = {"lower": _("more than "), "approx": _("about ")}.get(claim.get("bound"), "")
    return _("the report says {figure}").format(figure=f"{prefix}{claim['value']} {claim.get('unit') or ''}".strip())


def _observed_words(claim: dict, period: str) -> str:
    """What the portal shows, in words: 门户网站 2020 年公开日期的政府信息公开文件 2,763 条."""
    if claim["observed"] is None:
        return label("status", claim["status"])
    what = claim.get("observes_label") or claim["observes"]
    return _("the portal, published in {period}: {what} {figure}").format(
        period=period, what=what, figure=f"{claim['observed']:,} {claim.get('unit') or ''}".strip())


def _claims_section(result: dict, params: dict) -> str:
    if result["report"] is None:
        return _section("claims", "<p>" + escape(_("No annual report was found or named for this period: "
                                                      "no claims to check.")) + "</p>")
    rows, chart_rows, sql_blocks = [], [], []
    period = _period_words(result)
    for claim in result["claims"]:
        name = label("claim", claim["key"])
        rows.append(
            f'<tr data-key="{escape(claim["key"])}">{_cell(name)}'
            f'<td class="num claimed" data-value="{escape(_fmt(claim["value"]))}">{escape(_claimed_words(claim))}</td>'
            f'<td class="num observed" data-value="{escape(_fmt(claim["observed"]))}">'
            f'{escape(_observed_words(claim, period))}</td>'
            f'{_cell(claim["difference"], "num")}'
            f'{_cell(label("status", claim["status"]), "status-" + claim["status"], status=claim["status"])}'
            f'{_cell(claim.get("quote"))}</tr>'
        )
        if claim["sql"]:
            sql_blocks.append(_sql_block(f"{name}: {claim.get('observes_label') or claim['observes']}",
                                         claim["sql"], params))
        if claim["observed"] is not None and claim["value"] is not None:
            chart_rows.append({"key": claim["key"], "label": name, "claimed": claim["value"],
                               "observed": claim["observed"], "status": claim["status"],
                               "status_label": label("status", claim["status"])})
    statuses = Counter(claim["status"] for claim in result["claims"])
    summary = _(", ").join(f"{count} {label('status', status)}" for status, count in statuses.most_common())
    report = result["report"]
    title = report.get("title") or report["source"]
    linked = (" " + escape(_("(linked from {page})")).format(page=_link(report["page"]))
              if report.get("file") and report.get("page") else "")
    lead = escape(_("The annual report {title} makes {n} claims: {summary}. "
                    "Only figures the portal shows can be observed.")).format(
        title=f"《{_link(report['source'], title)}》{linked}", n=len(result["claims"]), summary=escape(summary))
    body = (f"<p class=lead>{lead}</p>"
            + (paired_bars(chart_rows) if chart_rows else "")
            + _table([_("claim"), _("the report claims"), _("the portal shows"), _("difference"), _("status"),
                      _("the report says")],
                     rows, numeric={_("the report claims"), _("the portal shows"), _("difference")},
                     id="claims-table")
            + "".join(sql_blocks))
    return _section("claims", body)


# The figures a rule compares that are not claims of their own.
FIGURE_NAMES = {
    "prose": N_("prose"), "table": N_("table"), "sum_of_columns": N_("applicant columns added up"),
    "sum_of_results": N_("results added up"), "result_rows": N_("result rows"), "blank_totals": N_("blank totals"),
    "columns_failed": N_("columns that do not add up"), "columns_unknown": N_("columns that cannot be checked"),
    "new_plus_carried_over": N_("new + carried over"), "handled_plus_carried_forward": N_("handled + carried forward"),
}


def _figure_name(name: str) -> str:
    """A rule's figure by its name: a claim key's label, a table cell as the template names it."""
    if name in FIGURE_NAMES:
        return _(FIGURE_NAMES[name])
    return label("claim", name)


def _consistency_section(result: dict) -> str:
    if not result["consistency"]:
        return _section("consistency", "<p>" + escape(_("No statistics tables were read from a report, "
                                                          "so no arithmetic to check.")) + "</p>")
    rows = []
    for rule in result["consistency"]:
        verdict, cls = {True: ("pass", "pass"), False: ("FAIL", "fail"), None: ("incomplete", "")}[rule["passed"]]
        figures = _("; ").join(f"{_figure_name(name)} = {_fmt(value)}" for name, value in rule["figures"].items())
        rows.append(f'<tr data-rule="{escape(rule["rule"])}" data-passed="{escape(verdict)}">'
                    f'{_cell(label("rule", rule["rule"]))}'
                    f"{_cell(_(VERDICTS[rule['passed']]), cls)}{_cell(rule.get('detail'))}{_cell(figures)}</tr>")
    failed = sum(1 for rule in result["consistency"] if rule["passed"] is False)
    lead = _("{n} rules over the report's statistics tables; {failed} failed.").format(n=len(rows), failed=failed)
    return _section("consistency", f"<p class=lead>{escape(lead)}</p>"
                    + _table([_("rule"), _("result"), _("check"), _("figures")], rows, id="consistency-table"))


def _monthly_section(result: dict, monthly: dict, params: dict) -> str:
    values = {(row["month"], row["publisher"]): row["n"] for row in monthly["rows"]}
    months = sorted({month for month, _ in values})
    publishers = [name for name in result["counts"]["by_publisher"] if any((m, name) in values for m in months)]
    chart = (stacked_columns(months, publishers, values) if months
             else "<p>" + escape(_("No publications in the period.")) + "</p>")
    body = ("<p class=lead>" + escape(_("Disclosure documents per month of publication, stacked by publisher "
                                        "(largest publisher at the bottom).")) + "</p>" + chart
            + _sql_block(_("documents per month and publisher"), monthly["sql"], monthly["params"])
            + _sql_block(_("documents per month"), COUNT_QUERIES["by_month"], params))
    return _section("monthly", body)


def _delays_section(result: dict, delays: dict) -> str:
    timely = result["timeliness"]
    limits = [str(limit) for limit in timely["limits"]]
    counts = {row["workdays"]: row["n"] for row in delays["rows"]}
    late = _("; ").join(escape(_("{n} took more than {limit}")).format(
        n=f'<span data-late="{limit}">{timely["late"][limit]}</span>', limit=escape(limit_label(limit)))
        for limit in limits)
    unknown = _(", ").join(f"{count} {_(reason)}" for reason, count in sorted(timely["unknown_reasons"].items()))
    lead = escape(_("{checked} documents have both dates: {late}. Median {median}, 90th percentile {p90}; "
                    "{negative} published before they were formed. {unknown} could not be counted{reasons}.")).format(
        checked=f'<span data-checked>{timely["checked"]}</span>', late=late, median=_fmt(timely["median"]),
        p90=_fmt(timely["p90"]), negative=timely["negative"], unknown=timely["unknown"],
        reasons=(_(": ") + escape(unknown)) if unknown else "")
    lead = f"<p class=lead>{lead}</p>"
    rows = [
        f"<tr>{_cell(publisher)}{_cell(stats['checked'], 'num')}"
        + "".join(_cell(stats["late"][limit], "num", late=limit) for limit in limits)
        + f"{_cell(stats['median'], 'num')}{_cell(stats['p90'], 'num')}</tr>"
        for publisher, stats in timely["by_publisher"].items()
    ]
    columns = [_("publisher"), _("checked"), *(_("late > {limit}").format(limit=limit) for limit in limits),
               _("median"), _("p90")]
    body = (lead + histogram(counts, timely["limits"])
            + _sql_block(_("documents per number of working days"), delays["sql"], delays["params"])
            + _sql_block(_("the timeliness view (working days per document)"), TIMELINESS_VIEW)
            + "<h3>" + escape(_("By publisher")) + "</h3>"
            + _table(columns, rows, sortable=True, numeric=set(columns[1:]), id="delays-by-publisher"))
    return _section("delays", body)


def _late_section(result: dict) -> str:
    timely = result["timeliness"]
    items = timely["late_items"]
    rows = [
        f"<tr>{_cell(item['workdays'], 'num')}{_cell(item['published_on'], 'date')}{_cell(item['created_on'], 'date')}"
        f"{_cell(item['created_on_source'] and label('date_source', item['created_on_source']))}"
        f"{_cell(item['publisher'])}"
        f"<td>{_link(item['url'], item['title'] or item['url'])}</td>{_cell(item['index_no'])}"
        f"{_cell(', '.join(map(str, item['late_for'])))}</tr>"
        for item in items
    ]
    lead = _("{n} documents took more than {limit} from formation to publication. "
             "Click a heading to sort; titles link to the portal.").format(
        n=len(items), limit=limit_label(min(timely["limits"])))
    table = _table([_("working days"), _("published"), _("formed"), _("formed per"), _("publisher"), _("title"),
                    _("index no."), _("late against")], rows, sortable=True, numeric={_("working days")},
                   id="late-table")
    return _section("late", f"<p class=lead>{escape(lead)}</p>" + f'<div class="scroll">{table}</div>')


def _inspection_section(result: dict) -> str:
    """The 单项否决 thresholds crossed and not, each rule's findings with its legal basis, and
    every column's age at the as-of date, oldest first."""
    inspection = result["inspection"]
    crossed = [item for item in inspection["veto"] if item["crossed"]]
    verdicts = {True: _("crossed"), False: _("not crossed")}
    stale = {True: _("stale"), False: ""}
    veto_rows = [f'<tr data-veto="{escape(item["kind"])}" data-crossed="{"yes" if item["crossed"] else "no"}">'
                 f'{_cell(_(item["threshold"]))}{_cell(item["count"], "num")}'
                 f'{_cell(verdicts[item["crossed"]])}</tr>' for item in inspection["veto"]]
    rule_rows = [f'<tr data-rule-kind="{escape(kind)}">{_cell(label("finding", kind))}'
                 f'{_cell(basis("finding", kind))}'
                 f'{_cell(rule["findings"], "num", value=rule["findings"])}</tr>'
                 for kind, rule in inspection["rules"].items()]
    column_rows = [f'<tr data-stale="{"yes" if item["stale"] else "no"}">{_cell(item["column"])}'
                   f'{_cell(_(COLUMN_KINDS[item["kind"]]))}'
                   f'<td class=date>{_link(item["newest_url"], item["newest"])}</td>'
                   f'{_cell(item["age_days"], "num")}{_cell(item["threshold_days"], "num")}'
                   f'{_cell(stale[item["stale"]])}</tr>' for item in inspection["columns"]]
    if crossed:
        verdict = _("The portal crosses {n} of the single-veto (单项否决) thresholds: {which}.").format(
            n=len(crossed), which="; ".join(_(item["threshold"]) for item in crossed))
    else:
        verdict = _("The portal crosses none of the single-veto (单项否决) thresholds.")
    deadline = inspection["report_deadline"]
    if deadline["met"] is None:
        reports = _("No annual report with a year and a date appeared in the period: whether the report "
                    "deadline (Article 49) was met is unknown.")
    else:
        reports = _("Annual reports that appeared in the period, against Article 49's deadline: {judged} judged, "
                    "{late} late.").format(judged=deadline["judged"], late=deadline["late"])
    lead = _("Judged as of {date}.").format(date=result["as_of"]) + " " + verdict + " " + reports
    ages = [_("column"), _("column kind"), _("newest"), _("age (days)"), _("threshold (days)"), ""]
    body = (f"<p class=lead>{escape(lead)}</p>"
            + _table([_("single-veto threshold"), _("count"), _("verdict")], veto_rows, numeric={_("count")},
                     id="veto-table")
            + _table([_("check"), _("basis"), _("findings")], rule_rows, numeric={_("findings")}, id="rules-table")
            + "<h3>" + escape(_("Columns by age of their newest document")) + "</h3>"
            + f'<div class="scroll">{_table(ages, column_rows, sortable=True, numeric={ages[3], ages[4]}, id="column-ages")}</div>'
            + _dead_links_table(inspection.get("links", [])))
    return _section("inspection", body)


def _dead_links_table(rates: list[dict]) -> str:
    """Dead links per column of the page carrying them, and their share of the links whose target answered."""
    no_column, unknown = _("pages that are no document (listings, home page)"), _("unknown")
    rows = [f'<tr data-column="{escape(item["column_path"] or "")}">'
            f'{_cell(item["column_path"] or no_column)}'
            f'{_cell(item["links"], "num")}{_cell(item["checked"], "num")}{_cell(item["dead"], "num")}'
            f'{_cell(unknown if item["dead_percent"] is None else item["dead_percent"], "num")}</tr>'
            for item in rates]
    if not rows:
        return "<h3>" + escape(_("Dead links by column")) + "</h3><p>" + escape(
            _("No crawl recorded the portal's links: the dead-link rate is unknown.")) + "</p>"
    heads = [_("column"), _("links"), _("answered"), _("dead"), _("dead (% of answered)")]
    return ("<h3>" + escape(_("Dead links by column")) + "</h3>"
            + f'<div class="scroll">{_table(heads, rows, sortable=True, numeric=set(heads[1:]), id="dead-links")}</div>')


def _findings_section(result: dict) -> str:
    findings = result["findings"]
    kinds = Counter(finding["kind"] for finding in findings)
    kind_rows = [f'<tr data-kind="{escape(kind)}">{_cell(label("finding", kind))}{_cell(count, "num", value=count)}'
                 f'{_cell(basis("finding", kind))}</tr>' for kind, count in kinds.most_common()]
    rows = [f"<tr data-kind=\"{escape(f['kind'])}\">{_cell(label('finding', f['kind']))}{_cell(f['index_no'])}"
            f"<td class=url>{_link(f['url'])}</td>{_cell(f['detail'])}</tr>" for f in findings]
    columns = [_("kind"), _("index no."), _("url"), _("detail")]
    lead = _("{n} findings of {kinds} kinds.").format(n=len(findings), kinds=len(kinds))
    body = (f"<p class=lead>{escape(lead)}</p>"
            + _table([_("kind"), _("rows"), _("basis")], kind_rows, numeric={_("rows")}, id="findings-by-kind")
            # A recorded audit's findings are in the file; an audit only computed has none there.
            + (_sql_block(_("findings of this audit by kind"), FINDINGS_BY_KIND, {"audit_id": result["audit_id"]})
               if result.get("audit_id") is not None else "")
            + (f'<div class="scroll">{_table(columns, rows, sortable=True, id="findings-table")}</div>'
               if rows else ""))
    return _section("findings", body)


def _headline(result: dict) -> str:
    """The figures an auditor looks for first, each linking to its section."""
    timely = result["timeliness"]
    figures = [("documents", result["totals"]["documents"], _("documents published"), "counts")]
    figures += [(f"late_{limit}", timely["late"][str(limit)],
                 _("late against {limit}").format(limit=limit_label(limit)), "late")
                for limit in timely["limits"]]
    if result["report"] is not None:
        differ = sum(1 for claim in result["claims"] if claim["status"] in ("short", "over"))
        failed = sum(1 for rule in result["consistency"] if rule["passed"] is False)
        figures += [("claims_differ", differ, _("claims the portal contradicts"), "claims"),
                    ("rules_failed", failed, _("arithmetic rules failed"), "consistency")]
    figures.append(("findings", len(result["findings"]), _("data-quality findings"), "findings"))
    items = "".join(f'<li data-headline="{name}"><b>{value}</b><a href="#{anchor}">{escape(label)}</a></li>'
                    for name, value, label, anchor in figures)
    return f'<ul class="headline">{items}</ul>'


def _portal_name(crawl: dict | None) -> str:
    """The portal as people know it: its first start URL's host, else the site profile."""
    if crawl is None:
        return _("the portal")
    start_urls = json.loads(crawl["start_urls"] or "[]")
    host = urlsplit(start_urls[0]).netloc if start_urls else ""
    return host or crawl["site"] or _("the portal")


def _memo_facts(result: dict, crawl: dict | None, db_file: str | None) -> str:
    """Where the report comes from, for a memo: when, by which govwatch, from which file and crawl."""
    facts = [("generated", _("generated"), now_shown()), ("version", _("govwatch version"), __version__)]
    if db_file:
        facts.append(("database", _("database file"), str(db_file)))
    if crawl is not None:
        facts.append(("crawl", _("crawl behind it"), _("#{id}, {started} – {finished}").format(
            id=crawl["id"], started=shown(crawl["started_at"]) or "–", finished=shown(crawl["finished_at"]) or "–")))
    report = result["report"]
    items = "".join(f'<dt>{escape(name)}</dt><dd data-memo="{key}">{escape(value)}</dd>' for key, name, value in facts)
    if report is not None:
        items += ("<dt>" + escape(_("annual report")) + "</dt>"
                  f"<dd data-memo=\"report\">{_link(report['source'], report.get('title') or report['source'])}</dd>")
    return f'<dl class="facts memo">{items}</dl>'


def render_report(result: dict, crawl: dict | None, sql: dict, db_file: str | None = None,
                  site: str | None = None) -> str:
    """The whole report as an HTML document, in the language in use.

    ``result`` is :func:`monitor.audit.run.compute_audit`'s result (with its ``audit_id``
    when it was recorded); ``crawl`` the crawl run the figures describe (a ``crawl_runs``
    row) or None; ``sql`` is :func:`report_data`'s; ``db_file`` the database it was read
    from, named in the report's header; ``site`` the site audited when the file holds
    several, whose rows alone the SQL shown must read.
    """
    period = result["period"]
    params = {"date_from": period["from"], "date_to": period["to"]}
    subject = _period_words(result)
    portal = _portal_name(crawl)
    report = result["report"]
    if report is not None and report.get("title"):
        heading = _("{portal}: audit of the annual report 《{title}》").format(portal=portal, title=report["title"])
    else:
        heading = _("{portal}: government information disclosure audit, {subject}").format(
            portal=portal, subject=subject)
    nav = "".join(f'<a href="#{anchor}">{escape(_(title))}</a>' for anchor, title in SECTIONS)
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
    lead = _("Documents published {date_from} – {date_to}, {recorded} "
             "Figures come from the crawled portal; each carries the SQL that reproduces it.").format(
        date_from=period["from"], date_to=period["to"], recorded=_recorded(result))
    if site is not None:
        lead += " " + _("The database holds several sites and these are the figures of {site} alone: "
                        "each SQL gives them with govwatch query --site {site}.").format(site=site)
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang()}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(heading)}</title><style>{STYLE}</style></head><body><main>"
        f"<h1>{escape(heading)}</h1>{_memo_facts(result, crawl, db_file)}"
        f"<p class=lead>{escape(lead)}</p>"
        f"{_headline(result)}<nav>{nav}</nav>{''.join(sections)}</main><script>{SORT_SCRIPT}</script></body></html>\n"
    )


def _recorded(result: dict) -> str:
    """Whether the audit is recorded in the database, and as which."""
    if result.get("audit_id") is None:
        return _("computed from the database and not recorded in it ('govwatch audit' records an audit).")
    return _("audit #{id} recorded in the database.").format(id=_fmt(result["audit_id"]))


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
    annual report the crawl found (of everything published when it found none). Of a
    file holding several sites, the report is of the ``profile``'s site alone.
    """
    site = audit.get("profile", PROFILES["leda"]).name
    db = open_existing_db(db_path, read_only=True)
    try:
        if not any(audit.get(key) for key in ("year", "date_from", "date_to", "report_path")):
            with site_scope(db, scoped_site(db, site)):
                audit["year"] = latest_report_year(db)
        result = compute_audit(db, **audit)
        return save_report(db, result, out, audit.get("calendar", OFFICIAL), db_file=str(db_path), site=site), result
    except AuditError as exc:
        raise UsageError(str(exc)) from None
    finally:
        db.close()


def save_report(db, result: dict, out: str | Path, calendar: WorkCalendar = OFFICIAL,
                db_file: str | None = None, site: str | None = None) -> Path:
    """Render the report of an audit already computed, on ``calendar``, and write it to ``out``;
    ``db_file`` names the database in the report, ``site`` the site audited (the report's
    series are of its rows alone when the file holds several)."""
    out = Path(out)
    site = scoped_site(db, site)
    with site_scope(db, site):
        data = report_data(db, result, calendar)
    html = render_report(result, result["totals"]["last_crawl"], data, db_file, site)
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise RunError(f"cannot write {out}: {exc.strerror or exc}") from None
    return out


def cmd_report(args) -> int:
    """``govwatch report``: write the audit as one HTML file; of a file holding several sites
    (and no ``--site``), a report per site and the fleet page linking them at ``--out``."""
    from monitor.audit.commands import audit_request, audited_profiles, warn_if_empty
    from monitor.report.fleet import write_fleet_report

    started = time.monotonic()
    request, named = audit_request(args), site_profiles(args)
    db = open_existing_db(args.db, read_only=True)
    try:
        profiles = audited_profiles(args, db, named)
    finally:
        db.close()
    if len(profiles) == 1:
        path, result = write_report(args.db, args.out, **request, profile=profiles[0])
        warn_if_empty(args.command, result)
    else:
        path, results = write_fleet_report(args.db, args.out, profiles, **request)
        for name, result in results.items():
            warn_if_empty(args.command, result, name)
    print(_("wrote {path} ({size} bytes) in {seconds:.1f} s").format(
        path=path, size=path.stat().st_size, seconds=time.monotonic() - started))
    return 0
