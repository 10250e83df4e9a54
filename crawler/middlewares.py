"""Downloader middleware: a page cut short is fetched again, never parsed as if whole.

A response can end before the page does: the connection drops after part of a body
whose Content-Length promised more, or a server that sends no length closes the
connection early, which to the client looks like the normal end of such a body.
Scrapy's HTTP/1.1 handler flags the first ``dataloss`` (with
``DOWNLOAD_FAIL_ON_DATALOSS = False``) and every close-delimited body ``partial``,
complete or not; :func:`cut_short` decides, and :class:`WholePages` retries the request
through Scrapy's retry machinery (``RETRY_TIMES``) and then fails it with
:class:`PageCutShort`, which the spider records as a fetch error.
"""

import re

from scrapy.downloadermiddlewares.retry import get_retry_request

CUT_SHORT = "page cut short"
_HTML_END = re.compile(rb"</\s*(?:body|html)\s*>", re.IGNORECASE)
# How far into a body its <html> or doctype is looked for.
_HTML_START_WINDOW = 1024


class PageCutShort(Exception):
    """A page that still arrived incomplete after every retry."""


def cut_short(body: bytes, content_type: str, *, length_lost: bool, close_delimited: bool) -> bool:
    """Whether ``body`` is less than the page the server set out to send.

    ``length_lost``: fewer bytes arrived than the Content-Length stated. ``close_delimited``:
    no length was stated, so only the page itself can tell; an HTML page is whole when it
    reaches its closing ``</body>`` or ``</html>``. Anything else (text, PDF) without a
    length cannot be judged and counts as whole.
    """
    if length_lost:
        return True
    if not close_delimited:
        return False
    head = body[:_HTML_START_WINDOW].lower()
    is_html = "html" in content_type.lower() or b"<html" in head or b"<!doctype html" in head
    return is_html and not _HTML_END.search(body)


class WholePages:
    """Retries a response :func:`cut_short` finds incomplete; raises :class:`PageCutShort` when retries run out."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if not cut_short(response.body, content_type, length_lost="dataloss" in response.flags,
                         close_delimited="partial" in response.flags):
            return response
        self.crawler.stats.inc_value("govwatch/cut_short")
        retry = get_retry_request(request, spider=self.crawler.spider, reason=CUT_SHORT)
        if retry is None:
            raise PageCutShort(CUT_SHORT)
        return retry
