"""``govwatch audit``, and the request an audit or a report is made of."""

import datetime as dt
import json
import sys

from monitor.audit import DEFAULT_LIMITS
from monitor.errors import UsageError, open_existing_db, site_profile


def cmd_audit(args) -> int:
    """Audit the database: counts, timeliness, the report's claims and data quality."""
    from monitor.audit.run import AuditError, run_audit
    from monitor.labels import labelled_audit
    from monitor.report.terminal import print_audit

    request = audit_request(args)
    db = open_existing_db(args.db)
    try:
        result = run_audit(db, **request)
    except AuditError as exc:
        raise UsageError(str(exc)) from None
    finally:
        db.close()
    warn_if_empty(args.command, result)
    if args.json:
        print(json.dumps(labelled_audit(result), ensure_ascii=False, indent=2, default=str))
    else:
        if args.top < 0:
            raise UsageError(f"--top must be 0 or more, not {args.top}")
        print_audit(result, top=args.top)
    return 0


def audit_request(args) -> dict:
    """``run_audit``'s keyword arguments from the options of :func:`add_audit_arguments`.

    A calendar or profile file that cannot be read is a UsageError.
    """
    from monitor.audit.workdays import OFFICIAL, CalendarFileError, load_calendar

    try:
        calendar = load_calendar(args.calendar) if args.calendar else OFFICIAL
    except CalendarFileError as exc:
        raise UsageError(str(exc)) from None
    return {
        "year": args.year, "date_from": args.date_from, "date_to": args.date_to, "report_path": args.report,
        "limits": tuple(sorted(set(args.limit or DEFAULT_LIMITS))), "calendar": calendar, "profile": site_profile(args),
        "as_of": dt.date.fromisoformat(args.as_of) if args.as_of else None,
    }


def warn_if_empty(command: str, result: dict) -> None:
    """Say on stderr when the audited period holds no documents, naming the dates the database holds."""
    if result["totals"]["documents"]:
        return
    period, span = result["period"], result["totals"]["published_span"]
    held = (f"the database holds documents published {span['from']} .. {span['to']}" if span["from"]
            else "the database holds no documents: run 'govwatch crawl' first")
    print(f"govwatch {command}: no documents were published {period['from']} .. {period['to']}; {held}",
          file=sys.stderr)
