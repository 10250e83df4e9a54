"""Throughput of ``parse_page`` against bare ``lxml.html.fromstring`` on the same pages.

The pages are every fixture in ``tests/files`` plus a spread of sample-portal detail
pages (the bulk of a real crawl), rendered in-process exactly as the sample server
sends them: bytes in the document's own encoding, with that charset as the header's.
Both parsers run over the same list in the same process, taking turns for several
rounds, and each one's best round counts, so the ratio holds across machines and
under noisy neighbours. ``--clock cpu`` times them by this process's CPU time instead
of the wall clock: on a machine shared with other work, waiting for a core then counts
for neither. ``--source DIR`` measures the ``parse_page`` of another source tree (a
``git archive`` of an older commit), so two parsers can be compared in turns;
``--against DIR`` times that tree's ``parse_page`` in the same process, taking turns
with this one's and lxml each round, which on a noisy machine is the only fair
comparison (separate runs a few seconds apart differ by 2x here).

    .venv/bin/python bench/bench_parse.py [--pages 500] [--rounds 5] [--clock wall|cpu] [--source DIR] [--against DIR] [--json]
"""

import argparse
import importlib
import json
import sys
import time
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import best_rounds  # noqa: E402
from monitor.demo.sample_portal import pages  # noqa: E402
from monitor.demo.sample_portal.model import build_portal  # noqa: E402

FIXTURES = ROOT / "tests" / "files"
PORTAL_URL = "http://127.0.0.1:8000"
# The ratio the benchmark issue asks for.
TARGET_RATIO = 0.4


def fixture_pages() -> list[tuple[bytes, str, None]]:
    """(body, url, charset) for every saved fixture page; fixtures carry no header charset."""
    return [(path.read_bytes(), f"http://fixtures.test/{path.name}", None) for path in sorted(FIXTURES.glob("*.html"))]


def portal_pages(count: int) -> list[tuple[bytes, str, str]]:
    """(body, url, charset) for ``count`` detail pages spread evenly over the sample portal.

    Taking every n-th document keeps the mix of columns, years, GBK pages and the long
    annual report that a full crawl sees.
    """
    documents = build_portal().documents
    step = max(1, len(documents) // count)
    chosen = documents[::step][:count]
    return [
        (pages.render_detail(doc).encode(doc.encoding), PORTAL_URL + doc.url, doc.encoding)
        for doc in chosen
    ]


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def load_parser(source: Path | None):
    """``parse_page`` of this tree, or of the source tree ``source``."""
    if source is not None:
        sys.path.insert(0, str(source.resolve()))
    from crawler import parsing

    if source is not None and not Path(parsing.__file__).resolve().is_relative_to(source.resolve()):
        raise SystemExit(f"{source} holds no crawler package")
    return parsing.parse_page


def load_other_parser(source: Path):
    """``parse_page`` of the source tree ``source``, beside the one already imported.

    The ``crawler`` modules are imported afresh from ``source`` and then put back, so
    each function keeps its own tree's modules.
    """
    mine = {name: module for name, module in sys.modules.items() if name == "crawler" or name.startswith("crawler.")}
    for name in mine:
        del sys.modules[name]
    sys.path.insert(0, str(source.resolve()))
    try:
        parsing = importlib.import_module("crawler.parsing")
    finally:
        sys.path.remove(str(source.resolve()))
        for name in [name for name in sys.modules if name == "crawler" or name.startswith("crawler.")]:
            del sys.modules[name]
        sys.modules.update(mine)
    if not Path(parsing.__file__).resolve().is_relative_to(source.resolve()):
        raise SystemExit(f"{source} holds no crawler package")
    return parsing.parse_page


def run(page_count: int, rounds: int, clock: str = "wall", source: Path | None = None,
        against: Path | None = None) -> dict:
    """Time both parsers (and ``against``'s, if given) over the same pages; pages per second and ratios."""
    parse_page = load_parser(source)
    other = load_other_parser(against) if against is not None else None
    corpus = fixture_pages() + portal_pages(page_count)

    def baseline():
        for body, _, _ in corpus:
            lxml.html.fromstring(body)

    def parser():
        for body, url, charset in corpus:
            parse_page(body, url, charset)

    def other_parser():
        for body, url, charset in corpus:
            other(body, url, charset)

    parser()  # warm-up: imports, regex compilation, lru caches
    functions = [baseline, parser] + ([other_parser] if other else [])
    if other:
        other_parser()
    baseline_s, parser_s, *other_s = best_rounds(functions, rounds, CLOCKS[clock])
    baseline_rate = len(corpus) / baseline_s
    parser_rate = len(corpus) / parser_s
    compared = {}
    if other:
        other_rate = len(corpus) / other_s[0]
        compared = {"against": str(against), "against_pages_per_s": round(other_rate, 1),
                    "against_ratio": round(other_rate / baseline_rate, 3), "speedup": round(parser_rate / other_rate, 3)}
    return {
        "pages": len(corpus),
        "bytes": sum(len(body) for body, _, _ in corpus),
        "rounds": rounds,
        "clock": clock,
        "source": str(source or ROOT),
        "lxml_fromstring_pages_per_s": round(baseline_rate, 1),
        "parse_page_pages_per_s": round(parser_rate, 1),
        "ratio": round(parser_rate / baseline_rate, 3),
        "target_ratio": TARGET_RATIO,
        **compared,
    }


def main(argv: list[str] | None = None) -> int:
    """Print the figures, as text or as one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500, help="sample-portal detail pages (default 500)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per parser; best counts (default 5)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="wall (default) or cpu: this process's CPU time, for a machine shared with other work")
    parser.add_argument("--source", type=Path, help="time the parse_page of this source tree instead")
    parser.add_argument("--against", type=Path, help="also time the parse_page of this source tree, in turns")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = run(args.pages, args.rounds, args.clock, args.source, args.against)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"pages: {result['pages']} ({result['bytes'] / 1e6:.1f} MB), best of {result['rounds']} rounds"
              f" ({result['clock']} clock), parser of {result['source']}")
        print(f"lxml.html.fromstring: {result['lxml_fromstring_pages_per_s']:>9.1f} pages/s")
        print(f"parse_page:           {result['parse_page_pages_per_s']:>9.1f} pages/s")
        print(f"ratio:                {result['ratio']:>9.3f} (target {TARGET_RATIO})")
        if "against" in result:
            print(f"parse_page of {result['against']}: {result['against_pages_per_s']:.1f} pages/s, ratio "
                  f"{result['against_ratio']:.3f}; this tree's is {result['speedup']:.3f}x as fast")
    return 0


if __name__ == "__main__":
    sys.exit(main())
