"""What auditing one site of a fleet's database costs against auditing a database of that site alone.

A site of a file holding several is read through temporary views that keep its rows
(``storage.sites``), so the audit's range scans go through the ``site`` index rather
than the covering ``idx_documents_audit``. Measured: ``run_audit(year=2020)`` of
``--rows`` synthetic documents (``bench_scale.synthetic_rows``) in a file of that one
site (the baseline, read whole as before fleets), then of the same site in a file that
also holds ``--others`` more sites of as many documents each, each timed in a child
process of its own. The ratio says what the per-site reading costs.

    .venv/bin/python bench/bench_site_audit.py [--rows 100000] [--others 1] [--json]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scale import synthetic_rows  # noqa: E402
from common import PYTHON, ROOT, emit, machine  # noqa: E402


def build(path: Path, rows: int, others: int) -> None:
    """A database of ``rows`` documents of leda, and of ``others`` more sites with a copy each."""
    from storage.db import open_db

    db = open_db(path)
    db["documents"].insert_all(({**row, "site": "leda"} for row in synthetic_rows(rows)), batch_size=1000)
    columns = [column for column in db["documents"].columns_dict if column not in ("url", "site")]
    for number in range(others):
        # The same documents under another host and site name: another portal of the fleet.
        db.execute(
            f"INSERT INTO documents (url, site, {', '.join(columns)})"
            f" SELECT 'http://other{number}.test/' || url, 'other{number}',"
            f" {', '.join(columns)} FROM documents WHERE site = 'leda'"
        )
    db.conn.commit()
    db.close()


def timed(path: Path) -> dict:
    """``run_audit`` of leda in a child process: its seconds and peak RSS."""
    with tempfile.TemporaryFile() as stdout:
        process = subprocess.Popen([PYTHON, __file__, "--child", str(path)], cwd=ROOT, stdout=stdout)
        _, status, usage = os.wait4(process.pid, 0)
        stdout.seek(0)
        out = stdout.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"audit of {path} failed")
    return {**json.loads(out), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1)}


def child(path: str) -> int:
    from monitor.audit.run import run_audit
    from storage.db import open_db
    from storage.runs import sites_held

    db = open_db(path)
    began = time.perf_counter()
    result = run_audit(db, year=2020)
    seconds = time.perf_counter() - began
    print(json.dumps({"seconds": round(seconds, 3), "documents": result["totals"]["documents"],
                      "sites": len(sites_held(db))}))
    return 0


def run(rows: int, others: int, directory: Path) -> dict:
    alone, fleet = directory / "alone.db", directory / "fleet.db"
    build(alone, rows, 0)
    build(fleet, rows, others)
    baseline, scoped = timed(alone), timed(fleet)
    # Both audits must be of the same documents, or the ratio compares nothing.
    assert baseline["documents"] == scoped["documents"], (baseline, scoped)
    return {"benchmark": "site_audit", "machine": machine(), "rows": rows, "others": others,
            "alone": baseline, "one_of_fleet": scoped,
            "ratio": round(scoped["seconds"] / max(baseline["seconds"], 1e-6), 2)}


def lines(r: dict) -> list[str]:
    alone, fleet = r["alone"], r["one_of_fleet"]
    return [
        f"run_audit(year=2020) of {alone['documents']} documents ({r['rows']} rows):"
        f" a file of that site alone {alone['seconds']} s (peak RSS {alone['peak_rss_mib']} MiB);"
        f" the same site in a file of {fleet['sites']} sites {fleet['seconds']} s"
        f" (peak RSS {fleet['peak_rss_mib']} MiB); ratio {r['ratio']}",
    ]


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        return child(sys.argv[2])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="documents of the audited site")
    parser.add_argument("--others", type=int, default=1, help="other sites of as many documents in the fleet's file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        result = run(args.rows, args.others, Path(directory))
    emit(result, args.json, lines(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
