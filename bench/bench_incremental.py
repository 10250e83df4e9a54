"""Requests of a nightly (incremental) crawl against a full crawl, with 1% new documents.

The sample portal (default size) runs in its own process and counts the requests it
serves (``bench/portal_server.py``), by kind and by status. Day 0 is crawled in full
into a fresh database (and copied); the server then moves to day 1 (about 1% new
documents and two or three edited ones) and ``govwatch crawl`` without ``--full`` runs on
the database twice over: with the default settings (``GOVWATCH_REVERIFY_DAYS`` 90,
``GOVWATCH_SWEEP_PAGES`` 10) and, on the copy, with ``--reverify-days 30``. The baseline is
a full crawl of the same day-1 portal into another fresh database, in the same run.

Target: the incremental crawl makes at most 3% of the requests of the full one. Each
night re-verifies 1 / reverify_days of the documents (one request each), so with 30 days
that alone is 2.7% of a full crawl (3,684 documents; 4,581 requests with the attachments
the archive downloads), and the new documents (1%) and each column's first listing page
are another 1.2%: the target is measured at the default 90 days, and the ratio at 30 is
printed beside it.

With ``--nights N`` a copy of day 0's database is then crawled nightly (default settings) on days 1 … N,
each night's requests broken down by part as the server saw them (a column's first
listing page or an older one, detail pages asked for plainly or conditionally,
attachments, robots.txt, other pages), against day 1's full crawl and against an
estimate of that day's (day 1's scaled by the day's documents: the portal grows ~1% a
day, and a full crawl per night would cost more than the series).

    .venv/bin/python bench/bench_incremental.py [--size N] [--day 1] [--nights 30] [--json]
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PortalProcess, emit, machine, run_crawl_process  # noqa: E402

TARGET_RATIO = 0.03
SHORT_REVERIFY_DAYS = 30


def crawl(portal: PortalProcess, db: Path, *, full: bool, options: tuple[str, ...] = ()) -> dict:
    """One crawl; the server's request counts for it and the crawl's own figures."""
    portal.reset()
    result = run_crawl_process(portal.url, db, full=full, options=options)
    run = result["run"]
    return {
        "requests": portal.counts(),
        "pages_fetched": run["pages_fetched"],
        "documents_new": run["documents_new"],
        "documents_updated": run["documents_updated"],
        "documents_unchanged": run["documents_unchanged"],
        "errors": run["errors"],
        "seconds": round(result["crawl_seconds"], 1),
        "peak_rss_mib": round(result["peak_rss_mib"], 1),
    }


def nightly_series(portal: PortalProcess, db: Path, nights: int) -> list[dict]:
    """A nightly crawl (default reverify_days) on each day 1 … ``nights``, on ``db`` as
    day 0's full crawl left it: every night of the rota measured, not estimated."""
    series = []
    for night in range(1, nights + 1):
        documents = portal.set_day(night)["documents"]
        series.append({"day": night, "portal_documents": documents, **crawl(portal, db, full=False)})
    return series


def run(size: int | None, day: int, nights: int = 0) -> dict:
    with PortalProcess(size=size, day=0) as portal, tempfile.TemporaryDirectory() as directory:
        nightly_db, baseline_db = Path(directory) / "nightly.db", Path(directory) / "baseline.db"
        short_db = Path(directory) / "nightly-30.db"
        first = crawl(portal, nightly_db, full=True)
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{nightly_db}{suffix}").exists():
                shutil.copy(f"{nightly_db}{suffix}", f"{short_db}{suffix}")
        series_db = Path(directory) / "series.db"
        if nights:
            for suffix in ("", "-wal", "-shm"):
                if Path(f"{nightly_db}{suffix}").exists():
                    shutil.copy(f"{nightly_db}{suffix}", f"{series_db}{suffix}")
        changes = portal.set_day(day)
        incremental = crawl(portal, nightly_db, full=False)
        incremental_short = crawl(portal, short_db, full=False,
                                  options=("--reverify-days", str(SHORT_REVERIFY_DAYS)))
        baseline = crawl(portal, baseline_db, full=True)
        series = nightly_series(portal, series_db, nights) if nights else []
    total = baseline["requests"]["total"]
    # The portal grows by ~1% a day: each night against day 1's full crawl scaled by that
    # day's documents (an estimate of that day's full crawl; not crawled night by night).
    day1_documents = changes["documents"]
    ratios = [night["requests"]["total"] / (total * night["portal_documents"] / day1_documents) for night in series]
    for night, ratio in zip(series, ratios):
        night["ratio_to_same_day_full_estimate"] = round(ratio, 4)
    ratio = incremental["requests"]["total"] / total
    return {
        "benchmark": "incremental",
        "size": size,
        "day": day,
        "portal": changes,
        "day0_full_crawl": first,
        "incremental_crawl": incremental,
        "incremental_crawl_reverify_30": incremental_short,
        "full_crawl_same_day": baseline,
        "ratio_reverify_30": round(incremental_short["requests"]["total"] / total, 4),
        "nights": series,
        "nights_ratio_mean": round(sum(ratios) / len(ratios), 4) if ratios else None,
        "nights_ratio_min": round(min(ratios), 4) if ratios else None,
        "nights_ratio_max": round(max(ratios), 4) if ratios else None,
        "nights_worst": series[ratios.index(max(ratios))]["day"] if ratios else None,
        "nights_over_target": sum(ratio > TARGET_RATIO for ratio in ratios),
        "ratio": round(ratio, 4),
        "target_ratio": TARGET_RATIO,
        "target_met": ratio <= TARGET_RATIO,
        "machine": machine(),
    }


PARTS = ("listing_first", "listing_older", "detail_plain", "detail_conditional", "attachment", "robots", "other_page")


def describe(name: str, c: dict) -> str:
    r = c["requests"]
    parts = ", ".join(f"{part} {r.get('part:' + part, 0)}" for part in PARTS)
    return (f"{name}: {r['total']} requests ({r.get('kind:listing', 0)} listing, {r.get('kind:detail', 0)} detail,"
            f" {r.get('kind:other', 0)} other; {r.get('status:200', 0)} x 200, {r.get('status:304', 0)} x 304)"
            f" in {c['seconds']} s; documents {c['documents_new']} new, {c['documents_updated']} updated,"
            f" {c['documents_unchanged']} unchanged\n    by part: {parts}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, help="portal size (default: the catalogue's ~3,600 documents)")
    parser.add_argument("--day", type=int, default=1, help="the day the nightly crawl sees (default 1)")
    parser.add_argument("--nights", type=int, default=0,
                        help="also crawl nightly on days 1 … N after day 0 (90: one whole rota at the default)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    r = run(args.size, args.day, max(0, args.nights))
    p = r["portal"]
    full = r["full_crawl_same_day"]["requests"]["total"]
    emit(r, args.json, [
        f"portal day {r['day']}: {p['documents']} documents; changes {p['changes']}",
        describe("full crawl, day 0                        ", r["day0_full_crawl"]),
        describe(f"incremental crawl, day {r['day']}, default settings", r["incremental_crawl"]),
        describe(f"incremental crawl, day {r['day']}, reverify 30 days", r["incremental_crawl_reverify_30"]),
        describe(f"full crawl, day {r['day']}                        ", r["full_crawl_same_day"]),
        f"ratio incremental / full: {r['ratio']:.4f} at the defaults (target <= {TARGET_RATIO}:"
        f" {'met' if r['target_met'] else 'MISSED'}), {r['ratio_reverify_30']:.4f} at {SHORT_REVERIFY_DAYS} days",
        *[describe(f"night {night['day']:2d}", night) + f"\n    ratio {night['requests']['total'] / full:.4f} of day 1's"
          f" full crawl, {night['ratio_to_same_day_full_estimate']:.4f} of that day's (estimated)"
          for night in r["nights"]],
        *([f"nights 1-{len(r['nights'])} at the defaults: mean ratio {r['nights_ratio_mean']},"
           f" best {r['nights_ratio_min']}, worst {r['nights_ratio_max']} (night {r['nights_worst']}),"
           f" {r['nights_over_target']} over {TARGET_RATIO}"] if r["nights"] else []),
    ])
    return 0


if __name__ == "__main__":
    sys.exit(main())
