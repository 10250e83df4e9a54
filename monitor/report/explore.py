"""``govwatch explore``: Datasette over the database, described, with canned queries, read-only,
with govwatch's plugin (:mod:`monitor.report.datasette_plugin`: CSV with a BOM, JSON with
Chinese unescaped, one line per row).

Datasette (the optional extra ``govwatch[explore]``) opens the file as a mutable
database, which it reads through ``mode=ro`` connections: unlike ``--immutable`` this
sees rows still in the WAL and a crawl writing meanwhile, and no write path is
configured (no writable canned query), so nothing served can change the file.
"""

import json
import tempfile
from pathlib import Path

from monitor.report.datasette_metadata import metadata
from monitor.errors import RunError, UsageError, open_existing_db
from monitor.i18n import _

HOST = "127.0.0.1"
SETTINGS = {
    # Timeliness over a whole portal joins every document twice with the calendar.
    "sql_time_limit_ms": 5000,
    # Table pages cut longer cells (a document's body, its fields) with an ellipsis, so a
    # document is one line at 1280 px; its row page, the JSON and the CSV keep them whole.
    "truncate_cells_html": 36,
}


def datasette_args(db_path: Path, port: int, metadata_path: Path) -> list[str]:
    """The ``datasette serve`` arguments for one database on loopback."""
    settings = [arg for name, value in SETTINGS.items() for arg in ("--setting", name, str(value))]
    return ["serve", str(db_path), "--host", HOST, "--port", str(port), "--metadata", str(metadata_path), *settings]


def cmd_explore(args) -> int:
    """Serve the database with Datasette until interrupted."""
    try:
        import click
        from datasette.cli import cli

        from monitor.report.datasette_plugin import register
    except ImportError:
        raise UsageError("Datasette is not installed: pip install 'govwatch[explore]'") from None
    register()
    db_path = Path(args.db)
    # Datasette would serve a file that is no database, or is damaged, as error pages.
    open_existing_db(db_path, read_only=True).close()
    with tempfile.TemporaryDirectory(prefix="govwatch-explore-") as tmp:
        metadata_path = Path(tmp) / "metadata.json"
        # Datasette names the database after the file's stem, and metadata is keyed by that name.
        metadata_path.write_text(json.dumps(metadata(db_path.stem), ensure_ascii=False), encoding="utf-8")
        print(_("Datasette serving {db} read-only at {url} (Ctrl-C to stop)").format(
            db=db_path, url=f"http://{HOST}:{args.port}/{db_path.stem}"), flush=True)
        try:
            cli.main(datasette_args(db_path, args.port, metadata_path), prog_name="datasette",
                     standalone_mode=False)
        except click.ClickException as exc:
            raise UsageError(exc.format_message()) from None
        except SystemExit as exc:
            # uvicorn exits with status 1 when it cannot bind the port.
            if exc.code:
                raise RunError(f"Datasette stopped with status {exc.code}: is port {args.port} free?") from None
    return 0
