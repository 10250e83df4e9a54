"""Saved pages as Scrapy responses, and a crawler with the project's settings, so the
spider and pipeline are tested without a reactor or a server (as city-scrapers does)."""

from pathlib import Path

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler import settings
from crawler.spiders.portal import PortalSpider

FILES = Path(__file__).parent / "files"


def file_response(path: str | Path | None, url: str, *, status: int = 200, headers: dict | None = None,
                  meta: dict | None = None) -> HtmlResponse:
    """The saved page at ``path`` (relative to tests/files/; None for no body) as the response to a GET of ``url``.

    The body is passed as bytes with no encoding forced, so the spider decodes it as it
    would a portal's answer: from the headers given, else from the page itself.
    """
    body = (FILES / path).read_bytes() if path else b""
    request = Request(url, meta=meta or {})
    return HtmlResponse(url=url, status=status, headers=headers, body=body, request=request)


def project_crawler(db_path: str | Path, **overrides) -> Crawler:
    """A crawler of the portal spider with govwatch's settings and ``GOVWATCH_DB`` at ``db_path``."""
    # No reactor runs here: get_crawler chooses the reactor settings for what is installed.
    project = {name: value for name, value in vars(settings).items() if name.isupper() and name != "TWISTED_REACTOR"}
    return get_crawler(PortalSpider, {**project, "GOVWATCH_DB": str(db_path), **overrides})


def portal_spider(crawler: Crawler, **kwargs) -> PortalSpider:
    """The spider as Scrapy makes it for ``crawler`` (reading what the database knows), with
    ``kwargs`` as ``-a`` arguments; the crawler's ``spider`` is set as a running crawl's is."""
    spider = PortalSpider.from_crawler(crawler, **kwargs)
    crawler.spider = spider
    return spider
