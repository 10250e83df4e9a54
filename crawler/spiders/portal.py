"""The generic disclosure-portal spider.

Every fetched page is parsed; a page carrying a disclosure metadata block is a
document and becomes an item, any other page is a listing whose links inside the
profile's hosts and path prefixes are followed, with the links it hides in comments and
the pages its pagination announces (``crawler.listings``, ``crawler.pagination``); a
listing rendered by JavaScript is noted for the crawl-health report. Detail pages are
leaves: their links lead back into listings the crawl reaches anyway.

A crawl is incremental unless asked to be full. A detail page already in the database
is fetched again only when the listing shows a date other than the stored one, when it
was removed before, or when it is due for re-verification (a rolling share,
``1 / GOVWATCH_REVERIFY_DAYS`` of the documents per crawl, and any document not verified
for that many days, or whose last fetch failed since it was last verified), and then
with a conditional request. Due documents that no listing showed are fetched once the
listings are done, so a page taken off the portal is found by its 404; a document on a
listing page not read tonight is never taken for removed (only a 404 or a full crawl's
absence says that). A page a listing shows beside a date that is not a document (a news
article) is remembered in ``listed_pages`` and fetched again like a known document, only
when listed with another date or on its turn, never just because no listing showed it.

A column's listing is read newest first: its first page, then the pages its pagination
announces in reading order, one at a time, stopping after the first page whose
documents are all known with their stored dates (new documents sit at the top, so they
are on the pages read). A column is also read through all its pages: all at once in a
full crawl, else by a sweep spread over consecutive nights, so no night reads a long
column whole. A sweep starts on the column's turn in a rolling share of nights like the
documents', when its last full read is older than ``GOVWATCH_REVERIFY_DAYS``, or when it
was never read so; each night it reads at most ``GOVWATCH_SWEEP_PAGES`` older pages,
newest to oldest, more when the column has so many pages that the sweep would otherwise
outlast the re-verification period, and the next night goes on from the last page read
(read again: a removal moves the items below it one place toward the newer pages). A
page that could not be read, or that links a page that could not be fetched, is where
the next night resumes. Once a sweep reaches the column's last page the column's full
read is recorded (``column_reads``, as of the night the sweep began; ``column_sweeps``
holds a sweep under way, written when it starts, so a crawl killed half-way leaves it
for the next night). So an edit or a backdated document deep in a column is seen within
``GOVWATCH_REVERIFY_DAYS`` even when its page is not otherwise read.

The attachments of each disclosure document fetched (PDF, Word, Excel, OFD, archives:
:func:`crawler.attachments.is_archived_attachment`) are downloaded into the WARC archive
(:mod:`crawler.archive`), up to ``GOVWATCH_ATTACHMENT_MAX_BYTES`` each.

An annual report's files (:mod:`crawler.annual_reports`) are downloaded too: those a
report page attaches whenever the page is fetched, those a listing links directly when
they are new or due again like a document. They may be larger than a page
(``GOVWATCH_REPORT_MAX_BYTES``) and may live outside the section's path prefixes, never
outside its hosts.

Every page read gives its links inside the portal's hosts to the link graph
(:mod:`crawler.links`, ``storage.links``), and every request's answer is recorded for
the URL asked. Once nothing else is left, the targets those pages link that no request
of the crawl fetched are asked with a HEAD request, or a GET of their first byte where
HEAD is refused (405/501), each once, those that answered well before only on their
re-verification turn (``GOVWATCH_LINK_CHECKS`` off: never). A missing attachment is a
dead link, not a fetch error.
"""

import datetime as dt
import hashlib
import json
import zlib
from dataclasses import dataclass, field
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
from crawler.archive import archive_dir
from crawler.attachments import ATTACHMENT_SKIPPED, is_archived_attachment
from crawler.items import (BLANK_LISTING, GONE, HOME_PAGE, RENDERED_BY_JAVASCRIPT, AttachmentFileItem, ColumnReadItem,
                           CrawlNoteItem, FetchErrorItem, LinkCheckItem, LinksItem, ListedPageItem, PageItem,
                           ReportFileItem, SeenItem)
from crawler.links import page_links
from crawler.listings import blank_marker, javascript_finding, read_listing, shown_dates
from crawler.pagination import listing_pages
from crawler.parsing import BodyHints, is_attachment_url, parse_page
from crawler.profiles import SiteProfile, resolve_profile
from storage.column_reads import column_read_dates, column_sweeps
from storage.db import open_db
from storage.documents import known_documents
from storage.links import link_check_dates
from storage.listed_pages import known_listed_pages
from storage.report_files import report_file_dates
from storage.runs import crawl_count, last_failures, utc_now


@dataclass(frozen=True)
class Known:
    """What the database already holds of a document, as the spider needs it."""

    published_on: str | None
    verified_at: str | None
    etag: str | None
    last_modified: str | None
    removed_at: str | None
    failed_at: str | None = None
    document: bool = True  # False: a dated page of a listing that is not a document (``listed_pages``)

    def failed_since_verified(self) -> bool:
        """The last fetch of the page failed (a page cut short, an error) after it was last verified."""
        return bool(self.failed_at) and self.failed_at >= (self.verified_at or "")


@dataclass(frozen=True)
class KnownState:
    """What the database holds that decides what an incremental crawl fetches again."""

    documents: dict[str, Known]
    previous_runs: int  # how many crawls ran before: picks the re-verification slice
    report_files: dict[str, str]  # when each stored report file was last downloaded
    column_reads: dict[str, str] = field(default_factory=dict)  # when each column's last read to its end began
    link_checks: dict[str, str] = field(default_factory=dict)  # when each link target last answered well
    # The sweeps under way: column -> (the page tonight resumes from, when the sweep began).
    column_sweeps: dict[str, tuple[int, str]] = field(default_factory=dict)


@dataclass
class ColumnPages:
    """One column's pagination as this crawl reads it, and tonight's part of its sweep.

    Pages are numbered in reading order: 1 is the first (newest) page, ``order[n - 2]`` page n.
    """

    first: str  # the first page (canonical)
    full: bool  # read every page, all at once
    sweep_from: int | None = None  # the page tonight's part of the sweep starts from; None: no sweep tonight
    started_at: str | None = None  # when the sweep (or the full read) began
    new_sweep: bool = False  # the sweep starts tonight
    order: list[str] = field(default_factory=list)  # the older pages announced so far (canonical), reading order
    urls: dict[str, str] = field(default_factory=dict)  # canonical -> the URL announced
    numbers: dict[str, int] = field(default_factory=dict)  # canonical -> its number
    pending: int = 0  # pages requested and not yet read
    failed_pages: set[int] = field(default_factory=set)  # pages not read, or linking a page not fetched
    announced_start: bool = False

    def number(self, canonical: str) -> int:
        """The page's number in reading order; 1 for the first page or a page never announced."""
        return self.numbers.get(canonical, 1)

    def sweep_to(self, sweep_pages: int, reverify_days: int) -> int:
        """The last page tonight's part of the sweep reads: ``sweep_pages`` past the page it
        resumes from (read again), or enough more that the sweep ends within ``reverify_days``."""
        nightly = max(sweep_pages, -(-len(self.order) // reverify_days))
        return self.sweep_from + nightly - (1 if self.sweep_from <= 2 else 0)

    def announce(self, urls: list[str]) -> None:
        for url in urls:
            canonical = canonicalize_url(url)
            if canonical != self.first and canonical not in self.urls:
                self.urls[canonical] = url
                self.order.append(canonical)
                self.numbers[canonical] = len(self.order) + 1


def load_known(db: sqlite_utils.Database, site: str) -> KnownState:
    """``site``'s known documents by URL, with their last failed fetch, the number of its
    earlier crawls and its report files' download dates."""
    # Errors are recorded under the URL requested, documents under its canonical form.
    failed: dict[str, str] = {}
    for url, at in last_failures(db, site):
        canonical = canonicalize_url(url)
        failed[canonical] = max(at, failed.get(canonical, at))
    # Listed pages first: a page that has become a document is known as the document.
    documents = {url: Known(listed_on, verified_at, etag, last_modified, None, document=False)
                 for url, listed_on, verified_at, etag, last_modified in known_listed_pages(db)}
    documents.update((url, Known(*rest, failed_at=failed.get(url))) for url, *rest in known_documents(db, site))
    return KnownState(documents, crawl_count(db, site), report_file_dates(db, site), column_read_dates(db),
                      link_check_dates(db, site), column_sweeps(db))


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
        self.reverify_days = 90
        self.sweep_pages = 10
        self.slice = 0
        self.started_at = utc_now()
        self.report_file_dates: dict[str, str] = {}
        self.column_reads: dict[str, str] = {}
        self.column_sweeps: dict[str, tuple[int, str]] = {}
        # The date a listing showed beside each page requested in this crawl.
        self.listed_dates: dict[str, str] = {}
        self.columns: dict[str, ColumnPages] = {}
        # The column, and the number of its page, whose read requested a URL (a listing page: itself).
        self.column_of: dict[str, tuple[ColumnPages, int]] = {}
        self.report_max_bytes = 0
        self.attachment_max_bytes = 0
        self.archiving = False
        # The link graph: every target the pages read link, those that answered in this
        # crawl, those asked with a HEAD, and when each last answered well before.
        self.checking_links = False
        self.link_targets: set[str] = set()
        self.answered: set[str] = set()
        self.link_checks_sent: set[str] = set()
        self.link_answered_at: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.reverify_days = max(1, crawler.settings.getint("GOVWATCH_REVERIFY_DAYS"))
        spider.sweep_pages = max(1, crawler.settings.getint("GOVWATCH_SWEEP_PAGES"))
        spider.report_max_bytes = crawler.settings.getint("GOVWATCH_REPORT_MAX_BYTES")
        spider.attachment_max_bytes = crawler.settings.getint("GOVWATCH_ATTACHMENT_MAX_BYTES")
        spider.archiving = archive_dir(crawler.settings) is not None
        spider.checking_links = crawler.settings.getbool("GOVWATCH_LINK_CHECKS")
        if not spider.full:
            state = spider.known_state or _read_known(crawler.settings.get("GOVWATCH_DB"), spider.profile.name)
            spider.known, spider.report_file_dates = state.documents, state.report_files
            spider.column_reads, spider.column_sweeps = state.column_reads, state.column_sweeps
            spider.link_answered_at = state.link_checks
            spider.slice = state.previous_runs % spider.reverify_days
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    async def start(self):
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.on_error, meta={"home": True})

    def parse(self, response):
        yield from self.read(response)
        yield from self.answer(response)
        if response.status != 304 and isinstance(response, TextResponse):
            yield from self.links_of(response)

    def read(self, response):
        """A page's items and the requests it leads to (see the module docstring)."""
        if response.status == 304:
            yield SeenItem(canonicalize_url(response.url), verified=True)
            return
        if not isinstance(response, TextResponse):
            return
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        record = parse_page(response.body, response.url, http_content_type_encoding(content_type), self.body_hints)
        if record["is_disclosure"]:
            record["url"] = canonicalize_url(response.url)
            yield PageItem(record, _header(response, b"ETag"), _header(response, b"Last-Modified"),
                           response.meta.get("warc"))
            yield from self.fetch_attached_reports(record)
            yield from self.fetch_attachments(record)
            return
        canonical = canonicalize_url(response.url)
        if canonical in self.listed_dates:
            yield ListedPageItem(canonical, self.listed_dates[canonical], _header(response, b"ETag"),
                                 _header(response, b"Last-Modified"))
        yield from self.follow_listing(response)

    def follow_listing(self, response):
        """Requests for the listing's links (hidden ones too), known documents only when
        due, and for its column's next pages (see the module docstring). A list rendered
        by JavaScript is noted for crawl health, once per column: its generated pages are
        not noted again."""
        listing = read_listing(response.text, response.url)
        yield from self.fetch_listed_reports(listing, canonicalize_url(response.url))
        finding = javascript_finding(listing)
        if finding and "generated_from" not in response.meta:
            yield CrawlNoteItem(canonicalize_url(response.url), RENDERED_BY_JAVASCRIPT, listing.title, finding)
        yield from self.inspection_notes(response, listing)
        self.handled.add(canonicalize_url(response.url))  # a page announcing itself is read already
        first_page = response.meta.get("generated_from", response.url)
        column = self.column(first_page, "generated_from" in response.meta)
        column.announce(listing_pages(response.url, response.text, [link.url for link in listing.links]))
        page = column.number(canonicalize_url(response.url))
        for link in listing.links:
            canonical = canonicalize_url(link.url)
            # The column's own pages are read in order below, not as they are linked.
            if (canonical in self.handled or canonical in column.urls or canonical == column.first
                    or not self.is_followed(link.url)):
                continue
            self.handled.add(canonical)
            known = self.known.get(canonical)
            if known is None or self.needs_fetch(canonical, known, link.listed_on):
                if link.listed_on:
                    self.listed_dates[canonical] = link.listed_on
                self.column_of[canonical] = (column, page)
                yield (scrapy.Request(link.url, callback=self.parse, errback=self.on_error) if known is None
                       else self.verify(link.url, known))
            else:
                yield SeenItem(canonical, verified=False)
        yield from self.next_pages(column, first_page, None if self.settled(listing) else page)
        if (column.full or column.new_sweep) and column.order and not column.announced_start:
            # Written now, moved on when the crawl ends well: a crawl killed half-way
            # leaves the sweep for the next one.
            column.announced_start = True
            yield ColumnReadItem(column.first)

    def column(self, first_page: str, is_later_page: bool) -> ColumnPages:
        """The column whose first listing page is ``first_page``; a later page of it was just read."""
        key = canonicalize_url(first_page)
        column = self.columns.get(key)
        if column is None:
            read_at, sweep = self.column_reads.get(key), self.column_sweeps.get(key)
            if self.full:
                column = ColumnPages(key, full=True, started_at=self.started_at)
            elif sweep is not None:
                column = ColumnPages(key, full=False, sweep_from=sweep[0], started_at=sweep[1])
            elif read_at is None or self.is_due(key, read_at):
                column = ColumnPages(key, full=False, sweep_from=2, started_at=self.started_at, new_sweep=True)
            else:
                column = ColumnPages(key, full=False)
            self.columns[key] = column
        if is_later_page and column.pending:
            column.pending -= 1
        return column

    def sweep_outcomes(self) -> tuple[dict[str, str], dict[str, int]]:
        """What this crawl did to each column's read to its end: the columns it completed
        (first page: when their read began), and the page each other sweep resumes from."""
        completed, resume = {}, {}
        for url, column in self.columns.items():
            if column.full:
                unread = any(canonical not in self.handled and self.is_followed(column.urls[canonical])
                             for canonical in column.order)
                if column.order and not (unread or column.pending or column.failed_pages):
                    completed[url] = column.started_at
            elif column.sweep_from is not None and (column.order or url in self.column_sweeps):
                failed = [page for page in column.failed_pages if page >= column.sweep_from]
                last = self.sweep_end(column)
                if failed:
                    resume[url] = min(failed)
                elif column.pending:  # pages asked for and never answered: tonight's part again
                    resume[url] = column.sweep_from
                elif last >= len(column.order) + 1:
                    completed[url] = column.started_at
                else:
                    resume[url] = last
        return completed, resume

    def sweep_end(self, column: ColumnPages) -> int:
        return column.sweep_to(self.sweep_pages, self.reverify_days)

    def next_pages(self, column: ColumnPages, first_page: str, unsettled: int | None):
        """Requests for the column's pages not read yet: all of them in a full crawl, else the
        page after ``unsettled`` (a page showing a document not known with its date) and
        tonight's part of the sweep; while that part lies past the pages announced so far,
        the furthest one announced (its pagination announces the next)."""
        last = len(column.order) + 1
        if column.full:
            wanted = range(2, last + 1)
        else:
            wanted = [unsettled + 1] if unsettled is not None else []
            if column.sweep_from is not None:
                wanted += range(column.sweep_from, min(self.sweep_end(column), last) + 1)
        requested = list(self.page_requests(column, first_page, wanted))
        if (not requested and not column.pending and column.sweep_from is not None and not column.full
                and column.sweep_from > last):
            requested = list(self.page_requests(column, first_page, [last]))
        yield from requested

    def page_requests(self, column: ColumnPages, first_page: str, numbers):
        for number in numbers:
            if not 2 <= number <= len(column.order) + 1:
                continue
            canonical = column.order[number - 2]
            url = column.urls[canonical]
            if canonical in self.handled or not self.is_followed(url):
                continue
            self.handled.add(canonical)
            self.column_of[canonical] = (column, number)
            column.pending += 1
            yield scrapy.Request(url, callback=self.parse, errback=self.on_error,
                                 meta={"generated_from": first_page})

    def settled(self, listing) -> bool:
        """Whether every document the listing page shows (a link beside a date) is known,
        not removed, with the date stored: the older pages then hold nothing new."""
        dated = [(canonicalize_url(link.url), link.listed_on) for link in listing.links
                 if link.listed_on and self.is_followed(link.url)]
        return bool(dated) and all(
            (known := self.known.get(url)) is not None and not known.removed_at and known.published_on == listed_on
            for url, listed_on in dated)

    def inspection_notes(self, response, listing):
        """Notes the inspection checks read: a start page's dates, a column that lists nothing."""
        url = canonicalize_url(response.url)
        if response.meta.get("home"):
            yield CrawlNoteItem(url, HOME_PAGE, listing.title, json.dumps(shown_dates(listing)))
        elif "generated_from" not in response.meta and (marker := blank_marker(listing, response.text)):
            yield CrawlNoteItem(url, BLANK_LISTING, listing.title, marker)

    def fetch_attached_reports(self, record: dict):
        """Downloads of the files an annual report's page attaches (often the report itself)."""
        for item in report_files(record["title"], record["breadcrumb"], record["attachments"]):
            yield from self.report_file_request(item["url"], record["url"], record["title"])

    def fetch_attachments(self, record: dict):
        """Downloads of a document's attachments into the archive (report files are downloaded as such first)."""
        if not self.archiving:
            return
        for item in record["attachments"]:
            canonical = canonicalize_url(item["url"])
            if canonical in self.handled or not self.is_on_site(item["url"]):
                continue
            if is_archived_attachment(item["url"], item.get("name")):
                self.handled.add(canonical)
                yield scrapy.Request(item["url"], callback=self.attachment_file, errback=self.on_error, meta={
                    "attachment_of": record["url"], "attachment_url": item["url"], "download_maxsize": self.attachment_max_bytes})

    def attachment_file(self, response):
        """An archived attachment's digest for its ``attachments`` rows; one the crawl's budget left out, a note."""
        yield from self.answer(response)
        if response.meta.get("archive_skipped"):
            yield CrawlNoteItem(response.meta["attachment_of"], ATTACHMENT_SKIPPED, None,
                                f"{response.url}: the crawl's attachment budget is spent")
        elif response.status == 200 and response.meta.get("warc"):
            yield AttachmentFileItem(response.meta["attachment_url"], hashlib.sha256(response.body).hexdigest(),
                                     len(response.body), response.meta["warc"])

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
        yield from self.answer(response)
        if not response.body:
            yield FetchErrorItem(meta["report_file"], response.status, "empty file")
            return
        if meta.get("warc"):
            yield AttachmentFileItem(meta["report_file"], hashlib.sha256(response.body).hexdigest(),
                                     len(response.body), meta["warc"])
        yield ReportFileItem(meta["report_file"], meta["report_page"], meta["report_title"],
                             _header(response, b"Content-Type"), response.body, meta.get("warc"))

    def verify(self, url: str, known: Known) -> scrapy.Request:
        """Fetch a known document again, conditionally unless it was removed (then in full)."""
        if known.removed_at:
            return scrapy.Request(url, callback=self.parse, errback=self.on_error)
        return scrapy.Request(url, callback=self.parse, errback=self.on_error, headers=_conditional(known),
                              meta={"handle_httpstatus_list": [304]})

    def idle(self):
        """Once everything the crawl reaches is fetched: the due documents no listing showed,
        then the link targets nothing fetched."""
        if (not self.full and self.verify_unlisted()) or self.check_links():
            raise DontCloseSpider

    def verify_unlisted(self) -> bool:
        """Re-verify the due documents no listing showed; whether there were any."""
        due = [
            url for url, known in self.known.items()
            if url not in self.handled and known.document and not known.removed_at
            and self.needs_fetch(url, known, None)
        ]
        self.handled.update(due)
        for url in due:
            self.crawler.engine.crawl(self.verify(url, self.known[url]))
        return bool(due)

    def links_of(self, response):
        """The links a page read carries inside the portal, for the link graph."""
        links = page_links(response.text, response.url, self.allowed_netlocs)
        self.link_targets.update(target for target, _ in links)
        yield LinksItem(canonicalize_url(response.url), links)

    def answer(self, response):
        """What a fetched URL answered, for the link graph: the URL asked (before any redirect) and the one answering."""
        for url in dict.fromkeys([*response.meta.get("redirect_urls", ()), response.url]):
            canonical = canonicalize_url(url)
            self.answered.add(canonical)
            yield LinkCheckItem(canonical, response.status, None, response.request.method if response.request else "GET")

    def check_links(self) -> bool:
        """HEAD requests for the link targets no request of this crawl fetched, each once, those
        that answered well before only on their re-verification turn; whether any was sent."""
        if not self.checking_links:
            return False
        due = sorted(url for url in self.link_targets - self.answered - self.link_checks_sent
                     if url not in self.link_answered_at or self.is_due(url, self.link_answered_at[url]))
        self.link_checks_sent.update(due)
        for url in due:
            self.crawler.engine.crawl(self.link_check(url, "HEAD"))
        return bool(due)

    def link_check(self, url: str, method: str) -> scrapy.Request:
        """A HEAD request for ``url``, or (``range``) a GET of its first byte that never reads past
        the attachment size limit, whatever a server that ignores the range sends."""
        meta = {"link_check": url, "handle_httpstatus_all": True, "download_maxsize": self.attachment_max_bytes}
        if method == "HEAD":
            return scrapy.Request(url, method="HEAD", callback=self.link_checked, errback=self.link_check_failed,
                                  meta=meta, dont_filter=True)
        return scrapy.Request(url, headers={"Range": "bytes=0-0"}, callback=self.link_checked,
                              errback=self.link_check_failed, meta={**meta, "range": True}, dont_filter=True)

    def link_checked(self, response):
        """A link target's answer; a HEAD refused (405, 501) is asked again as a ranged GET."""
        url = response.meta["link_check"]
        if response.request.method == "HEAD" and response.status in (405, 501):
            yield self.link_check(url, "range")
            return
        yield LinkCheckItem(url, response.status, None, "range" if response.meta.get("range") else "HEAD")

    def link_check_failed(self, failure):
        """A link target that gave no HTTP answer; one robots.txt forbids is not asked at all."""
        request = failure.request
        if failure.check(IgnoreRequest) and str(failure.value).startswith("Forbidden by robots.txt"):
            return
        method = "range" if request.meta.get("range") else "HEAD"
        if "download max size" in failure.getErrorMessage():
            error = f"larger than the {self.attachment_max_bytes // 2**20} MiB limit, not read"
        elif failure.check(TwistedTimeoutError):
            error = "timed out"
        else:
            error = failure.getErrorMessage() or failure.type.__name__
        yield LinkCheckItem(request.meta["link_check"], None, error, method)

    def needs_fetch(self, url: str, known: Known, listed_on: str | None) -> bool:
        """Whether a known document must be fetched again in this crawl."""
        if known.removed_at or known.failed_since_verified() or (listed_on and listed_on != known.published_on):
            return True
        return self.is_due(url, known.verified_at)

    def is_due(self, url: str, checked_at: str | None) -> bool:
        """Whether ``url`` (a document, a report file, a column) is to be checked again
        tonight: its turn in the rolling share, or not checked for ``reverify_days``."""
        if rota_turn(url, self.reverify_days) == self.slice:
            return True
        cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=self.reverify_days)
        return (checked_at or "") < cutoff.strftime("%Y-%m-%dT%H:%M:%SZ")

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
        listed_by = self.column_of.get(canonicalize_url(request.url))
        if failure.check(IgnoreRequest) and str(failure.value).startswith("Forbidden by robots.txt"):
            if listed_by is not None and "generated_from" in request.meta and listed_by[0].pending:
                listed_by[0].pending -= 1  # a page never to be read holds no sweep back
            return  # obeying robots.txt is not an error
        gone = failure.check(HttpError) and failure.value.response.status in GONE
        if listed_by is not None and not gone:
            column, page = listed_by
            column.failed_pages.add(page)  # the sweep resumes there: the page may answer then
        if failure.check(HttpError):
            status = failure.value.response.status
            yield from self.answer(failure.value.response)
            if not (gone and "attachment_of" in request.meta):  # a missing attachment is a dead link
                yield FetchErrorItem(request.url, status, f"HTTP {status}")
            return
        if failure.check(TwistedTimeoutError):
            error = "timed out"
        elif "download max size" in failure.getErrorMessage():
            limit = request.meta.get("download_maxsize") or self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
            what = "file" if {"report_file", "attachment_of"} & set(request.meta) else "page"
            error = f"{what} larger than the {limit // 2**20} MiB limit, skipped"
        else:
            error = failure.getErrorMessage() or failure.type.__name__
        yield FetchErrorItem(request.url, None, error)
        # Asked already: no HEAD request follows for it, and no answer is no dead link.
        canonical = canonicalize_url(request.url)
        self.answered.add(canonical)
        yield LinkCheckItem(canonical, None, error, request.method)


def rota_turn(url: str, days: int) -> int:
    """The night (0 … days - 1) of the re-verification rota on which ``url`` is checked.

    From the path and query alone, so a portal served from another host or port keeps
    its rota, and a test's nights do not depend on the port it was given.
    """
    parts = urlsplit(url)
    return zlib.crc32(f"{parts.path}?{parts.query}".encode("utf-8")) % days


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
