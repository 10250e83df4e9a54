"""Requests of a nightly (incremental) crawl against a full crawl, with 1% new documents.

The sample portal (default size) runs in its own process and counts the requests it
serves (``bench/portal_server.py``), by kind and by status. Day 0 is crawled in full
into a fresh database; the server then moves to day 1 (about 1% new documents and
two or three edited ones) and ``govwatch crawl`` without ``--full`` runs on the same
database. The baseline is a full crawl of the same day-1 portal into another fresh
database, in the same run.

Target: the incremental crawl makes at most 10% of the requests of the full one.

    .venv/bin/python bench/bench_incremental.py [--size N] [--day 1] [--json]
"""

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PortalProcess, emit, machine, run_crawl_process  # noqa: E402

TARGET_RATIO = 0.10


def crawl(portal: PortalProcess, db: Path, *, full: bool) -> dict:
    """One crawl; the server's request counts for it and the crawl's own figures."""
    portal.reset()
    result = run_crawl_process(portal.url, db, full=full)
    run = result["run"]
    return {
        "requests": portal.counts(),
        "pages_fetched": run["pages_fetched"],
        "documents_new": run["documents_new"],
        "documents_updated": run["documents_updated"],
        "documents_unchanged": run["documents_unchanged"],
        "errors": run["errors"],
        "seconds": round(result["crawl_seconds"], 1),
    }


def run(size: int | None, day: int) -> dict:
    with PortalProcess(size=size, day=0) as portal, tempfile.TemporaryDirectory() as directory:
        nightly_db, baseline_db = Path(directory) / "nightly.db", Path(directory) / "baseline.db"
        first = crawl(portal, nightly_db, full=True)
        changes = portal.set_day(day)
        incremental = crawl(portal, nightly_db, full=False)
        baseline = crawl(portal, baseline_db, full=True)
    ratio = incremental["requests"]["total"] / baseline["requests"]["total"]
    return {
        "benchmark": "incremental",
        "size": size,
        "day": day,
        "portal": changes,
        "day0_full_crawl": first,
        "incremental_crawl": incremental,
        "full_crawl_same_day": baseline,
        "ratio": round(ratio, 4),
        "target_ratio": TARGET_RATIO,
        "target_met": ratio <= TARGET_RATIO,
        "machine": machine(),
    }


def describe(name: str, c: dict) -> str:
    r = c["requests"]
    return (f"{name}: {r['total']} requests ({r.get('kind:listing', 0)} listing, {r.get('kind:detail', 0)} detail,"
            f" {r.get('kind:other', 0)} other; {r.get('status:200', 0)} x 200, {r.get('status:304', 0)} x 304)"
            f" in {c['seconds']} s; documents {c['documents_new']} new, {c['documents_updated']} updated,"
            f" {c['documents_unchanged']} unchanged")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, help="portal size (default: the catalogue's ~3,600 documents)")
    parser.add_argument("--day", type=int, default=1, help="the day the nightly crawl sees (default 1)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    r = run(args.size, args.day)
    p = r["portal"]
    emit(r, args.json, [
        f"portal day {r['day']}: {p['documents']} documents; changes {p['changes']}",
        describe("full crawl, day 0       ", r["day0_full_crawl"]),
        describe(f"incremental crawl, day {r['day']}", r["incremental_crawl"]),
        describe(f"full crawl, day {r['day']}       ", r["full_crawl_same_day"]),
        f"ratio incremental / full: {r['ratio']:.3f} (target <= {TARGET_RATIO}:"
        f" {'met' if r['target_met'] else 'MISSED'})",
    ])
    return 0


if __name__ == "__main__":
    sys.exit(main())
