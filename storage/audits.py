"""The audit's own records: one ``audit_runs`` row per recorded audit, with its findings."""

import json

import sqlite_utils

from storage.runs import utc_now
from storage.transactions import write_transaction

# The counts by kind of a recorded audit's findings, as the report shows them.
FINDINGS_BY_KIND = "SELECT kind, count(*) AS n FROM findings WHERE audit_id = :audit_id GROUP BY kind ORDER BY n DESC"


def record_audit(db: sqlite_utils.Database, result: dict, limits, *, site: str) -> int:
    """Store ``site``'s audit result and its findings in one write transaction; return the audit id."""
    with write_transaction(db):
        audit_id = db["audit_runs"].insert(
            {
                "site": site,
                "ran_at": utc_now(),
                "date_from": result["period"]["from"],
                "date_to": result["period"]["to"],
                "report": result["report"]["source"] if result["report"] else None,
                "limits": json.dumps(list(limits)),
                "result": json.dumps(result, ensure_ascii=False, default=str),
            }
        ).last_pk
        db["findings"].insert_all(
            ({"audit_id": audit_id, "site": site, **finding} for finding in result["findings"]), batch_size=1000
        )
    return audit_id
