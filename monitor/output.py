"""Rows for people (a rich table) or for machines (JSON)."""

import json

from rich.console import Console
from rich.table import Table


def print_rows(rows: list[dict], columns: list[str], *, as_json: bool = False, title: str | None = None) -> None:
    """Print ``rows`` as a JSON array, or as a table with ``columns`` in order."""
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(*columns, title=title)
    for row in rows:
        table.add_row(*("" if row.get(column) is None else str(row.get(column)) for column in columns))
    Console().print(table)
