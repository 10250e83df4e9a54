"""The two kinds of error a govwatch command reports as one line."""


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


class RunError(Exception):
    """The run could not do its job: printed as one line, exit status 1."""


def open_existing_db(path, *, read_only: bool = False):
    """Open a database a command reads: a missing or unusable file is a UsageError.

    Commands other than ``crawl`` never create a database; a typo in ``--db`` would
    otherwise leave an empty file behind and report nothing.
    """
    from pathlib import Path

    from storage.db import DatabaseError, open_db

    if not Path(path).exists():
        raise UsageError(f"no database at {path}: run 'govwatch crawl' first")
    try:
        return open_db(path, read_only=read_only)
    except DatabaseError as exc:
        raise UsageError(str(exc)) from None
