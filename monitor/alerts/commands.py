"""``govwatch nightly``, ``schedule``, ``alerts test`` and ``alerts list``."""

from monitor.alerts.config import ConfigError, load_config
from monitor.alerts.smtp import send_test
from monitor.errors import RunError, UsageError
from monitor.i18n import N_, _
from monitor.localtime import display_zone, set_configured_zone
from storage.alerts import alerts_with_status


def cmd_alerts_test(args) -> int:
    """``govwatch alerts test --config FILE``: check the mail settings by sending a test mail."""

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    set_configured_zone(config.schedule.timezone)
    if config.smtp is None:
        raise UsageError(config.alerts_disabled_reason)
    error = send_test(config)
    if error:
        raise RunError(error)
    print(f"test mail sent to {', '.join(config.smtp.recipients)} via {config.smtp.host}:{config.smtp.port}")
    return 0


LIST_COLUMNS = ["id", "kind", "status", "attempts", "created_at", "sent_at", "subject", "error"]


def cmd_alerts_list(args) -> int:
    """``govwatch alerts list --db PATH [--site NAME] [--json]``: the pending, failed and sent
    alerts; of a database of several sites, one site's with ``--site``, else each site's in
    turn (then each row names its ``site``, null for an alert of the whole fleet)."""
    from monitor.errors import open_existing_db
    from monitor.report.output import print_rows

    db = open_existing_db(args.db, read_only=True)
    try:
        sections = alert_sections(db, getattr(args, "site", None))
    finally:
        db.close()
    if args.json:
        rows = [row if len(sections) == 1 else {**row, "site": site} for site, rows in sections.items() for row in rows]
        print_rows(rows, LIST_COLUMNS, as_json=True)
        return 0
    from monitor.report.output import line, stdout_console

    console = stdout_console()
    for site, rows in sections.items():
        if len(sections) > 1:
            console.print(line((_("Site {name}").format(name=site) if site else _("The whole fleet"), "bold underline")))
        console.print(alerts_table(rows, args.db, console.width))
    return 0


def alert_sections(db, named: str | None) -> dict[str | None, list[dict]]:
    """The listed alerts by site: all under None for a file of one site, one site's under
    its name with ``named``, else every site's in turn, then those of no site (the fleet's)."""
    from storage.sites import SiteError, site_scope, sites_recorded, sites_to_read

    # A database no alerting govwatch has opened yet simply has no alerts.
    if "alerts" not in db.table_names():
        return {named: []}
    statuses = ("pending", "failed", "sent")
    try:
        sites = sites_to_read(db, named)
    except SiteError as exc:
        raise UsageError(str(exc)) from None
    if sites == [None] or named:
        with site_scope(db, sites[0]):
            return {sites[0]: alerts_with_status(db, statuses)}
    sections, placed = {}, set()
    for site in sites_recorded(db):
        with site_scope(db, site):
            sections[site] = alerts_with_status(db, statuses)
        placed |= {row["id"] for row in sections[site]}
    sections[None] = [row for row in alerts_with_status(db, statuses) if row["id"] not in placed]
    return sections


# How an alert's delivery stands, for people.
STATUS_NAMES = {"pending": N_("waiting"), "failed": N_("failed"), "sent": N_("sent")}


def alerts_table(rows: list[dict], db_path: str, width: int = 80):
    """The alerts as a table ``width`` columns wide at most: one line per alert, the subject and
    the error cut with an ellipsis where the width runs out (by display width, so a
    Chinese character counts two columns), times in the portal's zone."""
    from rich.cells import cell_len
    from rich.table import Table

    from monitor.labels import label
    from monitor.localtime import shown
    from monitor.report.output import plain, text

    shown_rows = [tuple(plain(value) for value in (
        row.get("id"), label("alert", row["kind"]), _(STATUS_NAMES.get(row.get("status"), row.get("status") or "")),
        # Minutes in the display zone, which the caption names.
        (shown(row.get("created_at")) or "")[:16], row.get("subject"), row.get("error"))) for row in rows]
    headings = (_("no."), _("kind"), _("status"), _("created"), _("subject"), _("error"))

    def widest(column: int) -> int:
        # The short columns keep their full width; only subject and error give way.
        return max([cell_len(headings[column])] + [cell_len(row[column]) for row in shown_rows])

    table = Table(title=text(_("alerts in {db}").format(db=db_path)))
    fixed = [widest(column) for column in range(4)]
    for column, heading in enumerate(headings[:4]):
        table.add_column(text(heading), no_wrap=True, width=fixed[column], justify="right" if column == 0 else "left")
    # Each column takes its width plus a space either side and one rule: 3 cells, and one more for the edge.
    room = max(width - sum(fixed) - 3 * len(headings) - 1, 16)
    error = min(widest(5), room // 4)
    table.add_column(text(headings[4]), no_wrap=True, overflow="ellipsis", width=min(widest(4), room - error))
    table.add_column(text(headings[5]), no_wrap=True, overflow="ellipsis", width=error)
    for row in shown_rows:
        table.add_row(*(text(value) for value in row))
    table.caption = text(_("times in {zone}").format(zone=display_zone().key))
    return table


def _nightly_config(path: str):
    """The configuration file of a run that crawls, or a UsageError naming what is wrong with it."""
    from monitor.alerts.config import ConfigError, load_config

    try:
        config = load_config(path)
        config.require_crawl()
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    set_configured_zone(config.schedule.timezone)
    return config


def cmd_nightly(args) -> int:
    """Crawl, check health, audit and mail alerts: the job cron runs."""
    from monitor.alerts.nightly import Locked, run_nightly

    config = _nightly_config(args.config)
    try:
        return run_nightly(config, full=args.full)
    except Locked as exc:
        raise RunError(str(exc)) from None


def cmd_schedule(args) -> int:
    """Run the nightly job on its schedule in the foreground."""
    from monitor.alerts.scheduler import run_schedule

    return run_schedule(_nightly_config(args.config))
