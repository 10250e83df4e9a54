"""Running one crawl in this process and reporting it."""

import sqlite3
import time

from scrapy.crawler import CrawlerProcess

from crawler.profiles import SiteProfile, crawl_settings
from crawler.spiders.portal import PortalSpider
from storage.db import DatabaseError, explain, open_db


def run_crawl(profile: SiteProfile, db_path: str, *, full: bool = False, overrides: dict | None = None) -> dict:
    """Crawl ``profile`` into ``db_path``; return the ``crawl_runs`` row plus ``seconds``.

    Scrapy's reactor can start once per process, so this is called once per process
    (the CLI and the tests run crawls as separate ``govwatch crawl`` processes).
    """
    # Open first: a database that cannot be opened fails here, before any request.
    open_db(db_path).close()
    process = CrawlerProcess(crawl_settings(profile, db_path, overrides))
    crawler = process.create_crawler(PortalSpider)
    began = time.monotonic()
    failures = []
    process.crawl(
        crawler,
        site=profile.name if profile.name != "generic" else None,
        start_url=list(profile.start_urls),
        allow_prefix=list(profile.allow_prefixes),
        full=full,
    ).addErrback(failures.append)
    process.start()
    seconds = time.monotonic() - began
    if failures:
        # The spider could not start: reading what the database knows failed.
        if failures[0].check(sqlite3.Error):
            raise explain(db_path, failures[0].value, "read") from None
        failures[0].raiseException()
    storage_error = crawler.stats.get_value("govwatch/storage_error")
    if storage_error:
        raise DatabaseError(storage_error)
    db = open_db(db_path)
    try:
        return {**db["crawl_runs"].get(crawler.spider.crawl_id), "seconds": seconds}
    finally:
        db.close()


def summary(run: dict) -> str:
    """The one-paragraph account of a crawl printed at its end."""
    seconds = max(run["seconds"], 0.001)
    documents = run["documents_new"] + run["documents_updated"] + run["documents_unchanged"]
    return (
        f"Crawl {run['id']} of site {run['site']} {run['status']}: "
        f"{run['pages_fetched']} pages fetched in {seconds:.1f} s "
        f"({run['pages_fetched'] / seconds:.1f} pages/s); "
        f"{documents} documents: {run['documents_new']} new, {run['documents_updated']} updated, "
        f"{run['documents_unchanged']} unchanged; {run['errors']} errors."
    )
