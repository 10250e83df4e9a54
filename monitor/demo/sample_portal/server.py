"""Serve the sample portal over HTTP, rendering every page on request from the model.

``serve()`` starts a ``ThreadingHTTPServer`` in a daemon thread and returns a handle
with the real URL; ``SamplePortal.set_day()`` moves a running server to another day.
``main()`` is the command line (``python -m monitor.demo.sample_portal.server --port 8000
[--day N] [--size N] [--faults SPEC]``). What each request gets is
:func:`routes.respond`'s; a ``faults`` callable, when given, sees each request first and
may answer it instead (``faults.FaultPlan`` is the ready-made one).
"""

import argparse
import socket
import struct
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .catalogue import SEED
from .faults import FaultPlan
from .model import Portal, build_portal
from .routes import Faults, Response, respond


def _handler(faults: Faults | None) -> type[BaseHTTPRequestHandler]:
    """The request handler; the model is read from ``server.portal`` per request, so a
    day change takes effect on the next request."""

    class Handler(BaseHTTPRequestHandler):
        # Keep-alive and no Nagle delay: crawlers fetch many small pages per connection.
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        server_version = "VSB"

        def do_GET(self):
            self._send(self._response("GET"), with_body=True)

        def do_HEAD(self):
            self._send(self._response("HEAD"), with_body=False)

        def _response(self, method: str) -> Response:
            return (faults and faults(self.path)) or respond(self.server.portal, self.path, self.headers, method)

        def _send(self, response: Response, with_body: bool) -> None:
            if response.abort:
                self._reset()
                return
            self.send_response(response.status)
            if response.content_type:
                self.send_header("Content-Type", response.content_type)
            if response.status != HTTPStatus.NOT_MODIFIED and not response.close_delimited:
                length = len(response.body) if response.declared_length is None else response.declared_length
                self.send_header("Content-Length", str(length))
            for name, value in response.headers:
                self.send_header(name, value)
            # A body shorter than its declared length leaves the connection unusable, and
            # a body without a length ends only when the connection does.
            self.close_connection = (self.close_connection or response.declared_length is not None
                                     or response.close_delimited)
            self.end_headers()
            if with_body:
                self.wfile.write(response.body)

        def _reset(self) -> None:
            """Drop the connection without a response: SO_LINGER 0 turns the close into a reset."""
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()

        def log_message(self, format, *args):
            """Quiet: a crawl makes thousands of requests."""

    return Handler


class SamplePortal:
    """A running sample portal; ``url`` ends without a slash. Use as a context manager.

    ``portal`` is the model being served; ``set_day()`` swaps it.
    """

    def __init__(self, server: ThreadingHTTPServer, portal: Portal):
        self.server = server
        server.portal = portal
        self._swap = threading.Lock()
        self.host, self.port = server.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(target=server.serve_forever, name="sample-portal", daemon=True)
        self._thread.start()

    @property
    def portal(self) -> Portal:
        return self.server.portal

    def set_day(self, day: int) -> Portal:
        """Serve the same site as of ``day`` from the next request on; returns the new model.

        Requests read the model once, so each sees one day whole; the lock only keeps
        concurrent ``set_day`` calls from interleaving.
        """
        with self._swap:
            current = self.server.portal
            self.server.portal = build_portal(current.seed, day, current.size)
            return self.server.portal

    def wait(self) -> None:
        """Block until the server stops; Ctrl-C (KeyboardInterrupt) still gets through."""
        while self._thread.is_alive():
            # A bounded join so the main thread keeps receiving signals.
            self._thread.join(0.5)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()

    def __enter__(self) -> "SamplePortal":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def serve(host: str = "127.0.0.1", port: int = 0, *, seed: int = SEED, day: int = 0,
          size: int | None = None, faults: Faults | None = None) -> SamplePortal:
    """Start serving the portal of ``(seed, day, size)``; port 0 picks a free port.

    A ``faults`` object with a ``bind(current_portal, port)`` method (``FaultPlan``) is
    bound to this server before the first request, so it can damage the real pages.
    """
    portal = build_portal(seed, day, size)
    server = ThreadingHTTPServer((host, port), _handler(faults))
    server.portal = portal
    if hasattr(faults, "bind"):
        faults.bind(lambda: server.portal, server.server_address[1])
    return SamplePortal(server, portal)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The serving options, shared by this module's command line and ``govwatch sample-portal``."""
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--day", type=int, default=0, help="days after the first state of the site (default 0)")
    parser.add_argument("--size", type=int, help="about this many documents (default: the catalogue's ~3,600)")
    parser.add_argument("--faults", metavar="SPEC",
                        help='faults to serve, e.g. "rate=0.1,seed=7" or "503:/info/1021/10001.htm;reset:/zfxxgk.htm"')


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted, printing the URL first; a bad value raises ValueError."""
    faults = FaultPlan.parse(args.faults) if args.faults else None
    # Build before binding the port, so bad values fail before anything is served.
    build_portal(SEED, args.day, args.size)
    with serve(args.host, args.port, day=args.day, size=args.size, faults=faults) as portal:
        announce_and_wait(portal)
    return 0


def announce_and_wait(portal: "SamplePortal") -> None:
    """Print the URL (the first line, which scripts read) and serve until Ctrl-C."""
    print(portal.url, flush=True)
    try:
        portal.wait()
    except KeyboardInterrupt:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the deterministic sample leda portal.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except ValueError as exc:
        parser.error(str(exc))


if __name__ == "__main__":
    sys.exit(main())
