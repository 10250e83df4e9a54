"""Re-deriving stored documents from their archived bytes with the current parser.

A better parser is worth most on what was already crawled, and a page the portal has
since removed can be read in no other way. Each document's record is read again from
the archived response its current record came from, with the body hints of the site
profile its crawl used (as the crawl recorded them, so a profile loaded from a file counts
too; for crawls from before they were recorded, the bundled profile of the site's name),
in a process pool across the machine's cores;
parsing is the cost, so the workers get the pages in chunks, in archive order, and
only the records come back.
The differences are stored by :func:`storage.documents.store_reparsed` as parser
changes, never as events.
"""

import json
import os
from concurrent.futures import ProcessPoolExecutor
from collections import Counter
from itertools import islice
from pathlib import Path

from w3lib.encoding import http_content_type_encoding

from crawler.archive import read_record
from crawler.parsing import PARSER_VERSION, BodyHints, parse_page
from crawler.profiles import PROFILES
from crawler.text.urls import web_attachments
from storage.archive import reparse_sources
from storage.documents import store_reparsed

# Pages handed to a worker at a time: enough to spread the pickling, few enough that the
# workers finish together (the last chunk runs alone: 64 pages were ~10% of a 1,000-page
# re-parse on two cores, 16 cost no more in pickling).
_CHUNK = 16
# Fewer pages than this are parsed in this process: starting the pool would cost more.
_MIN_POOLED = 64
# Records stored per transaction, so a crawl waiting for the write lock waits little.
_BATCH = 500


def _hints(source: dict) -> BodyHints:
    """The article containers of the profile the document's crawl used."""
    if source["body_ids"] is not None and source["body_classes"] is not None:
        return BodyHints(tuple(json.loads(source["body_ids"])), tuple(json.loads(source["body_classes"])))
    profile = PROFILES.get(source["site"] or "")
    return BodyHints(profile.body_ids, profile.body_classes) if profile else BodyHints((), ())


def reparse_page(task: tuple) -> dict | None:
    """One document's record from the archived response ``task`` names; None when the record is not a response."""
    url, path, offset, hints = task
    kind, content_type, body = read_record(path, offset)  # a str: no Path to build per page
    if kind != "response":
        return None
    record = parse_page(body, url, http_content_type_encoding(content_type or ""), hints)
    record["url"] = url
    return web_attachments(record)


def reparse(db, archive: Path, *, since: str | None = None, site: str | None = None,
            workers: int | None = None) -> dict:
    """Re-parse the documents (all, or fetched since ``since``, of crawls of ``site``) from
    ``archive``; return counts: ``documents``, ``changed``, ``unchanged``, ``without_bytes``
    (no archived response: crawled before archiving, or its file is gone) and ``workers``."""
    sources = reparse_sources(db, since=since, site=site)
    readable = [source for source in sources
                if source["warc_file"] and (archive / source["warc_file"]).is_file()]
    tasks = [(source["url"], str(archive / source["warc_file"]), source["warc_offset"], _hints(source))
             for source in readable]
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(tasks) < _MIN_POOLED:
        counts = _store(db, map(reparse_page, tasks), readable)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            counts = _store(db, pool.map(reparse_page, tasks, chunksize=_CHUNK), readable)
    return {"documents": len(sources), "changed": counts["changed"], "unchanged": counts["unchanged"],
            "without_bytes": len(sources) - counts["changed"] - counts["unchanged"], "workers": workers}


def _store(db, records, sources) -> Counter:
    """Store the re-derived records as they come, ``_BATCH`` to a transaction."""
    counts = Counter()
    pairs = ((record, source) for record, source in zip(records, sources) if record is not None)
    while batch := list(islice(pairs, _BATCH)):
        counts += store_reparsed(db, batch, parser_version=PARSER_VERSION)
    return counts
