"""Throughput of ``govwatch reparse`` against bare ``lxml.html.fromstring`` of the same archived bytes.

A portal is crawled by ``govwatch crawl`` into a fresh database and its WARC archive:
the sample portal of ``--size`` documents, or with ``--corpus real`` a portal of
``--size`` pages that cycle through the detail pages saved from real portals
(``tests/files/real/pages``; the ones that parse as disclosure documents are stored).
The sample portal's pages are a twentieth of a real page's size (2.8 KB against
50–350 KB), so lxml's share of the work, and with it the ratio, is much smaller there.
Then, in this process, for several rounds in turns (the best round of each counts):

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

    .venv/bin/python bench/bench_reparse.py [--corpus sample|real] [--size 1000] [--rounds 3] [--workers N] [--json]
"""

import argparse
import os
import re
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import lxml.html

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from common import best_rounds, emit, run_crawl_process  # noqa: E402

from crawler.archive import read_record  # noqa: E402
from crawler.parsing import parse_page  # noqa: E402
from crawler.reparse import reparse  # noqa: E402
from monitor.demo.html_server import html_server  # noqa: E402
from monitor.demo.sample_portal.server import serve  # noqa: E402
from storage.archive import reparse_sources  # noqa: E402
from storage.db import open_db  # noqa: E402

TARGET_RATIO = 0.4


def _fromstring_all(bodies: list[bytes]) -> int:
    for body in bodies:
        lxml.html.fromstring(body)
    return len(bodies)


# Detail pages saved from real portals (the listing among them is no document).
REAL_PAGES = sorted(path for path in (HERE.parent / "tests" / "files" / "real" / "pages").glob("*.html")
                    if not path.name.startswith("list-"))


def serve_real_pages(count: int):
    """A portal of ``count`` documents, each one of the saved real pages as its portal served it.

    Page ``/`` lists ``/info/<n>.html`` (the leda profile's detail path), which cycle
    through :data:`REAL_PAGES`; anything else is a 404. A context manager yielding the
    portal's URL.
    """
    bodies = [path.read_bytes() for path in REAL_PAGES]
    index = "".join(f'<li><a href="/info/{n}.html">文件 {n}</a></li>' for n in range(count))
    index = f"<html><body><ul>{index}</ul></body></html>".encode()

    def route(path: str) -> tuple[int, bytes]:
        found = re.fullmatch(r"/info/(\d+)\.html", path)
        if path == "/":
            return 200, index
        if found and int(found.group(1)) < count:
            return 200, bodies[int(found.group(1)) % len(bodies)]
        return 404, b""

    return html_server(route)


def _portal(corpus: str, size: int):
    """The portal to crawl: the sample portal, or real pages (``corpus`` "real")."""
    if corpus == "real":
        return serve_real_pages(size)
    return _sample_url(size)


@contextmanager
def _sample_url(size: int):
    with serve(size=size) as portal:
        yield portal.url


def _page_ratios(bodies: list[bytes], rounds: int) -> dict[str, float]:
    """For each saved real page among ``bodies``: ``parse_page`` against lxml on it alone, one process.

    The corpus's figure weighs each page by its parse time, so the largest page counts
    most; this says whether the smaller ones reach the target too.
    """
    ratios = {}
    for path in REAL_PAGES:
        body = path.read_bytes()
        if body in bodies:
            repeat = [body] * 20
            lxml_seconds, parse_seconds = best_rounds(
                [lambda: _fromstring_all(repeat), lambda: [parse_page(page, None, "utf-8") for page in repeat]], rounds)
            ratios[path.name] = round(lxml_seconds / parse_seconds, 3)
    return ratios


def run(size: int, rounds: int, workers: int, corpus: str = "sample") -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "govwatch.db"
        with _portal(corpus, size) as url:
            crawl = run_crawl_process(url, db_path)
            bare = run_crawl_process(url, Path(tmp) / "bare.db", options=("--archive", "off"))
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

                functions = {
                    "lxml_1": lambda: _fromstring_all(bodies),
                    "lxml_n": lxml_parallel,
                    "reparse_n": lambda: reparse(db, archive, workers=workers),
                    "reparse_1": lambda: reparse(db, archive, workers=1),
                }
                for function in functions.values():
                    function()  # warm-up: imports, caches, the first parser-version writes
                timings = dict(zip(functions, best_rounds(list(functions.values()), rounds)))
            changed = reparse(db, archive, workers=workers)["changed"]
            by_page = _page_ratios(bodies, rounds) if corpus == "real" else {}
        finally:
            db.close()
    rate = {name: len(bodies) / seconds for name, seconds in timings.items()}
    return {
        "corpus": corpus, "documents": len(bodies), "bytes": sum(map(len, bodies)), "rounds": rounds, "workers": workers,
        "cpus": os.cpu_count(), "crawl_pages": crawl["run"]["pages_fetched"],
        **{f"{name}_pages_per_s": round(value, 1) for name, value in rate.items()},
        "ratio": round(rate["reparse_n"] / rate["lxml_1"], 3),
        "ratio_same_processes": round(rate["reparse_n"] / rate["lxml_n"], 3),
        "ratio_one_process": round(rate["reparse_1"] / rate["lxml_1"], 3),
        "target_ratio": TARGET_RATIO,
        "changed_on_rerun": changed,
        "crawl_pages_per_s": round(crawl["run"]["pages_fetched"] / crawl["crawl_seconds"], 1),
        "crawl_unarchived_pages_per_s": round(bare["run"]["pages_fetched"] / bare["crawl_seconds"], 1),
        "one_process_ratio_by_page": by_page,
        "archive_bytes": archive_bytes,
        "archive_mib_per_1000_documents": round(archive_bytes / 2**20 / len(bodies) * 1000, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="sample-portal documents (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of each; best counts (default 3)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="re-parse processes (default: one per core)")
    parser.add_argument("--corpus", choices=("sample", "real"), default="sample",
                        help="the pages crawled: the sample portal's, or the saved real pages (default sample)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    r = run(args.size, args.rounds, args.workers, args.corpus)
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
        *(f"one process, {name} alone: parse_page / lxml {ratio:.3f}"
          for name, ratio in r["one_process_ratio_by_page"].items()),
        f"archive: {r['archive_bytes'] / 2**20:.1f} MiB for {r['documents']} documents "
        f"({r['crawl_pages']} responses): {r['archive_mib_per_1000_documents']} MiB per 1,000 documents",
    ])
    return 0


if __name__ == "__main__":
    sys.exit(main())
