"""``govwatch query``: read-only SQL, rows for people or for machines."""

import sqlite3

from monitor.errors import UsageError, database_failure, open_existing_db


def cmd_query(args) -> int:
    """Run read-only SQL against the database and print the rows; with ``--site``, on one
    site's rows of a database of several."""
    from monitor.report.output import print_rows
    from storage.db import QueryError, read_query
    from storage.sites import SiteError, sites_to_read

    db = open_existing_db(args.db, read_only=True)
    try:
        named = getattr(args, "site", None)
        # A file of one site is read whole, whatever site is named.
        columns, values = read_query(db, args.sql, sites_to_read(db, named)[0] if named else None)
    except (QueryError, SiteError) as exc:
        raise UsageError(str(exc)) from None
    except sqlite3.Error as exc:  # read_query lets damage through, to be named as such
        raise database_failure(args.db, exc) from None
    finally:
        db.close()
    print_rows([dict(zip(columns, row)) for row in values], columns, as_json=args.json)
    return 0
