"""govwatch's Datasette plugin: CSV for Excel, JSON that shows Chinese as Chinese, one line per row.

``govwatch explore`` registers it in its own process (:func:`register`); nothing is
installed into Datasette for any other use of it.

- ``.csvbom``: the rows of the page as CSV in UTF-8 with a byte-order mark, which Excel
  on Chinese Windows needs to read UTF-8 (without it Excel reads GBK); cells neutralised
  as ``govwatch export`` neutralises them. Datasette's own ``.csv`` has no BOM option,
  and an output renderer gets one page of rows: ``?_size=max`` for up to
  ``max_returned_rows``; ``govwatch export`` writes any number.
- ``.json``: Datasette's own JSON with Chinese written as itself rather than as
  ``\\uXXXX`` escapes (Datasette has no setting for it): the same JSON value.
- ``/-/govwatch.css``: table pages whose cells do not wrap, so with the
  ``truncate_cells_html`` setting of :mod:`monitor.report.explore` a document is one line.
"""

import csv
import io
import json

from datasette import hookimpl
from datasette.renderer import json_renderer
from datasette.utils.asgi import Response

from monitor.report.export import neutralise

CSS_PATH = "/-/govwatch.css"
# Long cells are cut by truncate_cells_html; no cell wraps, so each row is one line.
CSS = "body.table table.rows-and-columns td { white-space: nowrap; }\n"
BOM = "\ufeff"


def register() -> None:
    """Plug this module into Datasette (once per process)."""
    import sys

    from datasette.plugins import pm

    module = sys.modules[__name__]
    if not pm.is_registered(module):
        pm.register(module, name="govwatch")


def readable_json(args, data, view_name):
    """Datasette's JSON response, re-encoded with ``ensure_ascii=False``."""
    response = json_renderer(args, data, view_name)
    if response.content_type.startswith("application/json"):
        body = json.dumps(json.loads(response.body), ensure_ascii=False)
    else:  # _nl=1: one JSON value per line
        body = "\n".join(json.dumps(json.loads(line), ensure_ascii=False) for line in response.body.splitlines())
    return Response(body, status=response.status, headers=response.headers, content_type=response.content_type)


def csv_with_bom(columns, rows, table, query_name):
    """The page's rows as a CSV file for Excel: a BOM, a header row, neutralised cells."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(column) for column in columns])
    for row in rows:
        writer.writerow([neutralise(row[column]) for column in columns])
    name = table or query_name or "query"
    return Response(BOM + out.getvalue(), content_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{_ascii_name(name)}.csv"'})


def _ascii_name(name: str) -> str:
    # A header value: letters, digits, _ and - only, whatever the table is called.
    return "".join(char if char.isascii() and (char.isalnum() or char in "_-") else "_" for char in name)


@hookimpl
def register_output_renderer(datasette):
    return [{"extension": "json", "render": readable_json}, {"extension": "csvbom", "render": csv_with_bom}]


@hookimpl
def extra_css_urls():
    return [CSS_PATH]


@hookimpl
def register_routes():
    return [(r"^/-/govwatch\.css$", lambda: Response(CSS, content_type="text/css; charset=utf-8"))]
