"""What the sample portal answers to a request, as a pure function of the model.

``respond(portal, target, headers, method)`` routes a GET (or HEAD) of ``target`` to its
page and returns a :class:`Response`; detail pages carry ``ETag`` and ``Last-Modified``
and answer conditional requests with 304. The 图解 images refuse HEAD (405) and answer a
ranged GET (``Range: bytes=0-0``) with 206, as servers that only let files be downloaded do. Both the server and the fault plans build on it, so it
lives apart from them.
"""

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from urllib.parse import parse_qs, quote, urlsplit

from . import pages
from .catalogue import NEWS_COLUMN, OWNER
from .model import Portal


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


def respond(portal: Portal, target: str, headers: Mapping[str, str] | None = None, method: str = "GET") -> Response:
    """The response to a GET (or ``method`` HEAD) of ``target`` (path plus optional query).

    ``headers`` are the request's (a case-insensitive mapping such as the handler's);
    detail pages look at them for If-None-Match and If-Modified-Since, images for Range.
    """
    parts = urlsplit(target)
    path = parts.path
    if path in portal.images:
        return _image(path, headers or {}, method)
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
    if owner != OWNER or attachment is None or not attachment.served or query.get("urltype") != ["news.DownloadAttachUrl"]:
        return NOT_FOUND
    disposition = f"attachment; filename*=UTF-8''{quote(attachment.name)}"
    return Response(200, "application/pdf", pages.render_attachment(attachment),
                    (("Content-Disposition", disposition),))


_FIRST_BYTES = re.compile(r"bytes=(\d+)-(\d*)")


def _image(path: str, headers: Mapping[str, str], method: str) -> Response:
    """A 图解 image: HEAD refused, a ranged GET answered with the bytes asked for."""
    if method == "HEAD":
        return Response(HTTPStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", b"HEAD not allowed",
                        (("Allow", "GET"),))
    body = pages.render_image(path)
    asked = _FIRST_BYTES.fullmatch((headers.get("Range") or "").strip())
    if not asked or int(asked[1]) >= len(body):
        return Response(200, "image/png", body)
    last = min(int(asked[2]) if asked[2] else len(body) - 1, len(body) - 1)
    return Response(HTTPStatus.PARTIAL_CONTENT, "image/png", body[int(asked[1]):last + 1],
                    (("Content-Range", f"bytes {asked[1]}-{last}/{len(body)}"),))
