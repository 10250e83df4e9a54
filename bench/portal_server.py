"""The sample portal for the benchmarks: ``monitor.demo.sample_portal.server`` plus a request counter.

Run as its own process (``bench/common.PortalProcess`` does), so the crawler and the
server do not share a GIL. It prints its URL when ready. Three control paths, never
linked from the portal and never counted:

    /__bench/counts   requests since the last reset: total, by kind (listing, detail, ...),
                      by part (``_part``: first or older listing page, conditional detail
                      request ...), by HTTP status and by method (GET, HEAD), as JSON
    /__bench/reset    zero the counters
    /__bench/day/N    serve day N from the next request on (the model's ``set_day``)

    .venv/bin/python bench/portal_server.py [--port 0] [--size N] [--day N]
"""

import argparse
import json
import sys
import threading
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor.demo.sample_portal import routes, server  # noqa: E402

_lock = threading.Lock()
_counts: Counter = Counter()


def _kind(target: str) -> str:
    if routes._DETAIL.fullmatch(target.split("?")[0]):
        return "detail"
    if routes._LISTING.fullmatch(target.split("?")[0]):
        return "listing"
    return "other"


def _part(target: str, headers) -> str:
    """Where a request goes, finer than its kind: a column's first listing page or an
    older one, a detail page asked for conditionally (a known page re-checked) or not,
    an attachment download, robots.txt, or another page."""
    path = target.split("?")[0]
    if match := routes._LISTING.fullmatch(path):
        return "listing_older" if match.group(2) else "listing_first"
    if routes._DETAIL.fullmatch(path):
        conditional = headers is not None and ("If-None-Match" in headers or "If-Modified-Since" in headers)
        return "detail_conditional" if conditional else "detail_plain"
    if path == "/system/_content/download.jsp":
        return "attachment"
    return "robots" if path == "/robots.txt" else "other_page"


def _counting(respond):
    """``respond`` that counts each request by kind and by the status it answered."""

    def counted(portal, target, headers=None, method="GET"):
        response = respond(portal, target, headers, method)
        with _lock:
            _counts["total"] += 1
            _counts[f"kind:{_kind(target)}"] += 1
            _counts[f"status:{int(response.status)}"] += 1
            _counts[f"part:{_part(target, headers)}"] += 1
            _counts[f"method:{method}"] += 1
        return response

    return counted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--day", type=int, default=0)
    parser.add_argument("--size", type=int)
    args = parser.parse_args(argv)
    # The handler looks ``respond`` up in the module on each request.
    server.respond = _counting(server.respond)
    handle = {}

    def control(target: str):
        if not target.startswith("/__bench/"):
            return None
        command = target.removeprefix("/__bench/")
        with _lock:
            if command == "reset":
                _counts.clear()
            if command.startswith("day/"):
                portal = handle["portal"].set_day(int(command.removeprefix("day/")))
                body = {"day": portal.day, "documents": len(portal.documents),
                        "changes": {kind: len(urls) for kind, urls in portal.changes.items()}}
            else:
                body = dict(_counts)
        return routes.Response(200, "application/json", json.dumps(body).encode())

    with server.serve(args.host, args.port, day=args.day, size=args.size, faults=control) as portal:
        handle["portal"] = portal
        server.announce_and_wait(portal)
    return 0


if __name__ == "__main__":
    sys.exit(main())
