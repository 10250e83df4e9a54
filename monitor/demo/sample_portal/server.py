"""Serve the sample portal over HTTP, rendering every page on request from the model.

``serve()`` starts a ``ThreadingHTTPServer`` in a daemon thread and returns a handle
with the real URL; ``SamplePortal.set_day()`` moves a running server to another day.
``main()`` is the command line (``python -m monitor.demo.sample_portal.server --port 8000
[--day N] [--size N] [--faults SPEC]``). Routing is the pure function ``respond(portal,
target, headers)``; detail pages carry ``ETag`` and ``Last-Modified`` and answer
conditional requests with 304. A ``faults`` callable, when given, sees each request
first and may answer it instead (``faults.FaultPlan`` is the ready-made one).
"""

import argparse
import datetime as dt
import hashlib
import re
import socket
import struct
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

from . import pages
from .catalogue import NEWS_COLUMN, OWNER, SEED
from .model import Portal, build_portal


@dataclass(frozen=True)
class Response:
    """What the server sends. Three fields exist only to misbehave on purpose:

    ``declared_length`` is sent as Content-Length instead of the body's length (and the
    connection is closed after the body); ``close_delimited`` sends no Content-Length,
    so closing the connection after the body is what ends it; ``abort`` sends nothing
    and resets the connection.
    """

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    declared_length: int | None = None
    close_delimited: bool = False
    abort: bool = False


# Given the request target (path and query), a response to send instead, or None.
Faults = Callable[[str], Response | None]

_LISTING = re.compile(r"/zfxxgk/(\w+)(?:/(\d+))?\.htm")
_DETAIL = re.compile(r"/info/(\d+)/(\d+)\.htm")
NOT_FOUND = Response(404, "text/html; charset=utf-8",
                     "<!DOCTYPE html><html><body><h1>404 页面不存在</h1></body></html>".encode("utf-8"))


def _html(text: str, charset: str = "utf-8") -> Response:
    return Response(200, f"text/html; charset={charset}", text.encode(charset))


def respond(portal: Portal, target: str, headers: Mapping[str, str] | None = None) -> Response:
    """The response to a GET of ``target`` (path plus optional query).

    ``headers`` are the request's (a case-insensitive mapping such as the handler's);
    only detail pages look at them, for If-None-Match and If-Modified-Since.
    """
    parts = urlsplit(target)
    path = parts.path
    if path in ("/", pages.HOME):
        return _html(pages.render_home(portal))
    if path == pages.DISCLOSURE_INDEX:
        return _html(pages.render_disclosure_index(portal))
    if path == "/robots.txt":
        return Response(200, "text/plain; charset=utf-8", pages.ROBOTS.encode("ascii"))
    if path == "/system/_content/download.jsp":
        return _download(portal, parse_qs(parts.query))
    if match := _LISTING.fullmatch(path):
        return _listing(portal, match.group(1), match.group(2))
    if match := _DETAIL.fullmatch(path):
        return _detail(portal, int(match.group(1)), int(match.group(2)), headers or {})
    return NOT_FOUND


def _listing(portal: Portal, slug: str, number: str | None) -> Response:
    if slug not in portal.listings:
        return NOT_FOUND
    total = portal.page_count(slug)
    if number is None:
        return _html(pages.render_listing(portal, slug, 1))
    # Older pages count down: file N is display page total - N + 1; the newest has no file number.
    if not 1 <= int(number) < total:
        return NOT_FOUND
    return _html(pages.render_listing(portal, slug, total - int(number) + 1))


def _detail(portal: Portal, column_id: int, article_id: int, headers: Mapping[str, str]) -> Response:
    if column_id == NEWS_COLUMN and article_id in portal.news_by_id:
        item = portal.news_by_id[article_id]
        return _validated(_html(pages.render_news(item)), item.published, headers)
    doc = portal.by_id.get(article_id)
    if doc is None or doc.column.cid != column_id:
        return NOT_FOUND
    return _validated(_html(pages.render_detail(doc), doc.encoding), doc.last_modified, headers)


def _validated(response: Response, modified: dt.date, headers: Mapping[str, str]) -> Response:
    """``response`` with ETag and Last-Modified, or a bodiless 304 when the request's
    validators say the client already has it."""
    etag = '"' + hashlib.sha256(response.body).hexdigest()[:32] + '"'
    modified_at = dt.datetime.combine(modified, dt.time(), tzinfo=dt.timezone.utc)
    validators = (("ETag", etag), ("Last-Modified", format_datetime(modified_at, usegmt=True)))
    if _not_modified(headers, etag, modified_at):
        return Response(HTTPStatus.NOT_MODIFIED, "", b"", validators)
    return replace(response, headers=response.headers + validators)


def _not_modified(headers: Mapping[str, str], etag: str, modified: dt.datetime) -> bool:
    """RFC 9110's rule: If-None-Match decides when present, else a not-older If-Modified-Since."""
    tags = headers.get("If-None-Match")
    if tags is not None:
        offered = {tag.strip().removeprefix("W/") for tag in tags.split(",")}
        return "*" in offered or etag in offered
    try:
        since = parsedate_to_datetime(headers.get("If-Modified-Since") or "")
    except (TypeError, ValueError):
        return False
    # A date without a zone ("-0000") is UTC, as HTTP dates always are.
    return (since if since.tzinfo else since.replace(tzinfo=dt.timezone.utc)) >= modified


def _download(portal: Portal, query: dict[str, list[str]]) -> Response:
    try:
        owner, file_id = int(query["owner"][0]), int(query["wbfileid"][0])
    except (KeyError, ValueError):
        return NOT_FOUND
    attachment = portal.attachments.get(file_id)
    if owner != OWNER or attachment is None or query.get("urltype") != ["news.DownloadAttachUrl"]:
        return NOT_FOUND
    disposition = f"attachment; filename*=UTF-8''{quote(attachment.name)}"
    return Response(200, "application/pdf", pages.render_attachment(attachment),
                    (("Content-Disposition", disposition),))


def _handler(faults: Faults | None) -> type[BaseHTTPRequestHandler]:
    """The request handler; the model is read from ``server.portal`` per request, so a
    day change takes effect on the next request."""

    class Handler(BaseHTTPRequestHandler):
        # Keep-alive and no Nagle delay: crawlers fetch many small pages per connection.
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        server_version = "VSB"

        def do_GET(self):
            self._send(self._response(), with_body=True)

        def do_HEAD(self):
            self._send(self._response(), with_body=False)

        def _response(self) -> Response:
            return (faults and faults(self.path)) or respond(self.server.portal, self.path, self.headers)

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
    # Imported here: faults builds on this module's Response and respond().
    from .faults import FaultPlan

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
