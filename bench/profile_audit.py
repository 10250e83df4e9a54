"""Where an audit's time goes: each SQL statement of ``run_audit`` with its seconds.

Every statement run through the database's ``execute`` (``query`` and the views'
queries included) is timed from execution to its last fetched row, so a query whose
cost is in fetching many rows counts in full. The rest of the audit's time is Python.
Use it on a database ``bench_scale.py --keep DIR`` left behind.

    .venv/bin/python bench/profile_audit.py DB [--year 2020] [--top 12]
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor.audit.run import run_audit  # noqa: E402
from storage.db import open_db  # noqa: E402


class TimedCursor:
    """A cursor whose fetches add to the statement's time."""

    def __init__(self, cursor, entry: list):
        self.cursor, self.entry = cursor, entry

    def _timed(self, method, *args):
        began = time.perf_counter()
        try:
            return getattr(self.cursor, method)(*args)
        finally:
            self.entry[0] += time.perf_counter() - began

    def fetchall(self):
        return self._timed("fetchall")

    def fetchone(self):
        return self._timed("fetchone")

    def fetchmany(self, *args):
        return self._timed("fetchmany", *args)

    def __iter__(self):
        return iter(self.fetchall())

    def __getattr__(self, name):
        return getattr(self.cursor, name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args(argv)
    db = open_db(args.db)
    statements, execute = [], db.execute

    def timed_execute(sql, parameters=None):
        entry = [0.0, " ".join(sql.split())]
        statements.append(entry)
        began = time.perf_counter()
        cursor = execute(sql) if parameters is None else execute(sql, parameters)
        entry[0] += time.perf_counter() - began
        return TimedCursor(cursor, entry)

    db.execute = timed_execute
    began = time.perf_counter()
    run_audit(db, year=args.year)
    total = time.perf_counter() - began
    in_sql = sum(seconds for seconds, _ in statements)
    print(f"run_audit(year={args.year}): {total:.2f} s, {in_sql:.2f} s in {len(statements)} SQL statements")
    for seconds, sql in sorted(statements, reverse=True)[:args.top]:
        print(f"{seconds:7.3f} s  {sql[:220]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
