"""Reconciling an annual report's claims with what the crawl observed.

A site profile's ``claims`` map claim keys to how the portal shows them
(:mod:`storage.observations` holds the SQL). Claims the portal cannot show (Weibo
posts, reading-room visits, applications) have no observation and are listed as not
observable.
"""

from collections.abc import Mapping

import sqlite_utils

from monitor.labels import observation_label
from storage.observations import observation, observed

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


def reconcile(db: sqlite_utils.Database, claims: list[dict], observations: Mapping[str, Mapping],
              date_from: str, date_to: str) -> list[dict]:
    """Each claim with its observed figure, difference, status and the SQL behind it;
    ``observations`` is a site profile's ``claims`` mapping. ``observes`` says what the
    figure counts in English (storage's words), ``observes_label`` in the language in use."""
    results = []
    for claim in claims:
        row = {**claim, "observed": None, "difference": None, "status": "not_observable",
               "observes": None, "observes_label": None, "sql": None}
        if claim["key"] in observations:
            meaning, sql = observation(observations[claim["key"]])
            row.update(observes=meaning, observes_label=observation_label(observations[claim["key"]]), sql=sql)
            if not claim.get("readable", True) or claim.get("value") is None:
                row["status"] = "unreadable"
            else:
                figure = observed(db, sql, date_from, date_to)
                if figure is None:
                    row["status"] = "no_data"
                else:
                    row.update(observed=figure, difference=figure - claim["value"],
                               status=claim_status(claim["value"], figure, claim.get("bound"), claim["key"]))
        results.append(row)
    return results
