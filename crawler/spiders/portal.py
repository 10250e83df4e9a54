"""The generic disclosure-portal spider.

Every fetched page is parsed; a page carrying a disclosure metadata block is a
document and becomes an item, any other page is a listing whose links inside the
profile's hosts and path prefixes are followed. Detail pages are leaves: their links
lead back into listings the crawl reaches anyway.
"""

from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from w3lib.encoding import http_content_type_encoding
from w3lib.url import canonicalize_url

from crawler.items import FetchErrorItem, PageItem
from crawler.pagination import trs_pages, vsb_pages
from crawler.parsing import is_attachment_url, parse_page
from crawler.profiles import resolve_profile


def _split(value) -> list[str]:
    """``-a start_url=a,b`` on the scrapy command line, or a list from govwatch."""
    if not value:
        return []
    if isinstance(value, str):
        return [part for part in value.split(",") if part]
    return list(value)


class PortalSpider(scrapy.Spider):
    """Walks one portal's disclosure section; see the module docstring."""

    name = "portal"

    def __init__(self, site=None, start_url=None, allow_prefix=None, **kwargs):
        super().__init__(**kwargs)
        self.profile = resolve_profile(site, _split(start_url), _split(allow_prefix))
        self.start_urls = list(self.profile.start_urls)
        # host:port, so a second server on the same machine is another site.
        self.allowed_netlocs = {urlsplit(url).netloc for url in self.start_urls}
        self.allowed_domains = sorted({urlsplit(url).hostname for url in self.start_urls})

    async def start(self):
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.on_error)

    def parse(self, response):
        if not isinstance(response, TextResponse):
            return
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        record = parse_page(response.body, response.url, http_content_type_encoding(content_type))
        if record["is_disclosure"]:
            record["url"] = canonicalize_url(response.url)
            yield PageItem(record)
            return
        links = [urljoin(response.url, href) for href in response.css("a::attr(href)").getall()]
        pages = vsb_pages(response.url, links) + trs_pages(response.url, response.text)
        for url in dict.fromkeys(links + pages):
            if self.is_followed(url):
                yield scrapy.Request(url, callback=self.parse, errback=self.on_error)

    def is_followed(self, url: str) -> bool:
        """True for a page of this portal's disclosure section; never another host."""
        parts = urlsplit(url)
        return (
            parts.scheme in ("http", "https")
            and parts.netloc in self.allowed_netlocs
            and parts.path.startswith(self.profile.allow_prefixes)
            and not is_attachment_url(url)
        )

    def on_error(self, failure):
        """Turn a failed request into an item the pipeline records in ``fetch_errors``."""
        request = failure.request
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return  # robots.txt said no: obeying is not an error
        if failure.check(HttpError):
            status = failure.value.response.status
            yield FetchErrorItem(request.url, status, f"HTTP {status}")
        elif failure.check(TwistedTimeoutError):
            yield FetchErrorItem(request.url, None, "timed out")
        else:
            yield FetchErrorItem(request.url, None, failure.getErrorMessage() or failure.type.__name__)
