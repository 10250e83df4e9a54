"""Requests the dead-link checks cost: a crawl of the sample portal with them, against one without.

The portal (default size) is served by its own process, which counts every request it
answers, by method (``bench/portal_server.py``); ``govwatch crawl`` runs as another,
into a fresh database, once as it runs by default and once with ``--no-link-checks``
(the baseline, measured in the same run). Both are first crawls (every page and
attachment fetched, so their answers come free) and then nightly ones on a copy of each
database (``--reverify-days 30``: only a share is fetched again, and link targets are
asked again only on their turn). Reported: requests served per crawl, HEAD requests,
and the ratio with/without.

    .venv/bin/python bench/bench_link_checks.py [--size N] [--json]
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PortalProcess, emit, machine, run_crawl_process  # noqa: E402


def crawls(size: int | None, options: tuple[str, ...]) -> dict:
    """A first crawl and a nightly one of a freshly served portal; requests each made."""
    with PortalProcess(size=size) as portal, tempfile.TemporaryDirectory() as directory:
        db = Path(directory) / "bench.db"
        first = run_crawl_process(portal.url, db, options=options)
        first_counts = portal.counts()
        portal.reset()
        nightly_db = Path(directory) / "nightly.db"
        shutil.copy(db, nightly_db)
        run_crawl_process(portal.url, nightly_db, options=options + ("--reverify-days", "30"))
        nightly_counts = portal.counts()
    return {name: {"requests": counts["total"], "head": counts.get("method:HEAD", 0),
                   "get": counts.get("method:GET", 0)}
            for name, counts in (("first", first_counts), ("nightly", nightly_counts))} | {
        "pages_fetched_first": first["run"]["pages_fetched"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, help="about this many documents (default: the catalogue's)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    without = crawls(args.size, ("--no-link-checks",))
    with_checks = crawls(args.size, ())
    result = {"machine": machine(), "size": args.size, "with": with_checks, "without": without,
              "ratio_first": round(with_checks["first"]["requests"] / without["first"]["requests"], 4),
              "ratio_nightly": round(with_checks["nightly"]["requests"] / without["nightly"]["requests"], 4)}
    lines = [f"{name} crawl: {with_checks[name]['requests']} requests with the link checks "
             f"({with_checks[name]['head']} HEAD), {without[name]['requests']} without: "
             f"ratio {result['ratio_' + name]}" for name in ("first", "nightly")]
    emit(result, args.json, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
