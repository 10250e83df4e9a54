"""Canned queries over the database: the SQL Datasette offers ready to run (``govwatch explore``).

Each has its ``sql`` and, when it takes any, the named ``params`` a person fills in; empty
parameters fall back to the defaults the SQL names. ``monitor.report.datasette_metadata``
gives each its title and description.
"""

from storage.links import DEAD, SHOWN_LINKS

# The fleet view: every site on the same figures, worst timeliness first. Share late is
# over the documents whose delay is known (null when none is); claims and findings are
# those of the site's newest audit (null before its first; claims null too when that
# audit found no annual report, as nothing could be contradicted); the dead-link rate is
# over the links pages show whose target answered (null when none did, or no link is
# recorded); stale and blank columns are the newest audit's findings of those kinds; the
# report deadline is that audit's judgement of the reports that appeared in its period
# (1 met, 0 one was late, null when it judged none or before the site's first audit).
FLEET_RANKING = (
    "WITH late AS (\n"
    "  SELECT d.site, count(t.workdays) AS checked,\n"
    "    round(100.0 * sum(t.workdays > 15) / nullif(count(t.workdays), 0), 1) AS late_15_percent,\n"
    "    round(100.0 * sum(t.workdays > 20) / nullif(count(t.workdays), 0), 1) AS late_20_percent\n"
    "  FROM timeliness AS t JOIN documents AS d USING (url)\n"
    "  WHERE coalesce(:year, '') = '' OR substr(t.published_on, 1, 4) = :year\n"
    "  GROUP BY d.site),\n"
    "newest AS (SELECT site, max(id) AS audit_id FROM audit_runs GROUP BY site),\n"
    f"dead AS (SELECT l.site, round(100.0 * sum({DEAD}) / nullif(count(c.status), 0), 1) AS dead_link_percent\n"
    f"  FROM {SHOWN_LINKS} AS l LEFT JOIN link_checks AS c ON c.url = l.to_url GROUP BY l.site)\n"
    "SELECT late.site, late.checked, late.late_15_percent, late.late_20_percent,\n"
    "  CASE WHEN (SELECT json_extract(result, '$.report') FROM audit_runs WHERE id = newest.audit_id) IS NOT NULL THEN\n"
    "    (SELECT count(*) FROM audit_runs AS a, json_each(a.result, '$.claims') AS c WHERE a.id = newest.audit_id\n"
    "     AND json_extract(c.value, '$.status') IN ('short', 'over')) END AS claims_contradicted,\n"
    "  CASE WHEN newest.audit_id IS NOT NULL THEN\n"
    "    (SELECT count(*) FROM findings AS f WHERE f.audit_id = newest.audit_id) END AS rule_findings,\n"
    "  CASE WHEN newest.audit_id IS NOT NULL THEN\n"
    "    (SELECT count(*) FROM findings AS f WHERE f.audit_id = newest.audit_id AND f.kind = 'stale_column') END\n"
    "    AS stale_columns,\n"
    "  CASE WHEN newest.audit_id IS NOT NULL THEN\n"
    "    (SELECT count(*) FROM findings AS f WHERE f.audit_id = newest.audit_id AND f.kind = 'blank_column') END\n"
    "    AS blank_columns,\n"
    "  dead.dead_link_percent,\n"
    "  (SELECT json_extract(result, '$.inspection.report_deadline.met') FROM audit_runs WHERE id = newest.audit_id)\n"
    "    AS report_deadline_met\n"
    "FROM late LEFT JOIN newest USING (site) LEFT JOIN dead USING (site)\n"
    "ORDER BY late.late_15_percent DESC NULLS LAST, late.late_20_percent DESC NULLS LAST, late.site"
)

def _of_site(column: str = "site") -> str:
    """A canned query's site: the one named, or every site (each row saying whose) when empty."""
    return f"(coalesce(:site, '') = '' OR {column} = :site)"


SITE = _of_site()
# The newest audit of each site, or of the one named.
NEWEST_AUDITS = f"SELECT max(id) FROM audit_runs WHERE {SITE} GROUP BY site"

CANNED_QUERIES = {
    "late_by_publisher": {
        "sql": (
            "SELECT site, coalesce(nullif(publisher, ''), '(none)') AS publisher, count(*) AS checked,\n"
            "  sum(workdays > CAST(coalesce(nullif(:limit, ''), 15) AS INTEGER)) AS late,\n"
            "  round(100.0 * sum(workdays > CAST(coalesce(nullif(:limit, ''), 15) AS INTEGER)) / count(*), 1) AS late_percent,\n"
            "  max(workdays) AS most_workdays\n"
            "FROM timeliness\n"
            "WHERE workdays IS NOT NULL AND (coalesce(:year, '') = '' OR substr(published_on, 1, 4) = :year)\n"
            f"  AND {SITE}\n"
            "GROUP BY site, 2 ORDER BY late DESC, site, publisher"
        ),
        "params": ["limit", "year", "site"],
    },
    "late_documents": {
        "sql": (
            "SELECT site, workdays, published_on, created_on, created_on_source, title, index_no, url\n"
            "FROM timeliness\n"
            "WHERE publisher = :publisher AND workdays > CAST(coalesce(nullif(:limit, ''), 15) AS INTEGER)\n"
            f"  AND {SITE}\n"
            "ORDER BY workdays DESC, published_on, url"
        ),
        "params": ["publisher", "limit", "site"],
    },
    "claims_of_last_audit": {
        "sql": (
            "SELECT audit_runs.site, json_extract(c.value, '$.key') AS claim, json_extract(c.value, '$.value') AS claimed,\n"
            "  json_extract(c.value, '$.observed') AS observed, json_extract(c.value, '$.difference') AS difference,\n"
            "  json_extract(c.value, '$.status') AS status, json_extract(c.value, '$.sql') AS sql\n"
            "FROM audit_runs, json_each(audit_runs.result, '$.claims') AS c\n"
            f"WHERE audit_runs.id IN ({NEWEST_AUDITS})\n"
            "ORDER BY audit_runs.site, c.key"
        ),
        "params": ["site"],
    },
    "findings_by_kind": {
        "sql": (
            "SELECT site, kind, count(*) AS findings FROM findings\n"
            f"WHERE audit_id IN ({NEWEST_AUDITS})\n"
            "GROUP BY site, kind ORDER BY site, findings DESC, kind"
        ),
        "params": ["site"],
    },
    "column_month_documents": {
        "sql": (
            "SELECT p.site, c.column_path, p.published_on, p.publisher, p.title, p.url\n"
            "FROM document_columns AS c JOIN publications AS p USING (url)\n"
            "WHERE c.column_name = :column AND p.month = :month\n"
            f"  AND {_of_site('p.site')}\n"
            "ORDER BY p.site, p.published_on, p.url"
        ),
        "params": ["column", "month", "site"],
    },
    "fleet_ranking": {"sql": FLEET_RANKING, "params": ["year"]},
}
# Queries the demo suggests a person types next, with ``govwatch query`` or ``sqlite3``.
YEARLY_COUNTS = "SELECT year, count(*) FROM publications GROUP BY year"
VERY_LATE_DOCUMENTS = "SELECT publisher, workdays, title FROM timeliness WHERE workdays > 20"
