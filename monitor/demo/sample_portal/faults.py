"""Faults the sample portal serves on purpose, so crawler tests meet a hostile server.

A ``FaultPlan`` is a ``routes.Faults`` callable. It faults chosen request targets
(``FaultPlan({"/zfxxgk.htm": "503"})``) and/or a random share of all requests
(``rate``), drawn from a hash of ``(seed, target, attempt)`` so that a run is
reproducible and a retried request is drawn afresh. Random faults are only the
transient kinds and, by default, only hit a target's first attempt, so a crawler that
retries ends up with every right page. ``requests`` counts the requests per target
and ``faulted`` lists ``(target, kind)`` in the order they were served.

Kinds:

- ``500``, ``502``, ``503``: that status with a short error page;
- ``slow``: the real page after ``slow_seconds`` (longer than a crawler's timeout);
- ``reset``: the connection is reset without any response;
- ``truncate``: the real page's first half under the full page's Content-Length;
- ``cut``: the real page's first half without a Content-Length, the connection closed
  after it (a close-delimited response, which only the missing end of the page betrays);
- ``charset``: the real page re-encoded as GBK (its ``<meta>`` says so) under a
  ``charset=utf-8`` header;
- ``redirect_loop``: 302 between the target and the target with ``loop=1`` added;
- ``huge``: the real page padded with hidden markup to over 20 MB;
- ``offsite``: the real page with links to ``http://example.invalid`` and to the same
  port on ``127.0.0.2``, outside the allowed host;
- ``octet``: the real page served as ``application/octet-stream``.

The page-damaging kinds need the running site: ``serve()`` calls ``bind()``.
"""

import hashlib
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from functools import cache
from http import HTTPStatus
from urllib.parse import urlsplit

from .model import Portal
from .routes import Response, respond

TRANSIENT = ("500", "502", "503", "slow", "reset", "truncate", "cut")
KINDS = (*TRANSIENT, "charset", "redirect_loop", "huge", "offsite", "octet")
HUGE_BYTES = 20 * 1024 * 1024
LOOP_MARK = "loop=1"
_PARAMS = {"rate": float, "seed": int, "attempts": int, "slow_seconds": float}
_TARGET = re.compile(r"(?P<kind>\w+):(?P<target>/\S*)")
_META_CHARSET = re.compile(r'<meta charset="[^"]*">')


class FaultPlan:
    """Which requests fail, and how; see the module docstring.

    ``targets`` maps a request target (path, or path and query) to a kind; a path
    without query matches every query. Chosen targets fault on every attempt and random
    faults on the first only, unless ``attempts`` caps both at that many attempts.
    """

    def __init__(self, targets: Mapping[str, str] | None = None, *, rate: float = 0.0, seed: int = 0,
                 attempts: int | None = None, slow_seconds: float = 5.0):
        self.targets = dict(targets or {})
        unknown = sorted(set(self.targets.values()) - set(KINDS))
        if unknown:
            raise ValueError(f"unknown fault kind {unknown[0]!r}; kinds are {', '.join(KINDS)}")
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be between 0 and 1, not {rate}")
        if attempts is not None and attempts < 1:
            raise ValueError(f"attempts must be at least 1, not {attempts}")
        if slow_seconds < 0:
            raise ValueError(f"slow_seconds must not be negative, not {slow_seconds}")
        self.rate, self.seed, self.attempts, self.slow_seconds = rate, seed, attempts, slow_seconds
        self.requests: Counter[str] = Counter()
        self.faulted: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._portal: Callable[[], Portal] | None = None
        self._port = 0

    @classmethod
    def parse(cls, spec: str) -> "FaultPlan":
        """A plan from ``"rate=0.1,seed=7"``, ``"503:/a.htm;reset:/b.htm"`` or both mixed.

        Items are separated by ``,`` or ``;``; ``kind:/target`` chooses a target,
        ``name=value`` sets ``rate``, ``seed``, ``attempts`` or ``slow_seconds``.
        """
        targets, params = {}, {}
        for item in filter(None, (part.strip() for part in re.split(r"[;,]", spec))):
            if chosen := _TARGET.fullmatch(item):
                targets[chosen["target"]] = chosen["kind"]
                continue
            name, equals, value = item.partition("=")
            if not equals or name not in _PARAMS:
                raise ValueError(f"bad fault item {item!r}: expected kind:/path or one of "
                                 + ", ".join(f"{key}=" for key in _PARAMS))
            try:
                params[name] = _PARAMS[name](value)
            except ValueError:
                raise ValueError(f"bad value in fault item {item!r}") from None
        return cls(targets, **params)

    def bind(self, current_portal: Callable[[], Portal], port: int) -> None:
        """Let the plan render the pages it damages: the model being served, and its port."""
        self._portal, self._port = current_portal, port

    def planned(self, target: str, attempt: int) -> str | None:
        """The fault the ``attempt``-th request (from 1) of ``target`` gets, or None."""
        chosen = self.targets.get(target) or self.targets.get(urlsplit(target).path)
        if chosen:
            return chosen if self.attempts is None or attempt <= self.attempts else None
        if attempt > (self.attempts or 1) or not self.rate:
            return None
        digest = hashlib.sha256(f"{self.seed}\n{target}\n{attempt}".encode("utf-8")).digest()
        draw, pick = (int.from_bytes(digest[i:i + 8], "big") / 2 ** 64 for i in (0, 8))
        return TRANSIENT[int(pick * len(TRANSIENT))] if draw < self.rate else None

    def __call__(self, target: str) -> Response | None:
        """The fault response for this request, or None to serve the page (after a delay for ``slow``)."""
        with self._lock:
            self.requests[target] += 1
            kind = self.planned(target, self.requests[target])
            if kind:
                self.faulted.append((target, kind))
        if kind is None:
            return None
        if kind == "slow":
            time.sleep(self.slow_seconds)
            return None
        if kind in ("500", "502", "503"):
            return _error(HTTPStatus(int(kind)))
        if kind == "reset":
            return Response(0, "", b"", abort=True)
        if kind == "redirect_loop":
            return Response(HTTPStatus.FOUND, "text/html; charset=utf-8", b"", (("Location", _loop_partner(target)),))
        return self._damaged(kind, target)

    def _damaged(self, kind: str, target: str) -> Response:
        """The real page at ``target``, damaged as ``kind`` says; validators dropped, as it is no version of the page."""
        if self._portal is None:
            raise RuntimeError(f"a {kind!r} fault needs the running site: serve(faults=plan) binds it")
        page = respond(self._portal(), target)
        if kind == "truncate":
            return Response(page.status, page.content_type, page.body[:len(page.body) // 2],
                            declared_length=len(page.body))
        if kind == "cut":
            return Response(page.status, page.content_type, page.body[:len(page.body) // 2], close_delimited=True)
        if kind == "octet":
            return Response(page.status, "application/octet-stream", page.body)
        if kind == "huge":
            return Response(page.status, page.content_type, _before_body_end(page.body, _filler()))
        text = page.body.decode(_charset(page))
        if kind == "charset":
            relabelled = _META_CHARSET.sub('<meta charset="gbk">', text, count=1)
            return Response(page.status, "text/html; charset=utf-8", relabelled.encode("gbk", "xmlcharrefreplace"))
        return Response(page.status, page.content_type, _with_offsite_links(text, target, self._port).encode(_charset(page)))


def _error(status: HTTPStatus) -> Response:
    html = f"<!DOCTYPE html><html><body><h1>{status.value} {status.phrase}</h1></body></html>"
    return Response(status, "text/html; charset=utf-8", html.encode("ascii"))


def _loop_partner(target: str) -> str:
    """The other end of a redirect pair: ``target`` with ``loop=1`` added, or removed."""
    path, _, query = target.partition("?")
    params = [part for part in query.split("&") if part]
    if LOOP_MARK in params:
        rest = "&".join(part for part in params if part != LOOP_MARK)
        return f"{path}?{rest}" if rest else path
    return f"{path}?{'&'.join([*params, LOOP_MARK])}"


def _charset(response: Response) -> str:
    _, _, charset = response.content_type.partition("charset=")
    return charset or "utf-8"


def _before_body_end(body: bytes, extra: bytes) -> bytes:
    """``extra`` inserted before ``</body>`` (appended when there is none)."""
    head, end, tail = body.rpartition(b"</body>")
    return head + extra + end + tail if end else body + extra


@cache
def _filler() -> bytes:
    """Hidden ASCII paragraphs (valid in every charset) totalling ``HUGE_BYTES``.

    Many small elements rather than one giant text node, which HTML parsers cap.
    """
    line = b"<p>" + b"filler text to make the page huge " * 3 + b"</p>\n"
    return b'<div class="filler" style="display:none">\n' + line * (HUGE_BYTES // len(line) + 1) + b"</div>\n"


def _with_offsite_links(html: str, target: str, port: int) -> str:
    """``html`` with links to the same target on other hosts, first in the list when it has one."""
    links = (f'<li><a href="http://example.invalid{target}">外部链接</a></li>\n'
             f'<li><a href="http://127.0.0.2:{port}{target}">镜像站点</a></li>\n')
    marker = '<div class="list"><ul>\n'
    if marker in html:
        return html.replace(marker, marker + links, 1)
    return html.replace("</body>", f"<ul>{links}</ul></body>", 1)
