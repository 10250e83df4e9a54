"""Rows for people (a rich table) or for machines (JSON), and text a terminal shows as it is.

Everything govwatch prints for a person passes through here. Portal text (titles,
publishers, URLs) is data: it is never read as rich markup (``[/b]`` would crash the
table, ``[link=…]`` would become a hyperlink) and its control characters are
removed, so an escape sequence or a bidirectional override in a title cannot
recolour, rewrite or reorder what the terminal shows. JSON output keeps every
character; JSON escapes control characters itself.
"""

import errno
import json
import re

from rich.console import Console
from rich.table import Table
from rich.text import Text

# C0 controls but tab and newline, DEL, C1 controls (CSI, OSC …), and the bidirectional
# embeddings, overrides and isolates (U+202A–202E, U+2066–2069).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain(value) -> str:
    """``value`` as text a terminal shows literally: control characters removed, None empty."""
    return "" if value is None else UNSAFE.sub("", str(value))


def text(value, style: str = "") -> Text:
    """``value`` as a rich Text: shown as it is, never read as markup."""
    return Text(plain(value), style=style)


def line(*parts) -> Text:
    """One printable line from ``parts``: strings, or (string, style) pairs for emphasis."""
    return Text.assemble(*((plain(part[0]), part[1]) if isinstance(part, tuple) else plain(part) for part in parts))


def table(columns, rows, title: str | None = None) -> Table:
    """A rich table of ``rows`` (sequences of values) under ``columns``, every cell literal text."""
    result = Table(title=None if title is None else text(title))
    for column in columns:
        result.add_column(text(column))
    for row in rows:
        result.add_row(*(text(value) for value in row))
    return result


class _Console(Console):
    """A rich console that leaves a closed stdout to ``monitor.cli.main.main``, which ends quietly."""

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
    stdout_console().print(table(columns, ([row.get(column) for column in columns] for row in rows), title))
