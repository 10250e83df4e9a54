"""Crawl and audit at scale: a 100,000-document portal, and an audit of 1,000,000 rows.

Part 1, the crawl: a portal generated with ``--size`` documents (default 100,000) is
served by its own process; ``govwatch crawl --full`` runs as another into a fresh
database. Measured: wall time, pages/s and the crawl process's peak RSS (target:
under 1 GiB), then ``run_audit(db, year=2020)`` on the result, timed in a child
process of its own (so its peak RSS is its own). Baseline: the same crawl of the
default-size portal (~3,800 pages) in the same run, so the pages/s and memory ratios
say what size costs.

Part 2, the audit: ``--rows`` synthetic documents (default 1,000,000) inserted with
sqlite-utils ``insert_all`` into a database made by ``open_db``: shapes and body text
cloned from parsed sample pages, publication dates spread over 2019-2021, the seven
publishers and their index-number series, columns from the sample site, three in
four with a formation date 0-40 days earlier, and a sprinkle of the defects the audit
looks for, plus the sample's 2020 annual report so the claims are reconciled too.
``run_audit(db, year=2020)`` is timed in a child process (target: under 10 s).
Baseline: the cheapest figure any audit computes, the year's documents counted per
publisher through the ``publications`` view, timed on the same file.

    .venv/bin/python bench/bench_scale.py [--size 100000] [--rows 1000000] [--json]
    (--size 0 or --rows 0 skips that part; --keep DIR keeps the databases)
"""

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, ROOT, PortalProcess, emit, machine, run_crawl_process, sample_records  # noqa: E402

CRAWL_RSS_TARGET_MIB = 1024
AUDIT_TARGET_S = 10.0
BASELINE_SQL = ("SELECT publisher, count(*) FROM publications"
                " WHERE published_on BETWEEN '2020-01-01' AND '2020-12-31' GROUP BY publisher")


def timed_audit(db_path: Path, year: int = 2020) -> dict:
    """``run_audit`` in a child process: its seconds (audit alone) and peak RSS."""
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen([PYTHON, __file__, "--audit-child", str(db_path), str(year)],
                                   cwd=ROOT, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
        stdout.seek(0)
        stderr.seek(0)
        out, err = stdout.read().decode(), stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"audit failed: {err.strip()[-2000:]}")
    return {**json.loads(out), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1)}


def audit_child(db_path: str, year: int) -> int:
    """The child's side: open, audit, print seconds and what the audit found."""
    from monitor.audit.run import run_audit
    from storage.db import open_db

    db = open_db(db_path)
    began = time.perf_counter()
    result = run_audit(db, year=year)
    seconds = time.perf_counter() - began
    baseline_began = time.perf_counter()
    db.execute(BASELINE_SQL).fetchall()
    baseline = time.perf_counter() - baseline_began
    print(json.dumps({"seconds": round(seconds, 3), "baseline_seconds": round(baseline, 4),
                      "documents": result["totals"]["documents"], "findings": len(result["findings"]),
                      "claims": len(result["claims"])}))
    return 0


def crawl_at(size: int | None, directory: Path) -> dict:
    """Serve a portal of ``size``, crawl it in full, audit 2020; the figures."""
    began = time.perf_counter()
    with PortalProcess(size=size) as portal:
        build_seconds = time.perf_counter() - began
        crawl = run_crawl_process(portal.url, directory / f"crawl-{size}.db", full=True)
        served = portal.counts()["total"]
    audit = timed_audit(directory / f"crawl-{size}.db")
    run = crawl["run"]
    return {
        "size": size, "portal_build_seconds": round(build_seconds, 1), "pages": run["pages_fetched"],
        "requests_served": served, "documents": run["documents_new"], "errors": run["errors"],
        "status": run["status"], "seconds": round(crawl["crawl_seconds"], 1),
        "process_seconds": round(crawl["seconds"], 1),
        "pages_per_s": round(run["pages_fetched"] / crawl["crawl_seconds"], 1),
        "peak_rss_mib": round(crawl["peak_rss_mib"], 1), "audit": audit,
        "db_mib": round((directory / f"crawl-{size}.db").stat().st_size / 2 ** 20, 1),
    }


def synthetic_rows(count: int, seed: int = 7):
    """``count`` realistic ``documents`` rows, plus the sample's 2020 annual report."""
    from monitor.demo.sample_portal.catalogue import PUBLISHERS
    from storage.documents import document_row

    rng = random.Random(seed)
    records = sample_records(400)
    report = next((r for r in records if "年度报告" in (r["title"] or "")), None)
    templates = [document_row(r, crawl_id=1, seen_at="2022-01-10T00:00:00Z") for r in records if r["is_disclosure"]]
    if report is None:
        report = _annual_report_record()
    yield document_row(report, crawl_id=1, seen_at="2022-01-10T00:00:00Z") | {"first_seen_at": "2022-01-10T00:00:00Z"}
    publishers = list(PUBLISHERS.items())
    serials: dict[tuple[str, int], int] = {}
    first, span = dt.date(2019, 1, 1), (dt.date(2021, 12, 31) - dt.date(2019, 1, 1)).days
    for number in range(count):
        row = dict(rng.choice(templates))
        published = first + dt.timedelta(days=rng.randrange(span + 1))
        publisher, code = rng.choice(publishers)
        key = (code, published.year)
        # About 1 in 500 serials skipped (a gap) and 1 in 2,000 reused (a duplicate).
        serials[key] = serials.get(key, 0) + (rng.random() >= 0.0005) + (rng.random() < 0.002)
        formed = rng.random() < 0.75
        created = published - dt.timedelta(days=rng.choice((0, 1, 2, 3, 5, 7, 10, 14, 20, 28, 40)))
        row.update(
            url=f"http://synthetic.test/info/{number}.htm",
            title=f"{row['title']}（{number}）",
            publisher=publisher if rng.random() >= 0.001 else None,
            index_no=f"{code}/{published.year}-{serials[key]:07d}",
            published_on=published.isoformat(),
            created_on=created.isoformat() if formed else None,
            created_on_source=rng.choice(("metadata", "body")) if formed else None,
            content_hash=f"{number:064x}",
            first_seen_at="2022-01-10T00:00:00Z",
        )
        yield row


def _annual_report_record() -> dict:
    from crawler.parsing import parse_page
    from monitor.demo.sample_portal import pages
    from monitor.demo.sample_portal.model import build_portal

    doc = next(d for d in build_portal().documents if d.markdown)
    return parse_page(pages.render_detail(doc).encode(doc.encoding), f"http://127.0.0.1:8000{doc.url}", doc.encoding)


def audit_at(rows: int, directory: Path) -> dict:
    """Insert ``rows`` synthetic documents, then time the 2020 audit on them."""
    from storage.db import open_db

    path = directory / f"synthetic-{rows}.db"
    db = open_db(path)
    began = time.perf_counter()
    db["documents"].insert_all(synthetic_rows(rows), batch_size=1000)
    insert_seconds = time.perf_counter() - began
    db.close()
    audit = timed_audit(path)
    return {"rows": rows, "insert_seconds": round(insert_seconds, 1), "db_mib": round(path.stat().st_size / 2 ** 20, 1),
            "audit": audit, "ratio_to_baseline": round(audit["seconds"] / max(audit["baseline_seconds"], 1e-6), 1)}


def run(size: int, rows: int, directory: Path) -> dict:
    result = {"benchmark": "scale", "machine": machine()}
    if size:
        result["crawl_baseline"] = crawl_at(None, directory)
        result["crawl"] = scaled = crawl_at(size, directory)
        result["crawl_rate_ratio"] = round(scaled["pages_per_s"] / result["crawl_baseline"]["pages_per_s"], 3)
        result["crawl_rss_ratio"] = round(scaled["peak_rss_mib"] / result["crawl_baseline"]["peak_rss_mib"], 2)
        result["crawl_rss_target_met"] = scaled["peak_rss_mib"] < CRAWL_RSS_TARGET_MIB
    if rows:
        result["audit"] = audit_at(rows, directory)
        result["audit_target_met"] = result["audit"]["audit"]["seconds"] < AUDIT_TARGET_S
    return result


def lines(r: dict) -> list[str]:
    out = []
    if "crawl" in r:
        for name in ("crawl_baseline", "crawl"):
            c = r[name]
            out.append(f"crawl of size {c['size'] or 'default'}: {c['pages']} pages ({c['status']}, {c['errors']} errors)"
                       f" in {c['seconds']} s = {c['pages_per_s']} pages/s, peak RSS {c['peak_rss_mib']} MiB;"
                       f" audit 2020 {c['audit']['seconds']} s, peak RSS {c['audit']['peak_rss_mib']} MiB")
        out.append(f"  pages/s ratio {r['crawl_rate_ratio']}, RSS ratio {r['crawl_rss_ratio']};"
                   f" RSS < 1 GiB: {'met' if r['crawl_rss_target_met'] else 'MISSED'}")
    if "audit" in r:
        a = r["audit"]
        out.append(f"synthetic: {a['rows']} rows inserted in {a['insert_seconds']} s ({a['db_mib']} MiB);"
                   f" run_audit(year=2020) {a['audit']['seconds']} s, peak RSS {a['audit']['peak_rss_mib']} MiB,"
                   f" {a['audit']['findings']} findings")
        out.append(f"  baseline (count per publisher) {a['audit']['baseline_seconds']} s, ratio {a['ratio_to_baseline']};"
                   f" under {AUDIT_TARGET_S:.0f} s: {'met' if r['audit_target_met'] else 'MISSED'}")
    return out


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["--audit-child"]:
        return audit_child(sys.argv[2], int(sys.argv[3]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="documents of the crawled portal (0: skip)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic documents audited (0: skip)")
    parser.add_argument("--keep", metavar="DIR", help="keep the databases in DIR")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        result = run(args.size, args.rows, Path(args.keep))
    else:
        with tempfile.TemporaryDirectory() as directory:
            result = run(args.size, args.rows, Path(directory))
    emit(result, args.json, lines(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
