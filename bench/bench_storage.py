"""Documents per second stored by ``store_documents``, against a bare sqlite-utils ``insert_all``.

The records are sample-portal detail pages parsed by ``parse_page`` (real sizes:
bodies, attachments, metadata fields). ``store_documents`` takes them in batches of
200, one transaction each, as the pipeline does (``GOVWATCH_BATCH_SIZE``), into a
fresh database from ``open_db``: it builds each row (JSON columns, content hash),
looks the URL up, inserts the document, its first version, its ``new`` event and its
attachments. The baseline inserts the same finished ``documents`` rows with
``insert_all(batch_size=200)`` into a fresh table of a fresh WAL database: the floor
of any storage path. Also timed: storing the same records again (every one
unchanged, the path of a re-crawl). Each side runs ``--rounds`` times on fresh
files, taking turns; the best round counts.

    .venv/bin/python bench/bench_storage.py [--records 3000] [--rounds 3] [--json]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import emit, machine, sample_records  # noqa: E402

import sqlite_utils  # noqa: E402

from crawler.parsing import PARSER_VERSION  # noqa: E402
from storage.db import open_db  # noqa: E402
from storage.documents import document_row, store_documents  # noqa: E402
from storage.runs import start_run, utc_now  # noqa: E402

BATCH = 200


def batches(items: list) -> list[list]:
    return [items[start:start + BATCH] for start in range(0, len(items), BATCH)]


def time_store(records: list[dict], directory: Path) -> tuple[float, float]:
    """Seconds to store ``records`` as new documents, then to store them again unchanged."""
    db = open_db(directory / "store.db")
    seconds = []
    for _ in ("new", "unchanged"):
        crawl_id = start_run(db, site="leda", start_urls=["http://127.0.0.1:8000/"])
        began = time.perf_counter()
        for batch in batches(records):
            validators = {r["url"]: {"etag": '"0123456789abcdef"', "last_modified": "Mon, 10 Jan 2022 00:00:00 GMT"}
                          for r in batch}
            store_documents(db, batch, crawl_id=crawl_id, seen_at=utc_now(),
                            parser_version=PARSER_VERSION, validators=validators)
        seconds.append(time.perf_counter() - began)
    db.close()
    return seconds[0], seconds[1]


def time_insert_all(rows: list[dict], directory: Path) -> float:
    """Seconds for a bare ``insert_all`` of the finished rows into a fresh table."""
    db = sqlite_utils.Database(directory / "bare.db")
    db.enable_wal()
    began = time.perf_counter()
    db["documents"].insert_all(rows, pk="url", batch_size=BATCH)
    seconds = time.perf_counter() - began
    db.close()
    return seconds


def run(count: int, rounds: int) -> dict:
    records = sample_records(count)
    rows = [document_row(record, crawl_id=1, seen_at=utc_now()) for record in records]
    new, unchanged, bare = [], [], []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as directory:
            bare.append(time_insert_all(rows, Path(directory)))
            first, again = time_store(records, Path(directory))
            new.append(first)
            unchanged.append(again)
    rate = {name: count / min(times) for name, times in (("new", new), ("unchanged", unchanged), ("bare", bare))}
    return {
        "benchmark": "storage",
        "records": count,
        "batch_size": BATCH,
        "rounds": rounds,
        "mean_row_bytes": round(sum(len(str(v)) for row in rows for v in row.values() if v is not None) / count),
        "store_documents_new_docs_per_s": round(rate["new"], 1),
        "store_documents_unchanged_docs_per_s": round(rate["unchanged"], 1),
        "insert_all_docs_per_s": round(rate["bare"], 1),
        "ratio_new": round(rate["new"] / rate["bare"], 3),
        "ratio_unchanged": round(rate["unchanged"] / rate["bare"], 3),
        "machine": machine(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=3000, help="parsed sample pages to store (default 3000)")
    parser.add_argument("--rounds", type=int, default=3, help="fresh-file rounds per side; the best counts (default 3)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    r = run(args.records, args.rounds)
    emit(r, args.json, [
        f"records: {r['records']} parsed sample pages (~{r['mean_row_bytes']} bytes a row), batches of {BATCH},"
        f" best of {r['rounds']} rounds",
        f"insert_all (bare):              {r['insert_all_docs_per_s']:>9.1f} docs/s",
        f"store_documents, all new:       {r['store_documents_new_docs_per_s']:>9.1f} docs/s"
        f"  ratio {r['ratio_new']:.3f}",
        f"store_documents, all unchanged: {r['store_documents_unchanged_docs_per_s']:>9.1f} docs/s"
        f"  ratio {r['ratio_unchanged']:.3f}",
    ])
    return 0


if __name__ == "__main__":
    sys.exit(main())
