"""``govwatch audit``, and the request an audit or a report is made of."""

import datetime as dt
import json
import sys

from monitor.audit import DEFAULT_LIMITS
from monitor.errors import UsageError, open_existing_db, site_profile, site_profiles


def cmd_audit(args) -> int:
    """Audit the database: counts, timeliness, the report's claims and data quality; of a
    file holding several sites, each site on its own (``--site`` names one)."""
    from monitor.audit.run import AuditError, run_audit
    from monitor.i18n import _
    from monitor.labels import labelled_audit
    from monitor.report.output import line, stdout_console
    from monitor.report.terminal import print_audit

    if not args.json and args.top < 0:
        raise UsageError(f"--top must be 0 or more, not {args.top}")
    request, named = audit_request(args), site_profiles(args)
    db = open_existing_db(args.db)
    try:
        profiles = audited_profiles(args, db, named)
        results = {profile.name: run_audit(db, **request, profile=profile) for profile in profiles}
    except AuditError as exc:
        raise UsageError(str(exc)) from None
    finally:
        db.close()
    for name, result in results.items():
        warn_if_empty(args.command, result, name if len(results) > 1 else None)
    if args.json:
        # One site's audit in its own shape; several, keyed by site.
        shown = labelled_audit(results[profiles[0].name]) if len(results) == 1 else {
            name: labelled_audit(result) for name, result in results.items()}
        print(json.dumps(shown, ensure_ascii=False, indent=2, default=str))
        return 0
    for profile in profiles:
        if len(profiles) > 1:
            stdout_console().print(line((_("Site {name}: {title}").format(name=profile.name, title=profile.title),
                                         "bold underline")))
        print_audit(results[profile.name], top=args.top)
    return 0


def audited_profiles(args, db, named: list) -> list:
    """The profile of each site an audit, report or export covers, of ``named`` (the
    options' profiles, :func:`monitor.errors.site_profiles`, read before the database is
    opened so a bad profile file is named first): of a file of one site, the one they name
    (as before fleets); of a file of several, the ``--site`` named, else every site held,
    each described by ``--sites FILE`` or else the bundled sites."""
    from crawler.profiles import PROFILES
    from storage.sites import SiteError, sites_to_read

    try:
        sites = sites_to_read(db, args.site)
    except SiteError as exc:
        raise UsageError(str(exc)) from None
    if sites == [None] or args.profile:
        return [site_profile(args)]
    known = {profile.name: profile for profile in named} if args.sites else PROFILES
    missing = [site for site in sites if site not in known]
    if missing:
        raise UsageError(f"{args.sites or 'the bundled sites file'} describes no site {', '.join(missing)} "
                         "of those the database holds: pass the sites file they were crawled with (--sites FILE)")
    return [known[site] for site in sites]


def audit_request(args) -> dict:
    """``run_audit``'s keyword arguments from the options of :func:`add_audit_arguments`,
    but the site's ``profile`` (:func:`audited_profiles`).

    A calendar file that cannot be read is a UsageError.
    """
    from monitor.audit.workdays import OFFICIAL, CalendarFileError, load_calendar

    try:
        calendar = load_calendar(args.calendar) if args.calendar else OFFICIAL
    except CalendarFileError as exc:
        raise UsageError(str(exc)) from None
    return {
        "year": args.year, "date_from": args.date_from, "date_to": args.date_to, "report_path": args.report,
        "limits": tuple(sorted(set(args.limit or DEFAULT_LIMITS))), "calendar": calendar,
        "as_of": dt.date.fromisoformat(args.as_of) if args.as_of else None,
    }


def warn_if_empty(command: str, result: dict, site: str | None = None) -> None:
    """Say on stderr when the audited period holds no documents, naming the dates the
    database holds (of ``site``, when it is one of several audited)."""
    if result["totals"]["documents"]:
        return
    period, span = result["period"], result["totals"]["published_span"]
    of = f" of site {site}" if site else ""
    held = (f"the database holds documents{of} published {span['from']} .. {span['to']}" if span["from"]
            else f"the database holds no documents{of}: run 'govwatch crawl' first")
    print(f"govwatch {command}: no documents were published {period['from']} .. {period['to']}; {held}",
          file=sys.stderr)
