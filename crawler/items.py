"""What the spider hands to the pipeline."""

from dataclasses import dataclass

# Answers that say a page is gone (a removed document, a dead link), not that fetching it failed.
GONE = (404, 410)


@dataclass
class PageItem:
    """A disclosure page parsed into a record (the keys of ``crawler.parsing.RECORD_KEYS``),
    with the HTTP validators a later conditional request can send."""

    record: dict
    etag: str | None = None
    last_modified: str | None = None
    warc: dict | None = None  # the archived record it was read from (crawler.archive)


@dataclass
class SeenItem:
    """A known document a listing still shows (or a 304 confirmed) that was not refetched."""

    url: str
    verified: bool


@dataclass
class ColumnReadItem:
    """A listing column (``url``: its first page, canonical) whose read through all of its
    pages starts in this crawl (a sweep, or a full crawl's read): written at once."""

    url: str


@dataclass
class ListedPageItem:
    """A page a listing showed beside a date that is not a disclosure document (a news article)."""

    url: str
    listed_on: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchErrorItem:
    """A URL that could not be fetched or read, and why."""

    url: str
    status: int | None
    error: str


RENDERED_BY_JAVASCRIPT = "rendered_by_javascript"
# A listing that shows no document and says so (暂无信息); ``detail`` quotes what it says.
BLANK_LISTING = "blank_listing"
# A start page: ``detail`` is the JSON list of the dates it shows beside its links.
HOME_PAGE = "home_page"


@dataclass
class CrawlNoteItem:
    """Something a crawl could not read the usual way, about one page: ``kind``
    ``rendered_by_javascript`` is a listing whose list a script renders, ``blank_listing``
    one that lists nothing, ``home_page`` a start page and the dates it shows."""

    url: str
    kind: str
    title: str | None
    detail: str


@dataclass
class ReportFileItem:
    """An annual report's file (PDF, Word …) as downloaded, with the page that links it."""

    url: str
    page_url: str
    title: str | None
    content_type: str | None
    body: bytes
    # The archived record of these bytes ({warc_file, warc_offset}); None when not archived.
    warc: dict | None = None


@dataclass
class AttachmentFileItem:
    """A downloaded attachment's bytes as archived: their SHA-256, size and WARC record."""

    url: str
    sha256: str
    size: int
    warc: dict


@dataclass
class LinksItem:
    """The links a page read in this crawl carries inside the portal (``crawler.links.page_links``)."""

    url: str
    links: list[tuple[str, str]]


@dataclass
class LinkCheckItem:
    """What a link target answered: ``status`` (None when no HTTP answer came, ``error`` says
    why), and how it was asked: ``GET`` (the crawl fetched it anyway), ``HEAD`` or ``range``
    (a GET of its first byte, where HEAD was refused)."""

    url: str
    status: int | None
    error: str | None
    method: str
