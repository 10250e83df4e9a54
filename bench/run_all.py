"""Run every benchmark, each in its own process, and print their headline figures.

Each script prints its own figures next to a baseline measured in the same run
(see its docstring); this collects their ``--json`` output. ``--quick`` runs them at
small sizes (under two minutes instead of about ten; the 100,000-document crawl and
the 1,000,000-row audit are the slow part). ``--json FILE`` also writes everything.

    .venv/bin/python bench/run_all.py [--quick] [--only crawl,storage,...] [--json FILE]
    make bench
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import PYTHON, ROOT, machine  # noqa: E402

# name: (script, arguments at full size, arguments with --quick)
BENCHMARKS = {
    "parse": ("parse", [], ["--pages", "100", "--rounds", "2"]),
    "crawl": ("crawl", [], ["--rounds", "1", "--bench-seconds", "5"]),
    "storage": ("storage", [], ["--records", "1000", "--rounds", "1"]),
    "incremental": ("incremental", [], []),  # small portals miss the target: listings are a larger share
    "scale": ("scale", [], ["--size", "5000", "--rows", "100000"]),
    "reparse": ("reparse", [], ["--size", "300", "--rounds", "1"]),
    # The same re-parse over pages saved from real portals, 20 times the sample's in size.
    "reparse-real": ("reparse", ["--corpus", "real", "--size", "400"], ["--corpus", "real", "--size", "100", "--rounds", "1"]),
    "fleet": ("fleet", [], ["--quick"]),
}


def headline(name: str, r: dict) -> str:
    """One line per benchmark: its figure, its baseline's, their ratio and the target."""
    def target(met: bool) -> str:
        return "met" if met else "MISSED"

    if name == "parse":
        return (f"parse: parse_page {r['parse_page_pages_per_s']} pages/s vs lxml.html.fromstring"
                f" {r['lxml_fromstring_pages_per_s']} = {r['ratio']} (target {r['target_ratio']}:"
                f" {target(r['ratio'] >= r['target_ratio'])})")
    if name == "crawl":
        return (f"crawl: {r['crawl']['pages_per_s']:.1f} pages/s vs scrapy bench {r['scrapy_bench']['pages_per_s']:.1f}"
                f" = {r['ratio']} (target >= {r['target_ratio']}: {target(r['target_met'])});"
                f" peak RSS {r['peak_rss_mib']} MiB")
    if name == "storage":
        return (f"storage: store_documents {r['store_documents_new_docs_per_s']} docs/s new,"
                f" {r['store_documents_unchanged_docs_per_s']} unchanged vs insert_all {r['insert_all_docs_per_s']}"
                f" = {r['ratio_new']} / {r['ratio_unchanged']}")
    if name == "incremental":
        return (f"incremental: {r['incremental_crawl']['requests']['total']} requests (default settings)"
                f" vs full {r['full_crawl_same_day']['requests']['total']} = {r['ratio']}"
                f" (target <= {r['target_ratio']}: {target(r['target_met'])});"
                f" {r['incremental_crawl_reverify_30']['requests']['total']} = {r['ratio_reverify_30']} at 30 days")
    if name in ("reparse", "reparse-real"):
        return (f"{name}: {r['reparse_n_pages_per_s']} pages/s on {r['workers']} processes vs lxml.html.fromstring"
                f" {r['lxml_1_pages_per_s']} on one = {r['ratio']} (target {r['target_ratio']}:"
                f" {target(r['ratio'] >= r['target_ratio'])}); archive {r['archive_mib_per_1000_documents']} MiB"
                " per 1,000 documents")
    if name == "fleet":
        largest = r["results"][-1]
        return (f"fleet: {largest['portals']} portals {largest['full']['pages_per_s']} pages/s ="
                f" {largest['ratio_to_single']} x one portal's; peak RSS {largest['full']['peak_rss_mib']} MiB;"
                f" SQLite writer {100 * largest['full']['writer_share']:.1f}% of wall; max"
                f" {r['max_in_flight_per_portal']} in flight per portal (limit {r['politeness_limit']}:"
                f" {target(r['politeness_met'])})")
    parts = []
    if "crawl" in r:
        c = r["crawl"]
        parts.append(f"crawl of {c['size']}: {c['pages']} pages in {c['seconds']} s, {c['pages_per_s']} pages/s"
                     f" ({r['crawl_rate_ratio']} of the default-size crawl), peak RSS {c['peak_rss_mib']} MiB"
                     f" (< 1 GiB: {target(r['crawl_rss_target_met'])})")
    if "audit" in r:
        a = r["audit"]
        parts.append(f"audit of {a['rows']} rows: {a['audit']['seconds']} s ({a['ratio_to_baseline']} x baseline)"
                     f" (< 10 s: {target(r['audit_target_met'])})")
    return "scale: " + "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under two minutes")
    parser.add_argument("--only", help="comma-separated benchmarks: " + ",".join(BENCHMARKS))
    parser.add_argument("--json", metavar="FILE", help="write every benchmark's JSON to FILE")
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    results, failed = {"machine": machine(), "quick": args.quick}, []
    for name in names:
        script, full, quick = BENCHMARKS[name]
        command = [PYTHON, str(HERE / f"bench_{script}.py"), *(quick if args.quick else full), "--json"]
        shown = " ".join(command).replace(str(ROOT) + "/", "")
        print(f"$ {shown}", flush=True)
        began = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            failed.append(name)
            print(f"{name}: FAILED ({done.returncode})\n{done.stderr.strip()[-2000:]}", flush=True)
            continue
        results[name] = json.loads(done.stdout.strip().splitlines()[-1])
        results[name]["command"] = shown
        print(f"{headline(name, results[name])}  [{time.perf_counter() - began:.0f} s]", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
