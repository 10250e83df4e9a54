"""The two kinds of error a govwatch command reports as one line, and how database
failures become one of them."""

import sqlite3


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


class RunError(Exception):
    """The run could not do its job: printed as one line, exit status 1."""


def database_failure(path, exc: Exception) -> RunError:
    """A failure of the database at ``path`` met while a command ran, as a RunError.

    An SQLite error is explained first (:func:`storage.db.explain`), so a damaged
    file is named as damaged rather than shown as a traceback.
    """
    from storage.db import explain

    if isinstance(exc, sqlite3.Error):
        exc = explain(path, exc, "use") if path else exc
    return RunError(str(exc))


def open_existing_db(path, *, read_only: bool = False):
    """Open a database a command reads: a missing or unusable file is a UsageError,
    a damaged one a RunError.

    Commands other than ``crawl`` never create a database; a typo in ``--db`` would
    otherwise leave an empty file behind and report nothing.
    """
    from pathlib import Path

    from storage.db import DamagedDatabase, DatabaseError, open_db

    if not Path(path).exists():
        raise UsageError(f"no database at {path}: run 'govwatch crawl' first")
    try:
        return open_db(path, read_only=read_only)
    except DamagedDatabase as exc:
        raise RunError(str(exc)) from None
    except DatabaseError as exc:
        raise UsageError(str(exc)) from None


def site_profiles(args, start_urls: list[str] | None = None, allow_prefixes: list[str] | None = None) -> list:
    """The site profiles of ``--sites FILE`` (every site, or the one ``--site NAME``
    names), ``--profile FILE`` or ``--site NAME`` of the bundled sites, with other start
    URLs or prefixes if given; a UsageError in one line when they are unusable."""
    from crawler.profiles import ProfileError, load_profile, load_sites, pick_sites, resolve_profile

    try:
        if args.profile:
            if args.site:
                raise ProfileError("--site names a site of a sites file, not of --profile FILE")
            sites = [load_profile(args.profile)]
        elif getattr(args, "sites", None):
            sites = pick_sites(load_sites(args.sites), args.site)
            if len(sites) > 1 and (start_urls or allow_prefixes):
                raise ProfileError("--start-url and --allow-prefix apply to one site: name it with --site")
        else:
            sites = [args.site]
        return [resolve_profile(site, start_urls or [], allow_prefixes or []) for site in sites]
    except ProfileError as exc:
        raise UsageError(str(exc)) from None


def site_profile(args, start_urls: list[str] | None = None, allow_prefixes: list[str] | None = None):
    """The one site profile of :func:`site_profiles`; a sites file of several needs ``--site``."""
    profiles = site_profiles(args, start_urls, allow_prefixes)
    if len(profiles) > 1:
        raise UsageError(f"the sites file {args.sites} holds {len(profiles)} sites "
                         f"({', '.join(profile.name for profile in profiles)}): name one with --site")
    return profiles[0]
