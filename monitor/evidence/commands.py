"""``govwatch reparse`` and ``govwatch evidence``."""

from pathlib import Path

from monitor.errors import UsageError, open_existing_db


def _archive(args) -> Path:
    """The archive directory: ``--archive``, or ``<db>.warc``; a UsageError when it is not there."""
    from storage.archive import default_archive_dir

    archive = Path(args.archive) if args.archive else default_archive_dir(args.db)
    if not archive.is_dir():
        raise UsageError(f"no archive at {archive}: crawl with archiving on, or pass --archive DIR")
    return archive


def cmd_reparse(args) -> int:
    """Re-derive the stored documents from their archived bytes with the current parser."""
    from crawler.parsing import PARSER_VERSION
    from crawler.reparse import reparse

    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be at least 1, not {args.workers}")
    db = open_existing_db(args.db)
    try:
        counts = reparse(db, _archive(args), since=args.since, site=args.site, workers=args.workers)
    finally:
        db.close()
    print(f"Re-parsed {counts['documents'] - counts['without_bytes']} of {counts['documents']} documents with parser "
          f"{PARSER_VERSION} on {counts['workers']} processes: {counts['changed']} read differently (recorded as "
          f"parser changes, no events), {counts['unchanged']} unchanged, {counts['without_bytes']} without archived "
          "bytes.")
    return 0


def cmd_evidence(args) -> int:
    """Write one document's evidence pack."""
    import datetime as dt

    from w3lib.url import canonicalize_url

    from crawler import __version__
    from monitor.evidence.pack import copy_records, pack_files, write_pack
    from storage.archive import evidence_of

    db = open_existing_db(args.db, read_only=True)
    try:
        archive = _archive(args)
        evidence = evidence_of(db, canonicalize_url(args.url))
    finally:
        db.close()
    if evidence is None:
        raise UsageError(f"no document {args.url} in {args.db}")
    out = Path(args.out)
    if not out.parent.is_dir():
        raise UsageError(f"cannot write {out}: no directory {out.parent}")
    warc, missing = copy_records(evidence, archive)
    made_at = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    files = pack_files(evidence, warc, made_at=made_at, version=__version__, missing=missing, archive=str(archive))
    write_pack(out, files)
    print(f"Evidence pack for {evidence['document']['url']}: {len(evidence['versions'])} versions, "
          f"{len(evidence['fetches'])} fetches, {len(evidence['events'])} events, {len(evidence['findings'])} "
          f"findings -> {out}")
    return 0
