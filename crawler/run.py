"""Running one crawl in this process and reporting it."""

import sqlite3
import time

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.profiles import SiteProfile, is_loopback
from crawler.spiders.portal import PortalSpider, load_known
from storage.db import DatabaseError, explain, open_db
from storage.runs import documents_seen, first_fetch_errors

# Fetch errors a failed crawl shows (all of them are in fetch_errors).
FIRST_ERRORS = 5
# Scrapy's close reasons other than "finished", as a person says them.
CLOSE_REASONS = {
    "closespider_timeout": "stopped at its time limit before it was done",
    "shutdown": "was interrupted",
}


def crawl_settings(profile: SiteProfile, db_path: str, overrides: dict | None = None) -> Settings:
    """Project settings for one crawl, politeness lifted only when every start URL is local."""
    # From the module, not scrapy.cfg, so govwatch works from any directory.
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("GOVWATCH_DB", str(db_path), priority="cmdline")
    if all(is_loopback(url) for url in profile.start_urls):
        settings.setdict(
            {
                "AUTOTHROTTLE_ENABLED": False,
                "DOWNLOAD_DELAY": 0,
                "CONCURRENT_REQUESTS": 32,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
            },
            priority="cmdline",
        )
    settings.setdict(overrides or {}, priority="cmdline")
    return settings


def run_crawl(profile: SiteProfile, db_path: str, *, full: bool = False, overrides: dict | None = None) -> dict:
    """Crawl ``profile`` into ``db_path``; return the ``crawl_runs`` row plus ``seconds``
    and its ``first_errors`` (rows of ``fetch_errors``).

    Scrapy's reactor can start once per process, so this is called once per process
    (the CLI and the tests run crawls as separate ``govwatch crawl`` processes).
    """
    # One connection reads: opened first, so a database that cannot be opened fails
    # before any request; it gives the spider what is known and reads the run row at the
    # end. The pipeline writes on a connection of its own, opened and closed with the spider.
    db = open_db(db_path)
    try:
        try:
            known = None if full else load_known(db)
        except sqlite3.Error as exc:
            raise explain(db_path, exc, "read") from None
        process = CrawlerProcess(crawl_settings(profile, db_path, overrides))
        crawler = process.create_crawler(PortalSpider)
        began = time.monotonic()
        failures = []
        process.crawl(crawler, profile=profile, full=full, known=known).addErrback(failures.append)
        process.start()
        seconds = time.monotonic() - began
        if failures:
            failures[0].raiseException()
        storage_error = crawler.stats.get_value("govwatch/storage_error")
        if storage_error:
            raise DatabaseError(storage_error)
        run_id = crawler.spider.crawl_id
        return {**db["crawl_runs"].get(run_id), "seconds": seconds,
                "first_errors": first_fetch_errors(db, run_id, FIRST_ERRORS)}
    finally:
        db.close()


def failure(run: dict) -> str | None:
    """Why a crawl did not do its job, or None: it did not finish, fetched nothing, or
    every request it made failed (no document stored, and fetch errors)."""
    if run["status"] != "finished":
        reason = CLOSE_REASONS.get(run["status"], f"ended with status {run['status']!r}")
        return f"crawl {run['id']} {reason}"
    errors = f"{run['errors']} request{'s' * (run['errors'] != 1)} failed"
    if not run["pages_fetched"]:
        return f"crawl {run['id']} fetched nothing" + (f" ({errors})" if run["errors"] else "")
    if run["errors"] and not documents_seen(run):
        return f"crawl {run['id']} stored no document: {errors}"
    return None


def summary(run: dict) -> str:
    """The one-paragraph account of a crawl printed at its end."""
    seconds = max(run["seconds"], 0.001)
    documents = documents_seen(run)
    return (
        f"Crawl {run['id']} of site {run['site']} {run['status']}: "
        f"{run['pages_fetched']} pages fetched in {seconds:.1f} s "
        f"({run['pages_fetched'] / seconds:.1f} pages/s); "
        f"{documents} documents: {run['documents_new']} new, {run['documents_updated']} updated, "
        f"{run['documents_unchanged']} unchanged; {run['errors']} errors."
    )
