"""A fleet of N sample portals crawled in one run, against one portal crawled alone.

``bench/fleet_server.py`` serves N portals on N ports of 127.0.0.1 (distinct hosts to
the crawler) from a process of its own, so serving them does not share the crawl's
GIL; it counts per port the requests it answered and the most it answered at once. For
each N of ``--sizes`` a sites file of N ``[[sites]]`` tables is crawled as the nightly
crawls a fleet, by ``crawler.run.run_crawls`` (one Scrapy process, a crawler per site),
in a child process of its own: first in full (day 0, a fresh database), then, with the
portals moved to day 1 (about 1% new documents), incrementally on that database, as
the next night does.

The crawl keeps the real politeness limit, at most ``CONCURRENT_REQUESTS_PER_DOMAIN =
2`` requests at a time per host (``crawl_settings`` lifts it on the loopback; this puts
it back). The delay is 1 ms and AutoThrottle off: a real portal's delay (0.5 s and up)
would only make every figure the delay's, and the benchmark measures what the machine
can do; ``docs/scaling.md`` adds the delays of real portals. (A delay of 0 is not used:
see ``OVERRIDES``.)

Printed for each N: aggregate pages per second of the full crawl (responses over the
wall seconds of ``run_crawls``) and its ratio to N = 1's, measured in the same run (the
baseline); the most requests any one port was answering at once (must be <= 2); the
crawl process's peak RSS (``os.wait4`` rusage of that child alone) and CPU seconds; the
SQLite writer's share of the wall time (time inside the storage pipeline's methods,
measured by a timing wrapper in the child: the reactor runs them one at a time on its
one thread, so this is the single writer's busy time), and its share of the crawl
process's CPU (the reactor thread's CPU seconds inside them); and the server process's CPU
share, which says whether the server, not the crawler, was the limit. The machine is
often shared, so each run also gives the crawl's pages per CPU second (pages over the
child's user + system seconds: what one core does, whatever else runs) and the load
average at its end.

    .venv/bin/python bench/bench_fleet.py [--sizes 1,10,50] [--portal-size 300] [--rounds 1] [--quick] [--json]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, ROOT, ServerProcess, emit, machine  # noqa: E402

POLITENESS_LIMIT = 2
OVERRIDES = {
    "LOG_LEVEL": "CRITICAL",
    "CONCURRENT_REQUESTS_PER_DOMAIN": POLITENESS_LIMIT,
    "CONCURRENT_REQUESTS": 8,
    # A delay, however short, makes Scrapy hand a host's queue to the downloader one
    # request per delay, the path real portals' delays take. With none, Scrapy 2.19 on
    # the asyncio reactor hands over the whole queue at once (a request counts against
    # the host's limit only once its task starts), up to CONCURRENT_REQUESTS per host.
    "DOWNLOAD_DELAY": 0.001,
    "AUTOTHROTTLE_ENABLED": False,
}
# The pipeline's methods the reactor calls; all of them write (or buffer for a write).
WRITER_METHODS = ("open_spider", "process_item", "spider_closed", "request_dropped")


class FleetServer(ServerProcess):
    """``bench/fleet_server.py`` in a child process."""

    def __init__(self, portals: int, size: int | None):
        super().__init__("fleet_server.py", ["--portals", str(portals),
                                             *(["--size", str(size)] if size is not None else [])])
        if not self.announced.startswith("{"):
            self.close()
            raise RuntimeError("the fleet server process did not start")
        announced = json.loads(self.announced)
        self.control, self.urls = announced["control"], announced["urls"]

    def _get(self, command: str) -> dict:
        with urllib.request.urlopen(f"{self.control}/{command}", timeout=600) as response:
            return json.load(response)

    def take(self) -> dict:
        """Per-port counts since the last take, and the server's CPU seconds so far."""
        return self._get("reset")

    def set_day(self, day: int) -> dict:
        return self._get(f"day/{day}")


def sites_file(path: Path, urls: list[str]) -> None:
    tables = [f'[[sites]]\nname = "p{number:04d}"\ntitle = "sample portal {number}"\nstart_urls = ["{url}/"]\n'
              for number, url in enumerate(urls, 1)]
    path.write_text("\n".join(tables), encoding="utf-8")


def crawl_child(sites: str, db: str, full: bool, out: str) -> int:
    """The child: ``run_crawls`` of every site in ``sites``, its writer timed; JSON to ``out``."""
    import functools
    import inspect

    sys.path.insert(0, str(ROOT))
    from crawler.pipelines import SQLitePipeline
    from crawler.profiles import load_sites
    from crawler.run import run_crawls

    busy = [0.0, 0.0]  # wall seconds, CPU seconds of the reactor's thread

    def timed(method):
        # Signal handlers get the keyword arguments their signature names (pydispatch
        # reads the code object, not __wrapped__): pass on those alone.
        names = set(inspect.signature(method).parameters)

        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            began, began_cpu = time.perf_counter(), time.thread_time()
            try:
                return method(*args, **{key: value for key, value in kwargs.items() if key in names})
            finally:
                busy[0] += time.perf_counter() - began
                busy[1] += time.thread_time() - began_cpu
        return wrapper

    for name in WRITER_METHODS:
        setattr(SQLitePipeline, name, timed(getattr(SQLitePipeline, name)))
    profiles = list(load_sites(sites).values())
    began = time.perf_counter()
    runs = run_crawls(profiles, db, full=full, overrides=OVERRIDES)
    wall = time.perf_counter() - began
    Path(out).write_text(json.dumps({
        "wall_seconds": wall,
        "writer_seconds": busy[0],
        "writer_cpu_seconds": busy[1],
        "statuses": sorted({run["status"] for run in runs}),
        "pages_fetched": sum(run["pages_fetched"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
        "documents_new": sum(run["documents_new"] for run in runs),
        "documents_updated": sum(run["documents_updated"] for run in runs),
        "documents_unchanged": sum(run["documents_unchanged"] for run in runs),
        "slowest_site_seconds": max(run["seconds"] for run in runs),
    }))
    return 0


def crawl(server: FleetServer, n: int, sites: Path, db: Path, *, full: bool) -> dict:
    """One crawl of the first ``n`` portals as a child process, with the server's view of it."""
    out = db.with_suffix(".json")
    args = [PYTHON, str(Path(__file__).resolve()), "--child", str(sites), str(db), "full" if full else "nightly",
            str(out)]
    server_before = server.take()["cpu_seconds"]
    with tempfile.TemporaryFile() as stderr:
        began = time.perf_counter()
        process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
        process_seconds = time.perf_counter() - began
        if os.waitstatus_to_exitcode(status) != 0:
            stderr.seek(0)
            raise RuntimeError(f"fleet crawl of {n} failed: {stderr.read().decode()[-2000:]}")
    load = os.getloadavg()[0]
    served = server.take()
    child = json.loads(out.read_text())
    cpu = usage.ru_utime + usage.ru_stime
    ports = served["ports"][:n]
    wall = child["wall_seconds"]
    return {
        **child,
        "process_seconds": round(process_seconds, 2),
        "pages_per_s": round(child["pages_fetched"] / wall, 1),
        "served": sum(port["requests"] for port in ports),
        "idle_ports_served": sum(port["requests"] for port in served["ports"][n:]),
        "max_in_flight_per_portal": max(port["max_in_flight"] for port in ports),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "crawl_cpu_seconds": round(cpu, 2),
        "crawl_cpu_share": round(cpu / process_seconds, 3),
        # Pages per second of the crawl's own CPU: what one core does, whatever else runs.
        "pages_per_cpu_s": round(child["pages_fetched"] / cpu, 1),
        "load_average_1min": round(load, 2),
        "writer_share": round(child["writer_seconds"] / wall, 3),
        # Of the crawl's own CPU: unlike the wall share, not inflated when the machine is busy.
        "writer_cpu_share": round(child["writer_cpu_seconds"] / cpu, 3),
        "server_cpu_share": round((served["cpu_seconds"] - server_before) / process_seconds, 3),
    }


def run(sizes: list[int], portal_size: int | None, rounds: int) -> dict:
    results = []
    with FleetServer(max(sizes), portal_size) as server, tempfile.TemporaryDirectory() as directory:
        for n in sizes:
            sites = Path(directory) / f"sites-{n}.toml"
            sites_file(sites, server.urls[:n])
            best = None
            for round_number in range(rounds):
                server.set_day(0)
                db = Path(directory) / f"fleet-{n}-{round_number}.db"
                full = crawl(server, n, sites, db, full=True)
                portal = server.set_day(1)
                nightly = crawl(server, n, sites, db, full=False)
                if best is None or full["pages_per_s"] > best["full"]["pages_per_s"]:
                    best = {"portals": n, "full": full, "nightly": nightly, "day1": portal}
            results.append(best)
    single = results[0]["full"]["pages_per_s"] if sizes[0] == 1 else None
    for result in results:
        result["ratio_to_single"] = round(result["full"]["pages_per_s"] / single, 3) if single else None
        # Requests per portal of the nightly against the full crawl's (the incremental budget).
        result["nightly_request_ratio"] = round(result["nightly"]["served"] / result["full"]["served"], 4)
    worst = max(result[kind]["max_in_flight_per_portal"] for result in results for kind in ("full", "nightly"))
    return {
        "benchmark": "fleet",
        "sizes": sizes,
        "portal_size": portal_size,
        "rounds": rounds,
        "settings": OVERRIDES,
        "results": results,
        "max_in_flight_per_portal": worst,
        "politeness_limit": POLITENESS_LIMIT,
        "politeness_met": worst <= POLITENESS_LIMIT,
        "machine": machine(),
    }


def lines(r: dict) -> list[str]:
    out = [f"{r['portal_size'] or 'default-size'}-document sample portals, one process serving them;"
           f" per-host limit {r['politeness_limit']}, 1 ms delay"]
    for result in r["results"]:
        f, night = result["full"], result["nightly"]
        ratio = f" = {result['ratio_to_single']} x one portal's rate" if result["ratio_to_single"] else ""
        out.append(
            f"N={result['portals']}: full crawl {f['pages_fetched']} pages in {f['wall_seconds']:.1f} s,"
            f" {f['pages_per_s']} pages/s{ratio}; peak RSS {f['peak_rss_mib']} MiB;"
            f" max {f['max_in_flight_per_portal']} in flight per portal; SQLite writer {100 * f['writer_share']:.1f}%"
            f" of wall, {100 * f['writer_cpu_share']:.1f}% of the crawl's CPU; crawl CPU {100 * f['crawl_cpu_share']:.0f}% ({f['pages_per_cpu_s']} pages per CPU second),"
            f" server CPU {100 * f['server_cpu_share']:.0f}%; load average {f['load_average_1min']}")
        out.append(
            f"       nightly (day 1): {night['served']} requests ({result['nightly_request_ratio']:.4f} of the full"
            f" crawl's {f['served']}) in {night['wall_seconds']:.1f} s, {night['documents_new']} new documents;"
            f" peak RSS {night['peak_rss_mib']} MiB; max {night['max_in_flight_per_portal']} in flight per portal")
    out.append(f"max in flight on any portal: {r['max_in_flight_per_portal']} (limit {r['politeness_limit']}:"
               f" {'met' if r['politeness_met'] else 'EXCEEDED'})")
    return out


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["--child"]:
        sites, db, mode, out = sys.argv[2:6]
        return crawl_child(sites, db, mode == "full", out)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,50", help="fleet sizes, comma-separated (the first 1: the baseline)")
    parser.add_argument("--portal-size", type=int, default=300, help="documents per portal (default 300)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds per size; the fastest full crawl counts")
    parser.add_argument("--quick", action="store_true", help="a smoke run: sizes 1,3 of 100-document portals")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    try:
        sizes = [int(size) for size in args.sizes.split(",")]
    except ValueError:
        parser.error(f"--sizes must be whole numbers separated by commas, not {args.sizes!r}")
    if args.quick:
        sizes, args.portal_size = [1, 3], 100
    if not sizes or min(sizes) < 1:
        parser.error("--sizes must be at least 1 each")
    r = run(sizes, args.portal_size, max(1, args.rounds))
    emit(r, args.json, lines(r))
    return 0 if r["politeness_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
