"""``govwatch nightly``, ``schedule``, ``alerts test`` and ``alerts list``."""

from monitor.alerts.config import ConfigError, load_config
from monitor.alerts.smtp import send_test
from monitor.errors import RunError, UsageError
from storage.alerts import alerts_with_status


def cmd_alerts_test(args) -> int:
    """``govwatch alerts test --config FILE``: check the mail settings by sending a test mail."""

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if config.smtp is None:
        raise UsageError(config.alerts_disabled_reason)
    error = send_test(config)
    if error:
        raise RunError(error)
    print(f"test mail sent to {', '.join(config.smtp.recipients)} via {config.smtp.host}:{config.smtp.port}")
    return 0


LIST_COLUMNS = ["id", "kind", "status", "attempts", "created_at", "sent_at", "subject", "error"]


def cmd_alerts_list(args) -> int:
    """``govwatch alerts list --db PATH [--json]``: the pending, failed and sent alerts."""
    from monitor.errors import open_existing_db
    from monitor.report.output import print_rows

    db = open_existing_db(args.db, read_only=True)
    try:
        # A database no alerting govwatch has opened yet simply has no alerts.
        rows = alerts_with_status(db, ("pending", "failed", "sent")) if "alerts" in db.table_names() else []
    finally:
        db.close()
    print_rows(rows, LIST_COLUMNS, as_json=args.json, title=None if args.json else f"alerts in {args.db}")
    return 0


def _nightly_config(path: str):
    """The configuration file of a run that crawls, or a UsageError naming what is wrong with it."""
    from monitor.alerts.config import ConfigError, load_config

    try:
        config = load_config(path)
        config.require_crawl()
        return config
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


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
