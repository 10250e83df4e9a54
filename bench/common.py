"""What the benchmark scripts share: the repository on sys.path, a sample portal in its
own process, a crawl in its own process with its peak memory, and the machine's facts.

The portal process is ``bench/portal_server.py``: the ordinary sample server plus a
request counter the benchmarks read over HTTP, so requests are counted on the server
side, where the crawler cannot miscount them.
"""

import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from monitor.command import govwatch_command  # noqa: E402


class ServerProcess:
    """A bench server script in a child process; ``announced`` is the one line it prints
    once it is serving (empty when it died first)."""

    def __init__(self, script: str, args: list[str]):
        self.process = subprocess.Popen([PYTHON, str(ROOT / "bench" / script), *args], cwd=ROOT,
                                        stdout=subprocess.PIPE, text=True)
        self.announced = self.process.stdout.readline().strip()

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class PortalProcess(ServerProcess):
    """``bench/portal_server.py`` in a child process; ``url`` has no trailing slash."""

    def __init__(self, *, size: int | None = None, day: int = 0):
        super().__init__("portal_server.py", ["--port", "0", "--day", str(day),
                                              *(["--size", str(size)] if size is not None else [])])
        # The server prints its URL once the model is built and the port is bound.
        self.url = self.announced
        if not self.url.startswith("http"):
            self.close()
            raise RuntimeError("the sample portal process did not start")

    def _control(self, path: str) -> dict:
        with urllib.request.urlopen(self.url + "/__bench/" + path, timeout=600) as response:
            return json.load(response)

    def counts(self) -> dict:
        """Requests served since the last reset: total, by kind and by status."""
        return self._control("counts")

    def reset(self) -> None:
        self._control("reset")

    def set_day(self, day: int) -> dict:
        """Move the portal to ``day``; returns how many documents that day added."""
        return self._control(f"day/{day}")


def run_crawl_process(url: str, db: str | Path, *, full: bool = False, options: tuple[str, ...] = ()) -> dict:
    """``govwatch crawl`` of ``url`` into ``db`` as a child process.

    Returns wall seconds of the process, the crawl's own seconds (from its summary line,
    engine start to close), the peak RSS of that process alone (``os.wait4``'s rusage, so
    the portal process does not count) and the crawl's ``crawl_runs`` row.
    """
    args = govwatch_command("crawl", "--site", "leda", "--start-url", url + "/", "--db", db, python=PYTHON)
    if full:
        args.append("--full")
    args += options
    # Output to files, not pipes: nothing reads a pipe while we wait, and a long
    # crawl's progress lines would fill one and stall the crawl.
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        began = time.perf_counter()
        # In English: the crawl's seconds are read from its English summary line.
        process = subprocess.Popen(args, cwd=ROOT, stdout=stdout, stderr=stderr, env={**os.environ, "GOVWATCH_LANG": "en"})
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        out, err = stdout.read().decode(), stderr.read().decode()
    if process.returncode != 0:
        raise RuntimeError(f"crawl failed ({process.returncode}): {err.strip()[-2000:]}")
    from storage.db import open_db

    conn = open_db(db)
    try:
        run = next(conn.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1"))
    finally:
        conn.close()
    # The summary's seconds run from the engine's start to its close (no interpreter start-up).
    crawl_seconds = float(re.search(r"fetched in ([\d.]+) s", out).group(1))
    # ru_maxrss is in KiB on Linux.
    return {"seconds": seconds, "crawl_seconds": crawl_seconds, "peak_rss_mib": usage.ru_maxrss / 1024,
            "run": run, "summary": out.strip()}


def machine() -> dict:
    """The facts BENCHMARKS.md records next to each figure."""
    import scrapy
    import sqlite_utils

    memory = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(int(memory.group(1)) / 1024 ** 2, 1) if memory else None,
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "scrapy": scrapy.__version__,
        "sqlite_utils": sqlite_utils.__version__ if hasattr(sqlite_utils, "__version__") else _version("sqlite-utils"),
        "sqlite": __import__("sqlite3").sqlite_version,
        "platform": platform.platform(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


def _cpu_model() -> str | None:
    match = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    return match.group(1).strip() if match else None


def _version(distribution: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def emit(result: dict, as_json: bool, lines: list[str]) -> None:
    """Print one JSON object, or the human-readable lines."""
    print(json.dumps(result, ensure_ascii=False) if as_json else "\n".join(lines))


def sample_records(count: int, *, size: int | None = None) -> list[dict]:
    """Parsed records of ``count`` sample-portal detail pages, spread evenly over the site.

    Rendered in-process as the server sends them and parsed by ``parse_page``, so the
    records have the sizes and shapes a crawl stores (bodies, attachments, fields).
    """
    from crawler.parsing import parse_page
    from monitor.demo.sample_portal import pages
    from monitor.demo.sample_portal.model import build_portal

    documents = build_portal(size=size).documents
    step = max(1, len(documents) // count)
    spread = documents[::step]
    records = []
    for index in range(count):
        doc = spread[index % len(spread)]
        # A document taken twice gets a URL of its own, so every record is a new document.
        url = f"http://127.0.0.1:8000{doc.url}" + (f"?copy={index}" if index >= len(spread) else "")
        records.append(parse_page(pages.render_detail(doc).encode(doc.encoding), url, doc.encoding))
    return records


def best_rounds(functions: list, rounds: int, clock=time.perf_counter) -> list[float]:
    """The fastest of ``rounds`` timed calls of each function, in seconds of ``clock``.

    The functions take turns within each round, so a burst of load on the machine
    slows both sides of the ratio rather than one.
    """
    best = [float("inf")] * len(functions)
    for _ in range(rounds):
        for index, function in enumerate(functions):
            start = clock()
            function()
            best[index] = min(best[index], clock() - start)
    return best
