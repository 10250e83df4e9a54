"""Running crawls in this process, one site or a fleet at once, and reporting them."""

import datetime as dt
import sqlite3
import time

from scrapy.crawler import Crawler, CrawlerProcess
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
    """Project settings for one site's crawl, politeness lifted only when every start URL is local.

    Each site's crawler has its own downloader, so its per-host limits, delay and
    AutoThrottle apply to its hosts alone, and sites crawled together run side by side.
    """
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
    """Crawl ``profile`` into ``db_path``; return :func:`run_crawls`' row for it."""
    return run_crawls([profile], db_path, full=full, overrides=overrides)[0]


def run_crawls(profiles: list[SiteProfile], db_path: str, *, full: bool = False,
               overrides: dict | None = None) -> list[dict]:
    """Crawl every site of ``profiles`` into ``db_path`` at once; return, in their order,
    each one's ``crawl_runs`` row plus ``seconds`` and its ``first_errors`` (rows of
    ``fetch_errors``).

    One Scrapy process runs a crawler per site, so the fleet takes about as long as its
    slowest site; a dead or slow site only ends its own crawl (its row says how), never
    the others'. Scrapy's reactor can start once per process, so this is called once per
    process (the CLI and the tests run crawls as separate ``govwatch crawl`` processes).
    """
    # One connection reads: opened first, so a database that cannot be opened fails
    # before any request; it gives the spiders what is known and reads the run rows at
    # the end. Each pipeline writes on a connection of its own, opened and closed with its
    # spider; the reactor runs one callback at a time, so their write transactions queue.
    db = open_db(db_path)
    try:
        try:
            known = [None if full else load_known(db, profile.name) for profile in profiles]
        except sqlite3.Error as exc:
            raise explain(db_path, exc, "read") from None
        # The process's settings govern the reactor and the log; each crawler has its site's.
        process = CrawlerProcess(crawl_settings(profiles[0], db_path, overrides))
        crawlers, failures = [], []
        for number, (profile, state) in enumerate(zip(profiles, known)):
            # Politeness is the site's own: lifted only for a site served on this machine.
            crawler = Crawler(PortalSpider, crawl_settings(profile, db_path, overrides), init_reactor=number == 0)
            process.crawl(crawler, profile=profile, full=full, known=state).addErrback(failures.append)
            crawlers.append(crawler)
        began = time.monotonic()
        process.start()
        seconds = time.monotonic() - began
        if failures:
            failures[0].raiseException()
        for crawler in crawlers:
            storage_error = crawler.stats.get_value("govwatch/storage_error")
            if storage_error:
                raise DatabaseError(storage_error)
        runs = []
        for crawler in crawlers:
            run_id = crawler.spider.crawl_id
            row = db["crawl_runs"].get(run_id)
            runs.append({**row, "seconds": _seconds(row) or seconds,
                         "first_errors": first_fetch_errors(db, run_id, FIRST_ERRORS)})
        return runs
    finally:
        db.close()


def _seconds(row: dict) -> float | None:
    """How long one crawl of a fleet took, from its run row's start and finish times."""
    if not row.get("finished_at"):
        return None
    began, ended = (dt.datetime.fromisoformat(row[key].replace("Z", "+00:00")) for key in ("started_at", "finished_at"))
    return max((ended - began).total_seconds(), 0.0) or None


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


def failure_report(run: dict) -> str | None:
    """:func:`failure` with the first fetch errors of ``run`` (its ``first_errors``), or None."""
    problem = failure(run)
    errors = "".join(f"\n  {error['url']}: {error['error']}" for error in run["first_errors"])
    return f"{problem}; the first errors:{errors}" if problem and errors else problem


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
