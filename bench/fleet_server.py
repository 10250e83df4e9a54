"""N sample portals on N ports of 127.0.0.1 in one process, for ``bench/bench_fleet.py``.

Every port serves the same model (one ``build_portal`` of ``--size`` documents): to the
crawler each port is another host, and one model keeps the server's memory and start-up
flat in N. Each port counts the requests it answers and the most it was answering at
once: a request is in flight from its request line read to the first byte of its
response sent, a window inside the client's own (the client sent it before, and waits
for more than that byte), so the figure can understate the crawler's concurrency, never
overstate it.

A control server on a port of its own (never crawled) answers:

    /counts   per port: requests and max_in_flight since the last reset; and this
              process's CPU seconds (user + system, every thread) so far
    /reset    zero the counters
    /day/N    serve day N on every port from the next request on

It prints one JSON line, ``{"control": URL, "urls": [...]}``, once every port is bound.

    .venv/bin/python bench/fleet_server.py --portals N [--size N] [--day N]
"""

import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor.demo.sample_portal import server  # noqa: E402
from monitor.demo.sample_portal.model import build_portal  # noqa: E402


class InFlight:
    """One port's counters; the handler threads of that port share it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = self.now = self.most = 0

    def enter(self) -> None:
        with self.lock:
            self.requests += 1
            self.now += 1
            self.most = max(self.most, self.now)

    def leave(self) -> None:
        with self.lock:
            self.now -= 1

    def take(self, reset: bool) -> dict:
        with self.lock:
            figures = {"requests": self.requests, "max_in_flight": self.most}
            if reset:
                self.requests, self.most = 0, self.now
        return figures


def counted_handler() -> type[BaseHTTPRequestHandler]:
    """The sample portal's own handler, each GET and HEAD in flight from its request line
    read to the first byte of its response sent (rendering included)."""
    base = server._handler(None)

    class Counted(base):
        def do_GET(self):
            self._counting(super().do_GET)

        def do_HEAD(self):
            self._counting(super().do_HEAD)

        def _counting(self, answer):
            self.server.in_flight.enter()
            self.in_flight = True
            try:
                answer()
            finally:
                self._done()

        def flush_headers(self):
            # Before the first byte goes out: once it has, the client may see the whole
            # response and send its next request before this thread runs on.
            self._done()
            super().flush_headers()

        def _done(self):
            if getattr(self, "in_flight", False):
                self.in_flight = False
                self.server.in_flight.leave()

    return Counted


def control_handler(ports: list, state: dict) -> type[BaseHTTPRequestHandler]:
    class Control(BaseHTTPRequestHandler):
        def do_GET(self):
            command = self.path.strip("/")
            if command.startswith("day/"):
                portal = build_portal(state["seed"], int(command.removeprefix("day/")), state["size"])
                for port in ports:
                    port.server.portal = portal
                body = {"day": portal.day, "documents": len(portal.documents),
                        "changes": {kind: len(urls) for kind, urls in portal.changes.items()}}
            else:
                times = os.times()
                body = {"ports": [port.server.in_flight.take(reset=command == "reset") for port in ports],
                        "cpu_seconds": times.user + times.system}
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Control


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portals", type=int, required=True)
    parser.add_argument("--size", type=int)
    parser.add_argument("--day", type=int, default=0)
    args = parser.parse_args(argv)
    portal = build_portal(day=args.day, size=args.size)
    handler = counted_handler()
    ports = []
    for _ in range(args.portals):
        http = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        http.in_flight = InFlight()
        ports.append(server.SamplePortal(http, portal))
    control = ThreadingHTTPServer(("127.0.0.1", 0), control_handler(ports, {"seed": portal.seed, "size": args.size}))
    print(json.dumps({"control": f"http://127.0.0.1:{control.server_address[1]}",
                      "urls": [port.url for port in ports]}), flush=True)
    try:
        control.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
