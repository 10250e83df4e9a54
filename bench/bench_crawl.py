"""Pages per second of a full crawl of the sample portal, against ``scrapy bench``.

The portal (default size, ~3,800 pages) is served by its own process on 127.0.0.1 and
``govwatch crawl --full`` runs as another, into a fresh database; its rate is pages
fetched over the crawl's own seconds (engine start to close, as the crawl's summary
line reports them). The baseline is ``scrapy bench`` (Scrapy's own benchmark: a
local server of link-only pages and a spider that follows them, nothing stored) run
in the same session, its rate being response_received_count / elapsed_time_seconds
from its final stats. The two take turns for ``--rounds`` rounds; each side's best
round counts. Also reported: the crawl process's peak RSS (``os.wait4`` rusage).

Target: the crawl runs at >= 70% of scrapy bench's rate.

    .venv/bin/python bench/bench_crawl.py [--rounds 3] [--bench-seconds 10] [--json]
"""

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, PortalProcess, emit, machine, run_crawl_process  # noqa: E402

TARGET_RATIO = 0.7
SCRAPY = str(ROOT / ".venv" / "bin" / "scrapy")


def scrapy_bench(seconds: int) -> dict:
    """One ``scrapy bench`` run from an empty directory; its overall and per-second rates."""
    with tempfile.TemporaryDirectory() as directory:
        log = subprocess.run(
            [SCRAPY, "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}", "-s", "LOG_LEVEL=INFO"],
            cwd=directory, capture_output=True, text=True, check=True,
        ).stderr
    responses = int(re.search(r"'response_received_count': (\d+)", log).group(1))
    elapsed = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", log).group(1))
    per_minute = [int(m) for m in re.findall(r"Crawled \d+ pages \(at (\d+) pages/min\)", log)]
    steady = sorted(per_minute[1:]) or [0]
    return {
        "pages": responses,
        "seconds": elapsed,
        "pages_per_s": responses / elapsed,
        "median_logstats_pages_per_s": steady[len(steady) // 2] / 60,
    }


def govwatch_crawl(size: int | None) -> dict:
    """One full crawl of a freshly served portal into a fresh database."""
    with PortalProcess(size=size) as portal, tempfile.TemporaryDirectory() as directory:
        crawl = run_crawl_process(portal.url, Path(directory) / "bench.db", full=True)
        served = portal.counts()["total"]
    # The crawl's own seconds run from the engine's start to its close, like scrapy bench's.
    seconds = crawl["crawl_seconds"]
    pages = crawl["run"]["pages_fetched"]
    return {
        "pages": pages,
        "requests_served": served,
        "documents": crawl["run"]["documents_new"],
        "seconds": seconds,
        "process_seconds": crawl["seconds"],
        "pages_per_s": pages / seconds,
        "peak_rss_mib": crawl["peak_rss_mib"],
    }


def run(rounds: int, bench_seconds: int, size: int | None) -> dict:
    crawls, benches = [], []
    for _ in range(rounds):
        benches.append(scrapy_bench(bench_seconds))
        crawls.append(govwatch_crawl(size))
    best_crawl = max(crawls, key=lambda c: c["pages_per_s"])
    best_bench = max(benches, key=lambda b: b["pages_per_s"])
    ratio = best_crawl["pages_per_s"] / best_bench["pages_per_s"]
    return {
        "benchmark": "crawl",
        "rounds": rounds,
        "crawl": best_crawl,
        "scrapy_bench": best_bench,
        "all_crawl_pages_per_s": [round(c["pages_per_s"], 1) for c in crawls],
        "all_scrapy_bench_pages_per_s": [round(b["pages_per_s"], 1) for b in benches],
        "ratio": round(ratio, 3),
        "target_ratio": TARGET_RATIO,
        "target_met": ratio >= TARGET_RATIO,
        "peak_rss_mib": round(max(c["peak_rss_mib"] for c in crawls), 1),
        "machine": machine(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="turns of each side; the best counts (default 3)")
    parser.add_argument("--bench-seconds", type=int, default=10, help="scrapy bench's CLOSESPIDER_TIMEOUT (default 10)")
    parser.add_argument("--size", type=int, help="portal size (default: the catalogue's ~3,600 documents)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = run(args.rounds, args.bench_seconds, args.size)
    crawl, bench = result["crawl"], result["scrapy_bench"]
    emit(result, args.json, [
        f"govwatch crawl --full: {crawl['pages']} pages in {crawl['seconds']:.1f} s = {crawl['pages_per_s']:.1f} pages/s"
        f" (best of {result['all_crawl_pages_per_s']}), peak RSS {result['peak_rss_mib']:.0f} MiB",
        f"scrapy bench:          {bench['pages']} pages in {bench['seconds']:.1f} s = {bench['pages_per_s']:.1f} pages/s"
        f" (best of {result['all_scrapy_bench_pages_per_s']})",
        f"ratio: {result['ratio']:.2f} (target >= {TARGET_RATIO}: {'met' if result['target_met'] else 'MISSED'})",
    ])
    return 0


if __name__ == "__main__":
    sys.exit(main())
