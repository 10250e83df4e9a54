"""The ``govwatch`` command.

Each subcommand is a small function taking the parsed arguments and returning an exit
status: 0 success, 1 the run failed, 2 a usage or input error; it lives with its concern
(``monitor.audit.commands``, ``monitor.alerts.commands`` …) and this module only builds
the parser and dispatches. Errors a person can act on are printed as one line on
stderr, never as a traceback.
"""

import argparse
import json
import os
import sqlite3
import sys
from pathlib import Path

from crawler import __version__
from monitor.alerts.commands import cmd_nightly, cmd_schedule
from monitor.audit import DEFAULT_LIMITS
from monitor.audit.commands import cmd_audit
from monitor.claims.commands import cmd_claims
from monitor.i18n import _, LANGUAGES, UnknownLanguage, language, set_language
from monitor.errors import RunError, UsageError, database_failure, open_existing_db, site_profiles
from monitor.report.commands import cmd_query


def cmd_parse(args) -> int:
    """Print one page's record as JSON."""
    from crawler.parsing import parse_page

    try:
        body = Path(args.file).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    if not body.strip():
        raise UsageError(f"{args.file} is empty: nothing to parse")
    record = parse_page(body, args.url, args.charset)
    print(json.dumps(record, ensure_ascii=False, indent=2))
    return 0


def _crawl(profiles, db_path: str, full: bool = False, verbose: bool = False, reverify_days: int | None = None,
           sweep_pages: int | None = None, timeout: float | None = None, time_limit: float | None = None, archive: str | None = None,
           link_checks: bool = True) -> list[dict]:
    """Crawl every site of ``profiles`` in one run and print each one's summary; a storage
    failure, or a crawl that did not do its job, becomes a RunError (naming each failed
    site and its first fetch errors) once every site's crawl has ended."""
    from crawler.run import run_crawls
    from monitor.crawl_lines import PROGRESS_SETTING, failure_report, summary
    from storage.db import DatabaseError

    try:
        # Every failed fetch is recorded in fetch_errors and counted in the summary, so
        # Scrapy's own log (tracebacks included) is only shown when asked for.
        runs = run_crawls(profiles, db_path, full=full, overrides={
            "LOG_LEVEL": "INFO" if verbose else "CRITICAL", **PROGRESS_SETTING,
            **({"GOVWATCH_REVERIFY_DAYS": reverify_days} if reverify_days else {}),
            **({"GOVWATCH_SWEEP_PAGES": sweep_pages} if sweep_pages else {}),
            **({"DOWNLOAD_TIMEOUT": timeout} if timeout else {}),
            **({"CLOSESPIDER_TIMEOUT": time_limit} if time_limit else {}),
            **({"GOVWATCH_ARCHIVE_DIR": archive} if archive else {}),
            "GOVWATCH_LINK_CHECKS": link_checks,
        })
    except DatabaseError as exc:
        raise RunError(str(exc)) from None
    problems = []
    for run in runs:
        print(summary(run))
        problem = failure_report(run)
        if problem:
            problems.append(problem)
    if problems:
        raise RunError("\n".join(problems))
    return runs


def cmd_crawl(args) -> int:
    """Crawl the disclosure sections of a portal, or of every site of a sites file in one run."""
    profiles = site_profiles(args, args.start_url, args.allow_prefix)
    if args.time_limit is not None and args.time_limit <= 0:
        raise UsageError(f"--time-limit must be a positive number of seconds, not {args.time_limit:g}")
    if args.sweep_pages is not None and args.sweep_pages < 1:
        raise UsageError(f"--sweep-pages must be at least 1, not {args.sweep_pages}")
    _crawl(profiles, args.db, full=args.full, verbose=args.verbose, reverify_days=args.reverify_days,
           sweep_pages=args.sweep_pages,
           timeout=args.timeout, time_limit=args.time_limit, archive=args.archive, link_checks=args.link_checks)
    return 0


def cmd_sample_portal(args) -> int:
    """Serve the bundled sample portal until interrupted."""
    from monitor.demo.sample_portal.server import run

    try:
        return run(args)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def cmd_demo(args) -> int:
    """Crawl the sample portal, check the crawl against its ground truth, and audit it."""
    from crawler.profiles import resolve_profile
    from monitor.demo.sample_portal.catalogue import ANNUAL_REPORT_PUBLISHED
    from monitor.demo.sample_portal.model import load_ground_truth
    from monitor.demo.sample_portal.server import serve
    from monitor.audit.run import run_audit
    from monitor.report.terminal import print_audit
    from monitor.report.html import save_report
    from storage.archive import default_archive_dir
    from storage.canned_queries import VERY_LATE_DOCUMENTS, YEARLY_COUNTS
    from storage.db import open_db
    from storage.publications import stored_documents

    _remove_demo_db(args.db)
    with serve() as portal:
        print(_("sample portal serving at {url}").format(url=portal.url))
        [run] = _crawl([resolve_profile("leda", [portal.url + "/"], [])], args.db)
    expected = load_ground_truth()["documents"]
    db = open_db(args.db)
    try:
        stored = stored_documents(db)
        verdict = _("matches") if stored == expected else _("DOES NOT match")
        print(_("The sample portal publishes {expected} documents; the database holds {stored}: {verdict}.").format(
            expected=expected, stored=stored, verdict=verdict) + "\n")
        # The report published in January 2021 is on 2020.
        result = run_audit(db, year=ANNUAL_REPORT_PUBLISHED.year - 1)
        print_audit(result)
        report = save_report(db, result, args.report, db_file=args.db)
    finally:
        db.close()
    print("\n" + _("The audit as a report to open in a browser: {path}").format(path=report.resolve()))
    print(
        "\n" + _("Query the database (crawl {id}):").format(id=run["id"]) + "\n"
        f"  govwatch query --db {args.db} \"{YEARLY_COUNTS}\"\n"
        f"  govwatch audit --db {args.db} --year 2020 --json\n"
        f"  sqlite3 {args.db} \"{VERY_LATE_DOCUMENTS}\"\n"
        + "\n" + _("Every page as served is archived in {archive}/ (WARC):").format(
            archive=default_archive_dir(args.db)) + "\n"
        f"  govwatch reparse --db {args.db}\n"
        f"  govwatch evidence URL --db {args.db} --out evidence.zip"
    )
    return 0 if stored == expected else 1


def _remove_demo_db(path: str) -> None:
    """Delete the database an earlier demo left, so each demo shows the same result.

    The sample portal comes up on a free port, so each run's documents have other URLs;
    crawled into the same file they would count twice. A file holding a crawl of a real
    portal, or that is no govwatch database, is never deleted: that is a UsageError.
    """
    import sqlite3

    import shutil

    from crawler.profiles import is_loopback
    from storage.archive import default_archive_dir
    from storage.runs import crawl_start_urls

    if not Path(path).exists():
        return
    refusal = f"{path} is not a database an earlier demo made; the demo recreates its database: pass another --db"
    db = open_existing_db(path, read_only=True)
    try:
        start_urls = crawl_start_urls(db)
    except sqlite3.Error:
        raise UsageError(refusal) from None
    finally:
        db.close()
    if not all(is_loopback(url) for url in start_urls):
        raise UsageError(refusal)
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)
    # Its archive too: a new crawl's records would sit beside records no row points to.
    shutil.rmtree(default_archive_dir(path), ignore_errors=True)


def iso_date(text: str) -> str:
    """An argparse type: a date, returned as YYYY-MM-DD (the stored dates compare as text)."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2020-01-31") from None


def add_db_argument(parser: argparse.ArgumentParser, default: str = "govwatch.db") -> None:
    """The ``--db`` option, the same for every subcommand that reads or writes the database."""
    parser.add_argument("--db", default=default, metavar="FILE",
                        help=f"the SQLite database file (default: {default})")


def add_period_arguments(parser: argparse.ArgumentParser) -> None:
    """The period an audit covers: ``--year``, or ``--from`` and ``--to``."""
    parser.add_argument("--year", type=int, help="audit documents published in this year")
    parser.add_argument("--from", dest="date_from", metavar="DATE", type=iso_date,
                        help="first publication date (YYYY-MM-DD)")
    parser.add_argument("--to", dest="date_to", metavar="DATE", type=iso_date,
                        help="last publication date (YYYY-MM-DD)")


def add_audit_arguments(parser: argparse.ArgumentParser) -> None:
    """What an audit covers and checks, the same for ``audit`` and ``report``."""
    add_period_arguments(parser)
    parser.add_argument("--report", metavar="FILE", help="the annual report (default: the one crawled for the year)")
    parser.add_argument("--limit", type=int, action="append", metavar="N",
                        help=f"a limit in working days (repeatable; default {' and '.join(map(str, DEFAULT_LIMITS))})")
    parser.add_argument("--calendar", metavar="FILE", help="a TOML file of holidays for years chinesecalendar lacks")
    parser.add_argument("--as-of", metavar="DATE", type=iso_date,
                        help="judge the inspection checks as of this date (default: the end of a past --year, "
                             "else today)")
    add_site_arguments(parser)


def add_site_arguments(parser: argparse.ArgumentParser) -> None:
    """Which site of the database a command reads, and the profile it is read with."""
    site = parser.add_mutually_exclusive_group()
    parser.add_argument("--site", metavar="NAME",
                        help="the site to read, and whose claim observations apply (default: of a database of "
                             "several sites, each one; else leda, or the sites file's only site)")
    site.add_argument("--profile", metavar="FILE", help="a site profile file (TOML) instead of a named site")
    site.add_argument("--sites", metavar="FILE", help="a sites file ([[sites]] tables) that --site names a site of")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="govwatch",
        description="Crawl a government portal's disclosure pages and audit them.",
    )
    parser.add_argument("--version", action="version", version=f"govwatch {__version__}")
    parser.add_argument("--lang", choices=sorted(LANGUAGES),
                        help="language of reports, tables and mails (default: GOVWATCH_LANG, else zh)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("parse", help="parse one saved page and print its record as JSON")
    p.add_argument("file", help="a saved HTML page")
    p.add_argument("--url", help="the page's URL, to make attachment links absolute")
    p.add_argument("--charset", help="the charset an HTTP header declared for the page")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("crawl", help="crawl a portal's disclosure section into SQLite")
    site = p.add_mutually_exclusive_group()
    p.add_argument("--site", metavar="NAME", help="a site (default: leda, the sites file's only site, "
                   "or none with --start-url)")
    site.add_argument("--profile", metavar="FILE", help="a site profile file (TOML) instead of a named site")
    site.add_argument("--sites", metavar="FILE", help="a sites file ([[sites]] tables) that --site names a site of")
    p.add_argument("--start-url", action="append", metavar="URL", help="start here (repeatable)")
    p.add_argument("--allow-prefix", action="append", metavar="PATH",
                   help="follow links under this path only (repeatable)")
    add_db_argument(p)
    p.add_argument("--full", action="store_true",
                   help="fetch every detail page again, and record documents no longer listed as removed")
    p.add_argument("--reverify-days", type=int, metavar="N",
                   help="re-check every stored document and listing page at least every N days, 1/N of them"
                        " per crawl (default 90)")
    p.add_argument("--sweep-pages", type=int, metavar="N",
                   help="read at most N older listing pages of a column a night while reading it to its end"
                        " (default 10; more when the column would take longer than --reverify-days)")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="give up on a response after this long (default 30)")
    p.add_argument("--time-limit", type=float, metavar="SECONDS",
                   help="stop the crawl after this long, storing what it has (default: no limit)")
    p.add_argument("--archive", metavar="DIR",
                   help="the WARC archive of every response (default: the database's name + .warc; 'off' for none)")
    p.add_argument("--no-link-checks", dest="link_checks", action="store_false",
                   help="do not ask the link targets the crawl does not fetch anyway (no HEAD requests; "
                        "their dead links go unseen)")
    p.add_argument("--verbose", action="store_true", help="show Scrapy's log on stderr")
    p.set_defaults(func=cmd_crawl)

    from monitor.demo.sample_portal.server import add_arguments as add_portal_arguments

    p = sub.add_parser("sample-portal", help="serve the bundled sample portal (a replica of the leda portal)")
    add_portal_arguments(p)
    p.set_defaults(func=cmd_sample_portal)

    p = sub.add_parser("demo", help="crawl the bundled sample portal and audit it")
    add_db_argument(p, "govwatch-demo.db")
    p.add_argument("--report", default="govwatch-demo-report.html", metavar="FILE",
                   help="the HTML report (default: govwatch-demo-report.html)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("claims", help="read an annual report's claims and check its arithmetic")
    p.add_argument("report", help="the report as HTML, Markdown, plain text, PDF or Word (.docx)")
    p.set_defaults(func=cmd_claims)

    p = sub.add_parser("audit", help="audit the crawled documents against the law and the report")
    add_db_argument(p)
    add_audit_arguments(p)
    p.add_argument("--json", action="store_true", help="print the audit as JSON")
    p.add_argument("--top", type=int, default=10, metavar="N",
                   help="list the N latest-published-late documents (default 10; 0 lists none)")
    p.set_defaults(func=cmd_audit)

    from monitor.alerts.commands import cmd_alerts_list, cmd_alerts_test

    p = sub.add_parser("alerts", help="mail alerts: send a test mail, list the alert queue")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    a = actions.add_parser("test", help="send a test mail through the configured mail server")
    a.add_argument("--config", required=True, metavar="FILE", help="the TOML configuration file")
    a.set_defaults(func=cmd_alerts_test)
    a = actions.add_parser("list", help="list the pending, failed and sent alerts")
    add_db_argument(a)
    a.add_argument("--site", metavar="NAME", help="only the alerts of this site of a database of several")
    a.add_argument("--json", action="store_true", help="print JSON rows instead of a table")
    a.set_defaults(func=cmd_alerts_list)

    from monitor.report.explore import cmd_explore
    from monitor.report.html import cmd_report

    p = sub.add_parser("report", help="write the audit as one self-contained HTML file with charts",
                       description="Write the audit as one HTML file. Without --year, --from, --to or --report it"
                                   " audits the latest year whose annual report the crawl found.")
    add_db_argument(p)
    add_audit_arguments(p)
    p.add_argument("--out", default="report.html", metavar="FILE", help="the HTML file (default: report.html)")
    p.set_defaults(func=cmd_report)

    from monitor.report.export import FORMATS, KINDS, cmd_export

    p = sub.add_parser("export", help="export documents, late documents, claims, findings or alerts as CSV or XLSX")
    p.add_argument("kind", choices=KINDS)
    add_db_argument(p)
    add_period_arguments(p)
    add_site_arguments(p)
    p.add_argument("--limit", type=int, metavar="N", help="export at most N rows")
    p.add_argument("--format", required=True, choices=FORMATS, help="csv (UTF-8 with a BOM) or xlsx")
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("explore", help="browse the database read-only in Datasette (govwatch[explore])")
    add_db_argument(p)
    p.add_argument("--port", type=int, default=8001, help="port on 127.0.0.1 (default: 8001)")
    p.set_defaults(func=cmd_explore)

    p = sub.add_parser("nightly", help="crawl, check health, audit and mail alerts (for cron)")
    p.add_argument("--config", required=True, metavar="FILE", help="the TOML configuration file")
    p.add_argument("--full", action="store_true", help="make the crawl a full one")
    p.set_defaults(func=cmd_nightly)

    p = sub.add_parser("schedule", help="run the nightly job on its cron schedule, in the foreground")
    p.add_argument("--config", required=True, metavar="FILE", help="the TOML configuration file")
    p.set_defaults(func=cmd_schedule)

    from monitor.evidence.commands import cmd_evidence, cmd_reparse

    p = sub.add_parser("reparse", help="re-derive the stored documents from the WARC archive with the current parser")
    add_db_argument(p)
    p.add_argument("--archive", metavar="DIR", help="the WARC archive (default: the database's name + .warc)")
    p.add_argument("--site", help="only documents of crawls of this site")
    p.add_argument("--since", metavar="DATE", type=iso_date, help="only documents fetched on or after this date")
    p.add_argument("--workers", type=int, metavar="N", help="parsing processes (default: one per core)")
    p.set_defaults(func=cmd_reparse)

    p = sub.add_parser("evidence", help="write one document's evidence pack (versions, archived bytes, hashes) as a zip")
    p.add_argument("url", help="the document's URL")
    add_db_argument(p)
    p.add_argument("--archive", metavar="DIR", help="the WARC archive (default: the database's name + .warc)")
    p.add_argument("--out", required=True, metavar="FILE", help="the zip file to write")
    p.set_defaults(func=cmd_evidence)

    p = sub.add_parser("query", help="run read-only SQL against the database")
    p.add_argument("sql")
    add_db_argument(p)
    p.add_argument("--site", metavar="NAME",
                   help="read only this site's rows of a database of several, as its audit and report do")
    p.add_argument("--json", action="store_true", help="print JSON rows instead of a table")
    p.set_defaults(func=cmd_query)
    return parser


# What a shell reports for a program killed by SIGPIPE (128 + 13), as `cat` is under `| head`.
EXIT_READER_GONE = 141


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``govwatch`` console script."""
    from monitor.report.output import plain
    from storage.db import DatabaseError

    args = build_parser().parse_args(argv)
    try:
        set_language(args.lang)
        # GOVWATCH_LANG is read at the first message; a wrong one is a usage error here, not a crash there.
        language()
    except UnknownLanguage as exc:
        print(f"govwatch: {exc} (GOVWATCH_LANG)", file=sys.stderr)
        return 2
    try:
        status = args.func(args)
        # Output still buffered would otherwise meet a closed pipe at exit, past these handlers.
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        # The reader (`| head`) has all it wanted: end quietly, as Python's documentation on
        # SIGPIPE recommends, with stdout pointed at /dev/null so the final flush cannot fail.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_READER_GONE
    except UsageError as exc:
        print(f"govwatch {args.command}: {plain(exc)}", file=sys.stderr)
        return 2
    except RunError as exc:
        print(f"govwatch {args.command}: {plain(exc)}", file=sys.stderr)
        return 1
    except (sqlite3.Error, DatabaseError) as exc:
        # A database that fails half-way through a command (a damaged page, a lock held too long).
        print(f"govwatch {args.command}: {plain(database_failure(getattr(args, 'db', None), exc))}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
