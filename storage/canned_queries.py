"""Canned queries over the database: the SQL Datasette offers ready to run (``govwatch explore``).

Each has its ``sql`` and, when it takes any, the named ``params`` a person fills in; empty
parameters fall back to the defaults the SQL names. ``monitor.report.datasette_metadata``
gives each its title and description.
"""

CANNED_QUERIES = {
    "late_by_publisher": {
        "sql": (
            "SELECT coalesce(nullif(publisher, ''), '(none)') AS publisher, count(*) AS checked,\n"
            "  sum(workdays > CAST(coalesce(nullif(:limit, ''), 15) AS INTEGER)) AS late,\n"
            "  round(100.0 * sum(workdays > CAST(coalesce(nullif(:limit, ''), 15) AS INTEGER)) / count(*), 1) AS late_percent,\n"
            "  max(workdays) AS most_workdays\n"
            "FROM timeliness\n"
            "WHERE workdays IS NOT NULL AND (coalesce(:year, '') = '' OR substr(published_on, 1, 4) = :year)\n"
            "GROUP BY 1 ORDER BY late DESC, publisher"
        ),
        "params": ["limit", "year"],
    },
    "late_documents": {
        "sql": (
            "SELECT workdays, published_on, created_on, created_on_source, title, index_no, url\n"
            "FROM timeliness\n"
            "WHERE publisher = :publisher AND workdays > CAST(coalesce(nullif(:limit, ''), 15) AS INTEGER)\n"
            "ORDER BY workdays DESC, published_on"
        ),
        "params": ["publisher", "limit"],
    },
    "claims_of_last_audit": {
        "sql": (
            "SELECT json_extract(c.value, '$.key') AS claim, json_extract(c.value, '$.value') AS claimed,\n"
            "  json_extract(c.value, '$.observed') AS observed, json_extract(c.value, '$.difference') AS difference,\n"
            "  json_extract(c.value, '$.status') AS status, json_extract(c.value, '$.sql') AS sql\n"
            "FROM audit_runs, json_each(audit_runs.result, '$.claims') AS c\n"
            "WHERE audit_runs.id = (SELECT max(id) FROM audit_runs)"
        ),
    },
    "findings_by_kind": {
        "sql": (
            "SELECT kind, count(*) AS findings FROM findings\n"
            "WHERE audit_id = (SELECT max(id) FROM audit_runs)\n"
            "GROUP BY kind ORDER BY findings DESC, kind"
        ),
    },
    "column_month_documents": {
        "sql": (
            "SELECT c.column_path, p.published_on, p.publisher, p.title, p.url\n"
            "FROM document_columns AS c JOIN publications AS p USING (url)\n"
            "WHERE c.column_name = :column AND p.month = :month\n"
            "ORDER BY p.published_on, p.url"
        ),
        "params": ["column", "month"],
    },
}
# Queries the demo suggests a person types next, with ``govwatch query`` or ``sqlite3``.
YEARLY_COUNTS = "SELECT year, count(*) FROM publications GROUP BY year"
VERY_LATE_DOCUMENTS = "SELECT publisher, workdays, title FROM timeliness WHERE workdays > 20"
