"""Serve the sample portal over HTTP, rendering every page on request from the model.

``serve()`` starts a ``ThreadingHTTPServer`` in a daemon thread and returns a handle
with the real URL; ``main()`` is the command line (``python -m
crawler.sample_portal.server --port 8000``). Routing is the pure function
``respond(portal, target)``; a ``faults`` callable, when given, sees each request first
and may answer it instead (slow pages, errors, truncation in later features).
"""

import argparse
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

from . import pages
from .catalogue import NEWS_COLUMN, OWNER, SEED
from .model import Portal, build_portal


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


# Given the request target (path and query), a response to send instead, or None.
Faults = Callable[[str], Response | None]

_LISTING = re.compile(r"/zfxxgk/(\w+)(?:/(\d+))?\.htm")
_DETAIL = re.compile(r"/info/(\d+)/(\d+)\.htm")
NOT_FOUND = Response(404, "text/html; charset=utf-8",
                     "<!DOCTYPE html><html><body><h1>404 页面不存在</h1></body></html>".encode("utf-8"))


def _html(text: str, charset: str = "utf-8") -> Response:
    return Response(200, f"text/html; charset={charset}", text.encode(charset))


def respond(portal: Portal, target: str) -> Response:
    """The response to a GET of ``target`` (path plus optional query)."""
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
        return _detail(portal, int(match.group(1)), int(match.group(2)))
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


def _detail(portal: Portal, column_id: int, article_id: int) -> Response:
    if column_id == NEWS_COLUMN and article_id in portal.news_by_id:
        return _html(pages.render_news(portal.news_by_id[article_id]))
    doc = portal.by_id.get(article_id)
    if doc is None or doc.column.cid != column_id:
        return NOT_FOUND
    return _html(pages.render_detail(doc), doc.encoding)


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


def _handler(portal: Portal, faults: Faults | None) -> type[BaseHTTPRequestHandler]:
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
            return (faults and faults(self.path)) or respond(portal, self.path)

        def _send(self, response: Response, with_body: bool) -> None:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            if with_body:
                self.wfile.write(response.body)

        def log_message(self, format, *args):
            """Quiet: a crawl makes thousands of requests."""

    return Handler


class SamplePortal:
    """A running sample portal; ``url`` ends without a slash. Use as a context manager."""

    def __init__(self, server: ThreadingHTTPServer, portal: Portal):
        self.server, self.portal = server, portal
        self.host, self.port = server.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(target=server.serve_forever, name="sample-portal", daemon=True)
        self._thread.start()

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
          faults: Faults | None = None) -> SamplePortal:
    """Start serving the portal of ``(seed, day)``; port 0 picks a free port."""
    portal = build_portal(seed, day)
    server = ThreadingHTTPServer((host, port), _handler(portal, faults))
    return SamplePortal(server, portal)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the deterministic sample leda portal.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    with serve(args.host, args.port) as portal:
        print(portal.url, flush=True)
        try:
            portal.wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
