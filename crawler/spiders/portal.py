"""The generic disclosure-portal spider.

Every fetched page is parsed; a page carrying a disclosure metadata block is a
document and becomes an item, any other page is a listing whose links inside the
profile's hosts and path prefixes are followed, with the links it hides in comments and
the pages its pagination announces (``crawler.listings``, ``crawler.pagination``); a
listing rendered by JavaScript is noted for the crawl-health report. Detail pages are
leaves: their links lead back into listings the crawl reaches anyway.

A crawl is incremental unless asked to be full: listings are always re-read, but a
detail page already in the database is fetched again only when the listing shows a
date other than the stored one, when it was removed before, or when it is due for
re-verification (a rolling share, ``1 / GOVWATCH_REVERIFY_DAYS`` of the documents per
crawl, and any document not verified for that many days, or whose last fetch failed
since it was last verified), and then with a conditional request. Due documents that no
listing showed are fetched once the listings are done, so a page taken off the portal
is found by its 404.

An annual report's files (:mod:`crawler.annual_reports`) are downloaded too: those a
report page attaches whenever the page is fetched, those a listing links directly when
they are new or due again like a document. They may be larger than a page
(``GOVWATCH_REPORT_MAX_BYTES``) and may live outside the section's path prefixes, never
outside its hosts.
"""

import datetime as dt
import zlib
from dataclasses import dataclass
from urllib.parse import urlsplit

import scrapy
import sqlite_utils
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from w3lib.encoding import http_content_type_encoding
from w3lib.url import canonicalize_url

from crawler.annual_reports import listed_report_title, report_files
from crawler.items import RENDERED_BY_JAVASCRIPT, CrawlNoteItem, FetchErrorItem, PageItem, ReportFileItem, SeenItem
from crawler.listings import javascript_finding, read_listing
from crawler.pagination import listing_pages
from crawler.parsing import BodyHints, is_attachment_url, parse_page
from crawler.profiles import SiteProfile, resolve_profile
from storage.db import open_db
from storage.documents import known_documents
from storage.report_files import report_file_dates
from storage.runs import crawl_count, last_failures


@dataclass(frozen=True)
class Known:
    """What the database already holds of a document, as the spider needs it."""

    published_on: str | None
    verified_at: str | None
    etag: str | None
    last_modified: str | None
    removed_at: str | None
    failed_at: str | None = None

    def failed_since_verified(self) -> bool:
        """The last fetch of the page failed (a page cut short, an error) after it was last verified."""
        return bool(self.failed_at) and self.failed_at >= (self.verified_at or "")


@dataclass(frozen=True)
class KnownState:
    """What the database holds that decides what an incremental crawl fetches again."""

    documents: dict[str, Known]
    previous_runs: int  # how many crawls ran before: picks the re-verification slice
    report_files: dict[str, str]  # when each stored report file was last downloaded


def load_known(db: sqlite_utils.Database, site: str) -> KnownState:
    """``site``'s known documents by URL, with their last failed fetch, the number of its
    earlier crawls and its report files' download dates."""
    # Errors are recorded under the URL requested, documents under its canonical form.
    failed: dict[str, str] = {}
    for url, at in last_failures(db, site):
        canonical = canonicalize_url(url)
        failed[canonical] = max(at, failed.get(canonical, at))
    documents = {url: Known(*rest, failed_at=failed.get(url)) for url, *rest in known_documents(db, site)}
    return KnownState(documents, crawl_count(db, site), report_file_dates(db, site))


def _read_known(db_path: str, site: str) -> KnownState:
    """:func:`load_known` on a connection of its own (``scrapy crawl``; govwatch passes it in)."""
    db = open_db(db_path)
    try:
        return load_known(db, site)
    finally:
        db.close()


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

    def __init__(self, profile: SiteProfile | None = None, site=None, start_url=None, allow_prefix=None, full=False,
                 known: KnownState | None = None, **kwargs):
        super().__init__(**kwargs)
        # govwatch passes the profile it resolved; ``scrapy crawl -a site=… -a start_url=…`` passes strings.
        self.profile = profile or resolve_profile(site, _split(start_url), _split(allow_prefix))
        self.body_hints = BodyHints(self.profile.body_ids, self.profile.body_classes)
        self.start_urls = list(self.profile.start_urls)
        # host:port, so a second server on the same machine is another site.
        self.allowed_netlocs = {urlsplit(url).netloc for url in self.start_urls}
        self.allowed_domains = sorted({urlsplit(url).hostname for url in self.start_urls})
        self.full = full in (True, "1", "true", "yes")
        self.known_state = known
        self.known: dict[str, Known] = {}
        # Links already requested or reported as seen in this crawl: many listings (and
        # the home page) link the same document.
        self.handled: set[str] = set()
        self.reverify_days = 30
        self.slice = 0
        self.report_file_dates: dict[str, str] = {}
        self.report_max_bytes = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.reverify_days = max(1, crawler.settings.getint("GOVWATCH_REVERIFY_DAYS"))
        spider.report_max_bytes = crawler.settings.getint("GOVWATCH_REPORT_MAX_BYTES")
        if not spider.full:
            state = spider.known_state or _read_known(crawler.settings.get("GOVWATCH_DB"), spider.profile.name)
            spider.known, spider.report_file_dates = state.documents, state.report_files
            spider.slice = state.previous_runs % spider.reverify_days
            crawler.signals.connect(spider.verify_unlisted, signal=signals.spider_idle)
        return spider

    async def start(self):
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.on_error)

    def parse(self, response):
        if response.status == 304:
            yield SeenItem(canonicalize_url(response.url), verified=True)
            return
        if not isinstance(response, TextResponse):
            return
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        record = parse_page(response.body, response.url, http_content_type_encoding(content_type), self.body_hints)
        if record["is_disclosure"]:
            record["url"] = canonicalize_url(response.url)
            yield PageItem(record, _header(response, b"ETag"), _header(response, b"Last-Modified"))
            yield from self.fetch_attached_reports(record)
            return
        yield from self.follow_listing(response)

    def follow_listing(self, response):
        """Requests for the listing's links (hidden ones too) and generated pages; known
        documents only when due. A list rendered by JavaScript is noted for crawl health,
        once per column: its generated pages are not noted again."""
        listing = read_listing(response.text, response.url)
        yield from self.fetch_listed_reports(listing, canonicalize_url(response.url))
        finding = javascript_finding(listing)
        if finding and "generated_from" not in response.meta:
            yield CrawlNoteItem(canonicalize_url(response.url), RENDERED_BY_JAVASCRIPT, listing.title, finding)
        pages = listing_pages(response.url, response.text, [link.url for link in listing.links])
        origin = {"generated_from": response.meta.get("generated_from", response.url)}
        for url, listed_on, meta in [(link.url, link.listed_on, {}) for link in listing.links] + [
                (url, None, origin) for url in pages]:
            canonical = canonicalize_url(url)
            if canonical in self.handled or not self.is_followed(url):
                continue
            self.handled.add(canonical)
            known = self.known.get(canonical)
            if known is None:
                yield scrapy.Request(url, callback=self.parse, errback=self.on_error, meta=meta)
            elif self.needs_fetch(canonical, known, listed_on):
                yield self.verify(url, known)
            else:
                yield SeenItem(canonical, verified=False)

    def fetch_attached_reports(self, record: dict):
        """Downloads of the files an annual report's page attaches (often the report itself)."""
        for item in report_files(record["title"], record["breadcrumb"], record["attachments"]):
            yield from self.report_file_request(item["url"], record["url"], record["title"])

    def fetch_listed_reports(self, listing, page_url: str):
        """Downloads of the report files a listing links directly (hidden links too), when new or due again."""
        for link in listing.links:
            title = link.text is not None and listed_report_title(link.url, link.text, link.tooltip)
            if title and self.report_file_due(link.url):
                yield from self.report_file_request(link.url, page_url, title)

    def report_file_due(self, url: str) -> bool:
        """Whether a report file a listing links must be downloaded: not stored, or due like a document."""
        fetched_at = self.report_file_dates.get(url)
        return fetched_at is None or self.needs_fetch(url, Known(None, fetched_at, None, None, None), None)

    def report_file_request(self, url: str, page_url: str, title: str | None):
        """The download of one report file (once per crawl, on the portal's hosts only)."""
        canonical = canonicalize_url(url)
        if canonical in self.handled or not self.is_on_site(url):
            return
        self.handled.add(canonical)
        yield scrapy.Request(url, callback=self.report_file, errback=self.on_error, meta={
            "report_file": url, "report_page": page_url, "report_title": title,
            "download_maxsize": self.report_max_bytes,
        })

    def report_file(self, response):
        """A downloaded report file as an item; an empty body is a failed download."""
        meta = response.meta
        if not response.body:
            yield FetchErrorItem(meta["report_file"], response.status, "empty file")
            return
        yield ReportFileItem(meta["report_file"], meta["report_page"], meta["report_title"],
                             _header(response, b"Content-Type"), response.body)

    def verify(self, url: str, known: Known) -> scrapy.Request:
        """Fetch a known document again, conditionally unless it was removed (then in full)."""
        if known.removed_at:
            return scrapy.Request(url, callback=self.parse, errback=self.on_error)
        return scrapy.Request(url, callback=self.parse, errback=self.on_error, headers=_conditional(known),
                              meta={"handle_httpstatus_list": [304]})

    def verify_unlisted(self):
        """Once the listings are done, re-verify the due documents no listing showed."""
        due = [
            url for url, known in self.known.items()
            if url not in self.handled and not known.removed_at and self.needs_fetch(url, known, None)
        ]
        self.handled.update(due)
        for url in due:
            self.crawler.engine.crawl(self.verify(url, self.known[url]))
        if due:
            raise DontCloseSpider

    def needs_fetch(self, url: str, known: Known, listed_on: str | None) -> bool:
        """Whether a known document must be fetched again in this crawl."""
        if known.removed_at or known.failed_since_verified() or (listed_on and listed_on != known.published_on):
            return True
        if zlib.crc32(url.encode("utf-8")) % self.reverify_days == self.slice:
            return True
        cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=self.reverify_days)
        return (known.verified_at or "") < cutoff.strftime("%Y-%m-%dT%H:%M:%SZ")

    def is_on_site(self, url: str) -> bool:
        """True for an http(s) URL on one of the start URLs' hosts (host and port)."""
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc in self.allowed_netlocs

    def is_followed(self, url: str) -> bool:
        """True for a page of this portal's disclosure section; never another host."""
        return (
            self.is_on_site(url)
            and urlsplit(url).path.startswith(self.profile.allow_prefixes)
            and not is_attachment_url(url)
        )

    def on_error(self, failure):
        """Turn a failed request into an item the pipeline records in ``fetch_errors``."""
        request = failure.request
        if failure.check(IgnoreRequest) and str(failure.value).startswith("Forbidden by robots.txt"):
            return  # obeying robots.txt is not an error
        if failure.check(HttpError):
            status = failure.value.response.status
            yield FetchErrorItem(request.url, status, f"HTTP {status}")
        elif failure.check(TwistedTimeoutError):
            yield FetchErrorItem(request.url, None, "timed out")
        elif "download max size" in failure.getErrorMessage():
            limit = request.meta.get("download_maxsize") or self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
            what = "file" if "report_file" in request.meta else "page"
            yield FetchErrorItem(request.url, None, f"{what} larger than the {limit // 2**20} MiB limit, skipped")
        else:
            yield FetchErrorItem(request.url, None, failure.getErrorMessage() or failure.type.__name__)


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _conditional(known: Known) -> dict:
    """If-None-Match / If-Modified-Since from the validators the page last sent."""
    headers = {}
    if known.etag:
        headers["If-None-Match"] = known.etag
    if known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    return headers
