"""Throughput of ``govwatch reparse`` against bare ``lxml.html.fromstring`` of the same archived bytes.

A sample portal (``--size`` documents) is crawled by ``govwatch crawl`` into a fresh
database and its WARC archive; then, in this process and taking turns for several
rounds (the best round of each counts):

- the baseline: ``lxml.html.fromstring`` of every document's archived response body
  (read from the archive beforehand, so the baseline does no I/O), in one process, and
  also spread over the same number of processes as the re-parse;
- ``reparse``: the whole of what ``govwatch reparse`` does (reading each record from the
  WARC files, ``parse_page``, comparing with the stored record and writing the parser
  version) on ``--workers`` processes (default: one per core), and on one.

The headline ratio is the re-parse on all cores against single-process lxml, the
issue's target (0.4); the ratio against lxml on the same cores says how much of the
gain is the parser's own speed. Also printed: the archive's size per 1,000 documents,
and what archiving costs the crawl (the same portal crawled again with ``--archive
off`` into another database: pages per second of each).

    .venv/bin/python bench/bench_reparse.py [--size 1000] [--rounds 3] [--workers N] [--json]
"""

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import lxml.html

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from common import emit, run_crawl_process  # noqa: E402

from crawler.archive import read_record  # noqa: E402
from crawler.reparse import reparse  # noqa: E402
from monitor.demo.sample_portal.server import serve  # noqa: E402
from storage.archive import reparse_sources  # noqa: E402
from storage.db import open_db  # noqa: E402

TARGET_RATIO = 0.4


def _fromstring_all(bodies: list[bytes]) -> int:
    for body in bodies:
        lxml.html.fromstring(body)
    return len(bodies)


def _best(function, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def run(size: int, rounds: int, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "govwatch.db"
        with serve(size=size) as portal:
            crawl = run_crawl_process(portal.url, db_path)
            bare = run_crawl_process(portal.url, Path(tmp) / "bare.db", options=("--archive", "off"))
        archive = Path(str(db_path) + ".warc")
        archive_bytes = sum(path.stat().st_size for path in archive.iterdir())
        db = open_db(db_path)
        try:
            sources = [s for s in reparse_sources(db) if s["warc_file"]]
            bodies = [read_record(archive / s["warc_file"], s["warc_offset"])[2] for s in sources]
            chunks = [bodies[k::workers] for k in range(workers)]
            with ProcessPoolExecutor(max_workers=workers) as pool:
                list(pool.map(_fromstring_all, chunks))  # warm the workers

                def lxml_parallel():
                    assert sum(pool.map(_fromstring_all, chunks)) == len(bodies)

                timings = {}
                for name, function in (
                        ("lxml_1", lambda: _fromstring_all(bodies)),
                        ("lxml_n", lxml_parallel),
                        ("reparse_n", lambda: reparse(db, archive, workers=workers)),
                        ("reparse_1", lambda: reparse(db, archive, workers=1))):
                    function()  # warm-up: imports, caches, the first parser-version writes
                    timings[name] = _best(function, rounds)
            changed = reparse(db, archive, workers=workers)["changed"]
        finally:
            db.close()
    rate = {name: len(bodies) / seconds for name, seconds in timings.items()}
    return {
        "documents": len(bodies), "bytes": sum(map(len, bodies)), "rounds": rounds, "workers": workers,
        "cpus": os.cpu_count(), "crawl_pages": crawl["run"]["pages_fetched"],
        **{f"{name}_pages_per_s": round(value, 1) for name, value in rate.items()},
        "ratio": round(rate["reparse_n"] / rate["lxml_1"], 3),
        "ratio_same_processes": round(rate["reparse_n"] / rate["lxml_n"], 3),
        "ratio_one_process": round(rate["reparse_1"] / rate["lxml_1"], 3),
        "target_ratio": TARGET_RATIO,
        "changed_on_rerun": changed,
        "crawl_pages_per_s": round(crawl["run"]["pages_fetched"] / crawl["crawl_seconds"], 1),
        "crawl_unarchived_pages_per_s": round(bare["run"]["pages_fetched"] / bare["crawl_seconds"], 1),
        "archive_bytes": archive_bytes,
        "archive_mib_per_1000_documents": round(archive_bytes / 2**20 / len(bodies) * 1000, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="sample-portal documents (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of each; best counts (default 3)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="re-parse processes (default: one per core)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    r = run(args.size, args.rounds, args.workers)
    emit(r, args.json, [
        f"documents: {r['documents']} ({r['bytes'] / 1e6:.1f} MB of archived pages), {r['workers']} processes "
        f"on {r['cpus']} CPUs, best of {r['rounds']} rounds",
        f"lxml.html.fromstring, 1 process:  {r['lxml_1_pages_per_s']:>9.1f} pages/s",
        f"lxml.html.fromstring, {r['workers']} processes: {r['lxml_n_pages_per_s']:>9.1f} pages/s",
        f"reparse, 1 process:               {r['reparse_1_pages_per_s']:>9.1f} pages/s",
        f"reparse, {r['workers']} processes:              {r['reparse_n_pages_per_s']:>9.1f} pages/s",
        f"ratio (reparse on all processes / lxml on one): {r['ratio']:.3f} (target {TARGET_RATIO})",
        f"ratio (same processes): {r['ratio_same_processes']:.3f}; one process each: {r['ratio_one_process']:.3f}",
        f"re-parse with the same parser changed {r['changed_on_rerun']} documents",
        f"crawl: {r['crawl_pages_per_s']} pages/s archived, {r['crawl_unarchived_pages_per_s']} with --archive off",
        f"archive: {r['archive_bytes'] / 2**20:.1f} MiB for {r['documents']} documents "
        f"({r['crawl_pages']} responses): {r['archive_mib_per_1000_documents']} MiB per 1,000 documents",
    ])
    return 0


if __name__ == "__main__":
    sys.exit(main())
