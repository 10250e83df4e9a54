"""The fleet page: every site of a database of several ranked on the same figures.

:func:`fleet_rows` is pure: each site's audit result in, the ranking's rows out, with the
columns and order of ``storage.canned_queries.FLEET_RANKING``, which gives the same rows
from the file once ``govwatch audit`` has recorded each site's audit (the page shows that
SQL). A figure an audit cannot give (a claim count without a report, a report deadline
with no report judged) is None, shown as "unknown".
"""

import re
from html import escape
from pathlib import Path

from monitor.audit.run import AuditError, compute_audit, latest_report_year
from monitor.audit.workdays import OFFICIAL
from monitor.errors import RunError, UsageError, open_existing_db
from monitor.i18n import N_, _, html_lang
from monitor.report.html import SORT_SCRIPT, STYLE, _sql_block, save_report
from storage.canned_queries import FLEET_RANKING
from storage.sites import site_scope

# The ranking's columns, FLEET_RANKING's, with what each says.
COLUMNS = (
    ("site", N_("site")),
    ("checked", N_("documents whose delay is known")),
    ("late_15_percent", N_("% late against 15 working days")),
    ("late_20_percent", N_("% late against 20 working days")),
    ("claims_contradicted", N_("claims the portal contradicts")),
    ("rule_findings", N_("findings")),
    ("stale_columns", N_("stale columns")),
    ("blank_columns", N_("blank columns")),
    ("dead_link_percent", N_("% dead links")),
    ("report_deadline_met", N_("report deadline met")),
)


def _share_late(timeliness: dict, limit: int) -> float | None:
    """The percentage late against ``limit`` of the documents whose delay is known, as
    FLEET_RANKING rounds it; None when no delay is known or the audit had no such limit."""
    late = timeliness["late"].get(str(limit))
    if late is None or not timeliness["checked"]:
        return None
    return round(100.0 * late / timeliness["checked"], 1)


def _findings_of(result: dict, kind: str) -> int:
    return sum(1 for finding in result["findings"] if finding["kind"] == kind)


def _dead_link_share(columns: list[dict]) -> float | None:
    """Dead links over the links whose target answered, all columns together, as
    FLEET_RANKING rounds it; None when no target answered."""
    checked = sum(column["checked"] for column in columns)
    return round(100.0 * sum(column["dead"] or 0 for column in columns) / checked, 1) if checked else None


def fleet_rows(results: dict[str, dict]) -> list[dict]:
    """The ranking of the sites whose audit results ``results`` holds by name, worst
    timeliness first (FLEET_RANKING's order)."""
    rows = []
    for site, result in results.items():
        timely = result["timeliness"]
        contradicted = (None if result["report"] is None else
                        sum(1 for claim in result["claims"] if claim["status"] in ("short", "over")))
        rows.append({"site": site, "checked": timely["checked"], "late_15_percent": _share_late(timely, 15),
                     "late_20_percent": _share_late(timely, 20), "claims_contradicted": contradicted,
                     "rule_findings": len(result["findings"]),
                     "stale_columns": _findings_of(result, "stale_column"),
                     "blank_columns": _findings_of(result, "blank_column"),
                     "dead_link_percent": _dead_link_share(result["inspection"]["links"]),
                     "report_deadline_met": result["inspection"]["report_deadline"]["met"]})
    # Nulls last, as FLEET_RANKING's DESC NULLS LAST puts them.
    rows.sort(key=lambda row: (row["late_15_percent"] is None, -(row["late_15_percent"] or 0),
                               row["late_20_percent"] is None, -(row["late_20_percent"] or 0), row["site"]))
    return rows


def _shown(value) -> str:
    if value is None:
        return _("unknown")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def render_fleet(rows: list[dict], pages: dict[str, str], titles: dict[str, str], year: int | None,
                 period: dict) -> str:
    """The fleet page as an HTML document: the ranking, each site linking to its own report
    (``pages``, relative paths by site), and the SQL that gives the ranking from the file."""
    head = "".join(f'<th class=num><button type="button">{escape(_(label))}</button></th>'
                   if name != "site" else f'<th><button type="button">{escape(_(label))}</button></th>'
                   for name, label in COLUMNS)
    body = []
    for row in rows:
        site = row["site"]
        cells = [f'<td data-site="{escape(site)}"><a href="{escape(pages[site])}">{escape(titles[site])}</a>'
                 f" <code>{escape(site)}</code></td>"]
        cells += [f'<td class=num data-figure="{name}">{escape(_shown(row[name]))}</td>'
                  for name, _label in COLUMNS[1:]]
        body.append(f"<tr>{''.join(cells)}</tr>")
    heading = _("The fleet: {n} sites ranked on the same figures").format(n=len(rows))
    lead = _("Documents published {date_from} – {date_to}, each site audited on its own (its report is one "
             "click away). The SQL below gives the same ranking from the database file once 'govwatch audit' "
             "has recorded each site's audit of the period; \"unknown\" is a figure that cannot be computed.").format(
        date_from=period["from"], date_to=period["to"])
    sql = _sql_block(_("the fleet ranking"), FLEET_RANKING, {"year": "" if year is None else str(year)})
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang()}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(heading)}</title><style>{STYLE}</style></head><body><main>"
        f"<h1>{escape(heading)}</h1><p class=lead>{escape(lead)}</p>"
        f'<section id="fleet"><table class="sortable" data-table="fleet"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>{sql}</section>"
        f"</main><script>{SORT_SCRIPT}</script></body></html>\n"
    )


def site_page(out: Path, number: int, site: str) -> Path:
    """Where a site's report of a fleet report ``out`` goes: beside it, numbered, the name
    kept to characters every file system takes."""
    return out.with_name(f"{out.stem}-{number}-{re.sub(r'[^A-Za-z0-9_-]', '_', site)}{out.suffix or '.html'}")


def write_fleet_report(db_path, out, profiles: list, **audit) -> tuple[Path, dict[str, dict]]:
    """Audit each site of ``profiles`` with ``compute_audit``'s keyword arguments ``audit``
    on a read-only connection, recording nothing; write each site's report and, at ``out``,
    the fleet page linking them; return the fleet page and the results by site.

    Every site is audited on one period, so the ranking compares like with like: without
    a year, a period or a report file, the latest year any site's crawled report is on.
    """
    out = Path(out)
    calendar = audit.get("calendar", OFFICIAL)
    db = open_existing_db(db_path, read_only=True)
    try:
        if not any(audit.get(key) for key in ("year", "date_from", "date_to", "report_path")):
            years = []
            for profile in profiles:
                with site_scope(db, profile.name):
                    years.append(latest_report_year(db))
            audit["year"] = max((year for year in years if year is not None), default=None)
        results, pages = {}, {}
        for number, profile in enumerate(profiles, 1):
            results[profile.name] = compute_audit(db, **audit, profile=profile)
            page = site_page(out, number, profile.name)
            save_report(db, results[profile.name], page, calendar, db_file=str(db_path), site=profile.name)
            pages[profile.name] = page.name
    except AuditError as exc:
        raise UsageError(str(exc)) from None
    finally:
        db.close()
    period = next(iter(results.values()))["period"]
    html = render_fleet(fleet_rows(results), pages, {profile.name: profile.title for profile in profiles},
                        audit.get("year"), period)
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise RunError(f"cannot write {out}: {exc.strerror or exc}") from None
    return out, results
