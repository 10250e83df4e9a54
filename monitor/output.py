"""Rows for people (a rich table) or for machines (JSON)."""

import errno
import json

from rich.console import Console
from rich.table import Table


class _Console(Console):
    """A rich console that leaves a closed stdout to ``monitor.cli.main``, which ends quietly."""

    def on_broken_pipe(self) -> None:
        """Rich's own handling would exit 1, the status of a failed run."""
        raise BrokenPipeError(errno.EPIPE, "the reader of stdout has gone")


def stdout_console() -> Console:
    """The console the commands print tables to."""
    return _Console()


def print_rows(rows: list[dict], columns: list[str], *, as_json: bool = False, title: str | None = None) -> None:
    """Print ``rows`` as a JSON array, or as a table with ``columns`` in order."""
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(*columns, title=title)
    for row in rows:
        table.add_row(*("" if row.get(column) is None else str(row.get(column)) for column in columns))
    stdout_console().print(table)
