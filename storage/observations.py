"""The figures a crawl observes, each the way a site profile says an annual report's claim is checked.

An observation is data from a profile (``{"observe": "column", "column": "政策解读"}``);
:func:`observation` turns it into what the figure counts and the SQL that counts it, with
the period as the parameters ``:date_from`` and ``:date_to``. A new way of observing is
a new entry in ``KINDS``.
"""

from collections.abc import Mapping

import sqlite_utils

IN_RANGE = "published_on BETWEEN :date_from AND :date_to"


def _sql_text(value: str) -> str:
    """``value`` as an SQL string literal's contents (the SQL is shown to people, so not bound)."""
    return value.replace("'", "''")


def _documents(spec: Mapping) -> tuple[str, str]:
    return ("disclosure documents published on the portal in the period",
            f"SELECT count(*) FROM publications WHERE {IN_RANGE}")


def _column(spec: Mapping) -> tuple[str, str]:
    column = spec["column"]
    gloss = f" ({spec['gloss']})" if spec.get("gloss") else ""
    return (f"documents under a {column}{gloss} column",
            f"SELECT count(*) FROM publications WHERE {IN_RANGE} AND column_path LIKE '%{_sql_text(column)}%'")


def _max_workdays(spec: Mapping) -> tuple[str, str]:
    return ("most working days any document took from formation to publication",
            f"SELECT max(workdays) FROM timeliness WHERE {IN_RANGE}")


# kind: (how it is observed, required keys, optional keys)
KINDS = {
    "documents": (_documents, set(), set()),
    "column": (_column, {"column"}, {"gloss"}),
    "max_workdays": (_max_workdays, set(), set()),
}


def observation(spec: Mapping) -> tuple[str, str]:
    """What the observation ``spec`` counts and its SQL; ValueError naming what is wrong with it."""
    kind = spec.get("observe")
    if kind not in KINDS:
        raise ValueError(f"'observe' must be one of {', '.join(sorted(KINDS))}, not {kind!r}")
    observe, required, optional = KINDS[kind]
    missing = sorted(required - set(spec))
    unknown = sorted(set(spec) - required - optional - {"observe"})
    if missing or unknown:
        raise ValueError(f"'observe = \"{kind}\"' needs {', '.join(sorted(required)) or 'no other key'}"
                         f"{'; missing ' + ', '.join(missing) if missing else ''}"
                         f"{'; unknown ' + ', '.join(unknown) if unknown else ''}")
    if any(not isinstance(spec[key], str) or not spec[key].strip() for key in required | (optional & set(spec))):
        raise ValueError(f"the keys of 'observe = \"{kind}\"' must be non-empty text")
    return observe(spec)


def observed(db: sqlite_utils.Database, sql: str, date_from: str, date_to: str):
    """The figure an observation's SQL gives for the period (None when there is nothing to count)."""
    return db.execute(sql, {"date_from": date_from, "date_to": date_to}).fetchone()[0]
