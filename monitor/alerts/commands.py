"""``govwatch alerts test`` and ``govwatch alerts list``."""

from monitor.alerts.config import ConfigError, load_config
from monitor.alerts.smtp import send_test
from storage.alerts import alerts_with_status


def cmd_alerts_test(args) -> int:
    """``govwatch alerts test --config FILE``: check the mail settings by sending a test mail."""
    from monitor.errors import RunError, UsageError

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
