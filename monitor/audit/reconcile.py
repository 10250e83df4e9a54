"""Reconciling an annual report's claims with what the crawl observed.

``CLAIM_QUERIES`` is the documented mapping from claim keys to the SQL that observes
them, per site profile. Claims the portal cannot show (Weibo posts, reading-room
visits, applications) have no query and are listed as not observable.
"""

import sqlite_utils

IN_RANGE = "published_on BETWEEN :date_from AND :date_to"

# key: (what the observed figure counts, the SQL that counts it)
NATIONAL_COLUMNS = {
    "portal_items": (
        "disclosure documents published on the portal in the period",
        f"SELECT count(*) FROM publications WHERE {IN_RANGE}",
    ),
    "interpretations": (
        "documents under a 政策解读 (policy interpretation) column",
        f"SELECT count(*) FROM publications WHERE {IN_RANGE} AND column_path LIKE '%政策解读%'",
    ),
    "key_area_items": (
        "documents under a 重点领域 (key areas) column",
        f"SELECT count(*) FROM publications WHERE {IN_RANGE} AND column_path LIKE '%重点领域%'",
    ),
    "timeliness_limit_workdays": (
        "most working days any document took from formation to publication",
        f"SELECT max(workdays) FROM timeliness WHERE {IN_RANGE}",
    ),
}
# The column names follow the national disclosure-directory template, so the generic
# profile shares leda's mapping; a portal that names them otherwise gets its own entry.
CLAIM_QUERIES = {"leda": NATIONAL_COLUMNS, "generic": NATIONAL_COLUMNS}
# Figures promised as a ceiling ("within N working days") rather than a count.
UPPER_BOUND_KEYS = {"timeliness_limit_workdays"}
# How far an 约/近/左右 figure may be from the observed one and still hold.
APPROX_TOLERANCE = 0.10


def claim_status(claimed: int, observed: int, bound: str | None, key: str) -> str:
    """``match``, ``short``, ``over`` or ``within_bound`` for one claim.

    余/多/超过 figures (bound ``lower``) promise more than the number; 约/近/左右
    (``approx``) within APPROX_TOLERANCE of it; a promised ceiling holds while the
    observed figure stays at or under it.
    """
    if key in UPPER_BOUND_KEYS:
        return "within_bound" if observed <= claimed else "over"
    if bound == "lower":
        return "within_bound" if observed > claimed else "short"
    if bound == "approx" and abs(observed - claimed) <= APPROX_TOLERANCE * claimed:
        return "within_bound"
    if observed == claimed:
        return "match"
    return "short" if observed < claimed else "over"


def reconcile(db: sqlite_utils.Database, claims: list[dict], profile: str, date_from: str, date_to: str) -> list[dict]:
    """Each claim with its observed figure, difference, status and the SQL behind it."""
    queries = CLAIM_QUERIES.get(profile, NATIONAL_COLUMNS)
    params = {"date_from": date_from, "date_to": date_to}
    results = []
    for claim in claims:
        row = {**claim, "observed": None, "difference": None, "status": "not_observable",
               "observes": None, "sql": None}
        if claim["key"] in queries:
            meaning, sql = queries[claim["key"]]
            row.update(observes=meaning, sql=sql)
            if not claim.get("readable", True) or claim.get("value") is None:
                row["status"] = "unreadable"
            else:
                observed = db.execute(sql, params).fetchone()[0]
                if observed is None:
                    row["status"] = "no_data"
                else:
                    row.update(observed=observed, difference=observed - claim["value"],
                               status=claim_status(claim["value"], observed, claim.get("bound"), claim["key"]))
        results.append(row)
    return results
