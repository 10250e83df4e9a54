"""The item pipeline: parsed pages, sightings, report files, archived attachments, fetch
errors, crawl notes and the link graph into the SQLite database."""

import sqlite3

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro
from w3lib.url import canonicalize_url

from crawler.archive import archive_dir
from crawler.items import (GONE, AttachmentFileItem, ColumnReadItem, CrawlNoteItem, FetchErrorItem, LinkCheckItem,
                           LinksItem, ListedPageItem, PageItem, ReportFileItem, SeenItem)
from crawler.parsing import PARSER_VERSION
from crawler.text.urls import web_attachments
from storage.archive import record_attachment_files
from storage.column_reads import record_column_sweeps, start_column_sweep
from storage.db import explain, open_db
from storage.documents import is_stored, mark_removed, not_seen_in, store_documents, touch_documents
from storage.links import record_link_checks, replace_links
from storage.listed_pages import record_listed_page, touch_listed_pages
from storage.report_files import store_report_file
from storage.runs import add_document_counts, finish_run, record_crawl_note, record_fetch_error, start_run, utc_now


class SQLitePipeline:
    """Writes documents in batched transactions and keeps the ``crawl_runs`` row current.

    The run row is opened when the spider starts and closed with the spider's close
    reason, so a crawl killed half-way stays visible as ``running`` with no end time.
    A database that cannot be written (a full disk) stops the crawl: each batch is one
    transaction, so what was stored stays whole, and the next crawl fetches the rest.
    """

    def __init__(self, db_path: str, batch_size: int, crawler):
        self.db_path = db_path
        self.batch_size = batch_size
        self.crawler = crawler
        self.stats = crawler.stats
        self.storage_error = None
        self.pages: list[PageItem] = []
        self.seen: list[SeenItem] = []
        # Applied after the batch holding their page, whose attachment rows they fill in.
        self.files: list[AttachmentFileItem] = []
        # The link graph, written with the batch: each page's links, each target's last answer.
        self.links: dict[str, list[tuple[str, str]]] = {}
        self.checks: dict[str, dict] = {}
        self.db = None
        self.run_id = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        pipeline = cls(settings.get("GOVWATCH_DB"), settings.getint("GOVWATCH_BATCH_SIZE"), crawler)
        # The signal, unlike close_spider, carries the close reason the run row records.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.request_dropped, signal=signals.request_dropped)
        return pipeline

    def request_dropped(self, request, spider):
        """A redirect back to a URL already requested is a loop: the page was never read."""
        origins = request.meta.get("redirect_urls")
        if origins and not self.storage_error:
            self.process_item(FetchErrorItem(origins[0], None, f"redirect loop through {request.url}"))

    def open_spider(self):
        spider = self.crawler.spider
        self.db = open_db(self.db_path)
        try:
            archive = archive_dir(self.crawler.settings)
            self.run_id = start_run(self.db, site=spider.profile.name, start_urls=spider.start_urls,
                                    body_ids=spider.profile.body_ids, body_classes=spider.profile.body_classes,
                                    archive_dir=str(archive.resolve()) if archive else None)
        except sqlite3.Error as exc:
            self.stop(str(explain(self.db_path, exc, "write to")))
        spider.crawl_id = self.run_id

    def process_item(self, item):
        if self.storage_error:
            return item
        try:
            self.store(item)
        except sqlite3.Error as exc:
            self.stop(str(explain(self.db_path, exc, "write to")))
        return item

    def stop(self, message: str):
        """Record why storing failed and close the spider; nothing more is written."""
        self.storage_error = message
        self.stats.set_value("govwatch/storage_error", message)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="storage_error"))

    def store(self, item):
        """Buffer or write one item; a full buffer is flushed in one transaction."""
        if isinstance(item, PageItem):
            self.pages.append(item)
        elif isinstance(item, SeenItem):
            self.seen.append(item)
        elif isinstance(item, AttachmentFileItem):
            self.files.append(item)
        elif isinstance(item, LinksItem):
            self.links[item.url] = item.links
        elif isinstance(item, LinkCheckItem):
            self.checks[item.url] = {"url": item.url, "status": item.status, "error": item.error,
                                     "method": item.method}
        elif isinstance(item, FetchErrorItem):
            self.record_error(item)
        elif isinstance(item, ListedPageItem):
            record_listed_page(self.db, item.url, listed_on=item.listed_on, etag=item.etag,
                               last_modified=item.last_modified, crawl_id=self.run_id, at=utc_now())
        elif isinstance(item, ColumnReadItem):
            start_column_sweep(self.db, item.url, crawl_id=self.run_id, at=self.crawler.spider.started_at)
        elif isinstance(item, CrawlNoteItem):
            record_crawl_note(self.db, self.run_id, url=item.url, kind=item.kind, title=item.title, detail=item.detail)
        elif isinstance(item, ReportFileItem):
            # Files are few and large: each is its own transaction, never held in a batch.
            outcome = store_report_file(
                self.db, url=item.url, page_url=item.page_url, title=item.title, content_type=item.content_type,
                body=item.body, crawl_id=self.run_id, fetched_at=utc_now(), warc=item.warc,
            )
            self.stats.inc_value(f"govwatch/report_files_{outcome}")
        if len(self.pages) + len(self.seen) + len(self.links) + len(self.checks) >= self.batch_size:
            self.flush()

    def record_error(self, item: FetchErrorItem):
        """A known document answering 404/410 was removed; anything else is a fetch error."""
        if item.status in GONE:
            url = canonicalize_url(item.url)
            if is_stored(self.db, url):
                mark_removed(self.db, [url], crawl_id=self.run_id, at=utc_now(), reason=f"HTTP {item.status}")
                return
        record_fetch_error(self.db, self.run_id, url=item.url, status=item.status, error=item.error)
        self.stats.inc_value("govwatch/fetch_errors")

    def flush(self):
        """Store the pending batch in one transaction and add its counts to the run."""
        now = utc_now()
        if self.pages:
            validators = {
                item.record["url"]: {"etag": item.etag, "last_modified": item.last_modified} for item in self.pages
            }
            counts = store_documents(
                # The parser keeps only web links already; a record from anywhere else is held to it too.
                self.db, [web_attachments(item.record) for item in self.pages], crawl_id=self.run_id, seen_at=now,
                parser_version=PARSER_VERSION, validators=validators,
                archived={item.record["url"]: item.warc for item in self.pages if item.warc},
            )
            add_document_counts(self.db, self.run_id, counts)
            for key, value in counts.items():
                self.stats.inc_value(f"govwatch/documents_{key}", value)
        for verified in (True, False):
            urls = [item.url for item in self.seen if item.verified is verified]
            if urls:
                touched = touch_documents(self.db, urls, crawl_id=self.run_id, seen_at=now, verified=verified)
                if verified:
                    touch_listed_pages(self.db, urls, crawl_id=self.run_id, at=now)
                add_document_counts(self.db, self.run_id, {"unchanged": touched})
                self.stats.inc_value("govwatch/documents_unchanged", touched)
        if self.files:
            record_attachment_files(self.db, [
                {"url": item.url, "sha256": item.sha256, "size": item.size, "fetched_at": now, **item.warc}
                for item in self.files])
        replace_links(self.db, self.links, crawl_id=self.run_id)
        record_link_checks(self.db, self.checks.values(), crawl_id=self.run_id, at=now)
        self.pages, self.seen, self.files, self.links, self.checks = [], [], [], {}, {}

    def spider_closed(self, spider, reason):
        try:
            self.finish(spider, reason)
        except sqlite3.Error as exc:
            self.storage_error = self.storage_error or str(explain(self.db_path, exc, "write to"))
            self.stats.set_value("govwatch/storage_error", self.storage_error)
        finally:
            self.db.close()

    def finish(self, spider, reason):
        """Flush, close the run row, and on a complete full crawl record what disappeared."""
        if self.run_id is None:
            return  # the run could not even be recorded
        if not self.storage_error:
            self.flush()
        pages = self.stats.get_value("response_received_count", 0)
        run = finish_run(self.db, self.run_id, status=reason, pages_fetched=pages)
        if reason == "finished" and not self.storage_error:
            record_column_sweeps(self.db, *spider.sweep_outcomes(), crawl_id=self.run_id)
        if spider.full and reason == "finished" and run["errors"] == 0:
            # Only a complete, error-free crawl proves a document is no longer listed.
            mark_removed(self.db, not_seen_in(self.db, self.run_id), crawl_id=self.run_id, at=utc_now(),
                         reason="absent from a full crawl")
