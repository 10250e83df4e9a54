"""One site's rows of a file holding a fleet of portals.

Every query of the audit, the report, the exports and the alerts reads unqualified table
names (``documents``, ``publications`` …). Inside :func:`site_scope` those names are
temporary views showing only one site's rows: SQLite resolves a name in the ``temp``
schema before ``main``, so each query, and the SQL a report shows beside its figure,
reads the site's rows without naming the site. A table added later that carries a
``site`` column is filtered the same way, with no query to change.

The views live on the one connection, only while the block runs; ``main.<table>`` still
reads the whole file. Nothing is written inside the scope: a view cannot be written,
so a write that would land among every site's rows fails instead.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils

from storage.runs import sites_crawled, sites_held

# The head of a stored view's SQL, which the site's copy repeats as a temporary view.
_CREATE_VIEW = re.compile(r"^\s*CREATE\s+VIEW\s+", re.IGNORECASE)


class SiteError(ValueError):
    """A site the file does not hold; the message is for a person."""


def _literal(text: str) -> str:
    # A view's SQL cannot take bound parameters, so the site is quoted as SQL text.
    return "'" + text.replace("'", "''") + "'"


def _site_tables(db: sqlite_utils.Database) -> list[str]:
    return [name for name in db.table_names() if "site" in db[name].columns_dict]


@contextmanager
def site_scope(db: sqlite_utils.Database, site: str | None) -> Iterator[sqlite_utils.Database]:
    """Within the block, every table with a ``site`` column, and every view over them, shows
    only ``site``'s rows; with ``site`` None the block sees the whole file, as outside."""
    if site is None:
        yield db
        return
    tables = _site_tables(db)
    views = db.execute("SELECT name, sql FROM main.sqlite_master WHERE type = 'view' ORDER BY rowid").fetchall()
    created = []
    try:
        for table in tables:
            db.execute(f"CREATE TEMP VIEW [{table}] AS SELECT * FROM main.[{table}] WHERE site = {_literal(site)}")
            created.append(table)
        # The stored views again, in the order they were made (one may read another): in
        # the temp schema their names resolve to the site's views.
        for name, sql in views:
            db.execute(_CREATE_VIEW.sub("CREATE TEMP VIEW ", sql, count=1))
            created.append(name)
        yield db
    finally:
        for name in reversed(created):
            db.execute(f"DROP VIEW temp.[{name}]")


def sites_to_read(db: sqlite_utils.Database, site: str | None) -> list[str | None]:
    """The sites a command reads, each on its own: ``[None]``, the whole file as before
    fleets, for a file of one site (or none), whatever ``site`` says; of a file of several,
    ``site`` or else every site held, by name.

    A ``site`` a file of several neither holds documents of nor records a crawl of (a site
    that was down) is a :class:`SiteError` naming those it holds.
    """
    held = sites_held(db)
    if len(held) <= 1:
        return [None]
    if site is None:
        return held
    if site not in held and site not in sites_crawled(db):
        raise SiteError(f"the database holds no site {site!r}; it holds {', '.join(held)}")
    return [site]


def scoped_site(db: sqlite_utils.Database, site: str | None) -> str | None:
    """The site :func:`site_scope` narrows a read of ``site``'s rows to: None, the whole
    file, when it holds one site or none."""
    return site if len(sites_held(db)) > 1 else None


def sites_recorded(db: sqlite_utils.Database) -> list[str]:
    """Every site the file records, by name: those it holds documents of, and those whose
    crawls stored none (a site that was down still has its alerts)."""
    return sorted(set(sites_held(db)) | set(sites_crawled(db)))
