"""``govwatch claims``: what an annual report claims, as JSON."""

import json
from pathlib import Path

from monitor.errors import UsageError


def cmd_claims(args) -> int:
    """Print the claims an annual report makes, its arithmetic and its findings, as JSON."""
    from monitor.claims.extract import UnreadableReport, read_report
    from monitor.labels import labelled_claims

    try:
        data = Path(args.report).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {args.report}: {exc.strerror or exc}") from None
    try:
        result = read_report(data)
    except UnreadableReport as exc:
        raise UsageError(f"cannot read report {args.report}: {exc}") from None
    print(json.dumps(labelled_claims(result), ensure_ascii=False, indent=2))
    return 0
