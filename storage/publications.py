"""Publication counts by year, month, publisher, column, category and attachments.

Each count is one GROUP BY over the ``publications`` view or the documents' breadcrumbs,
kept here as SQL text so an auditor can rerun exactly the query behind a figure (the
report shows it).
"""

import sqlite_utils

RANGE = "published_on BETWEEN :date_from AND :date_to"
# An annual report is found by its 年报 column or its title.
ANNUAL_REPORTS = "is_disclosure = 1 AND (column_path LIKE '%年报%' OR title LIKE '%年度报告%')"

COUNT_QUERIES = {
    "by_year": f"SELECT year AS key, count(*) AS n FROM publications WHERE {RANGE} GROUP BY key ORDER BY key",
    "by_month": f"SELECT month AS key, count(*) AS n FROM publications WHERE {RANGE} GROUP BY key ORDER BY key",
    "by_publisher": (
        f"SELECT coalesce(nullif(publisher, ''), '(none)') AS key, count(*) AS n FROM publications"
        f" WHERE {RANGE} GROUP BY key ORDER BY n DESC, key"
    ),
    "by_category": (
        f"SELECT coalesce(nullif(category, ''), '(none)') AS key, count(*) AS n FROM publications"
        f" WHERE {RANGE} GROUP BY key ORDER BY n DESC, key"
    ),
    "by_attachments": (
        f"SELECT CASE has_attachments WHEN 1 THEN 'with attachments' ELSE 'without' END AS key,"
        f" count(*) AS n FROM publications WHERE {RANGE} GROUP BY key ORDER BY key"
    ),
    # Every level of the breadcrumb: a document under 政府信息公开 >> 政策解读 counts for
    # both paths, so a column's figure includes its sub-columns.
    # The documents are grouped by breadcrumb before the levels are expanded, since a
    # portal has a few dozen breadcrumbs and up to a million documents. MATERIALIZED
    # keeps SQLite from evaluating the correlated group_concat inside the outer GROUP BY.
    "by_column": (
        "WITH crumbs AS (SELECT breadcrumb, count(*) AS n FROM documents"
        " WHERE is_disclosure = 1 AND published_on BETWEEN :date_from AND :date_to GROUP BY breadcrumb),"
        " levels AS MATERIALIZED (SELECT (SELECT group_concat(part.value, ' >> ')"
        " FROM json_each(c.breadcrumb) AS part WHERE part.key <= level.key) AS key, c.n AS n"
        " FROM crumbs AS c, json_each(c.breadcrumb) AS level)"
        " SELECT key, sum(n) AS n FROM levels GROUP BY key ORDER BY key"
    ),
}
# Publications per month and publisher, which the report charts and the audit does not hold.
MONTHLY_BY_PUBLISHER = (
    "SELECT month, coalesce(nullif(publisher, ''), '(none)') AS publisher, count(*) AS n"
    f" FROM publications WHERE {RANGE} GROUP BY month, publisher ORDER BY month, publisher"
)


def publication_counts(db: sqlite_utils.Database, date_from: str, date_to: str) -> dict:
    """Every count of ``COUNT_QUERIES`` for documents published in ``[date_from, date_to]``."""
    params = {"date_from": date_from, "date_to": date_to}
    return {name: dict(db.execute(sql, params).fetchall()) for name, sql in COUNT_QUERIES.items()}


def total_documents(db: sqlite_utils.Database, date_from: str, date_to: str) -> int:
    """Disclosure documents published in the range."""
    return db.execute(
        f"SELECT count(*) FROM publications WHERE {RANGE}", {"date_from": date_from, "date_to": date_to}
    ).fetchone()[0]


def published_span(db: sqlite_utils.Database) -> tuple[str | None, str | None]:
    """The first and last publication dates of the disclosure documents; Nones when there are none."""
    return tuple(db.execute("SELECT min(published_on), max(published_on) FROM publications").fetchone())


def all_time_documents(db: sqlite_utils.Database) -> int:
    """Disclosure documents of every date (and none)."""
    return db.execute("SELECT count(*) FROM publications").fetchone()[0]


def stored_documents(db: sqlite_utils.Database) -> int:
    """Documents the database holds that the portal has not removed."""
    return db.execute("SELECT count(*) FROM documents WHERE removed_at IS NULL").fetchone()[0]


def annual_report_titles(db: sqlite_utils.Database) -> list[str]:
    """The titles of every crawled annual report."""
    return [title for (title,) in db.execute(f"SELECT title FROM documents WHERE {ANNUAL_REPORTS}")]


def annual_report_page(db: sqlite_utils.Database, year: int) -> dict | None:
    """The newest crawled annual-report page whose title names ``year``: ``{url, title, body_text}``, or None."""
    row = db.execute(
        "SELECT url, title, body_text FROM documents"
        f" WHERE {ANNUAL_REPORTS} AND (title LIKE :title OR title LIKE :spaced)"
        " ORDER BY published_on DESC LIMIT 1",
        {"title": f"%{year}年%", "spaced": f"%{year} 年%"},
    ).fetchone()
    return dict(zip(("url", "title", "body_text"), row)) if row else None


def monthly_by_publisher(db: sqlite_utils.Database, date_from: str, date_to: str) -> list[dict]:
    """``MONTHLY_BY_PUBLISHER``'s rows ``{month, publisher, n}`` for the range."""
    return list(db.query(MONTHLY_BY_PUBLISHER, {"date_from": date_from, "date_to": date_to}))
