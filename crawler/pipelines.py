"""The item pipeline: parsed pages and fetch errors into the SQLite database."""

from scrapy import signals

from crawler.items import FetchErrorItem, PageItem
from storage.db import open_db
from storage.documents import store_documents
from storage.runs import add_document_counts, finish_run, record_fetch_error, start_run, utc_now


class SQLitePipeline:
    """Writes documents in batched transactions and keeps the ``crawl_runs`` row current.

    The run row is opened when the spider starts and closed with the spider's close
    reason, so a crawl killed half-way stays visible as ``running`` with no end time.
    """

    def __init__(self, db_path: str, batch_size: int, stats):
        self.db_path = db_path
        self.batch_size = batch_size
        self.stats = stats
        self.batch: list[dict] = []
        self.db = None
        self.run_id = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        pipeline = cls(settings.get("GOVWATCH_DB"), settings.getint("GOVWATCH_BATCH_SIZE"), crawler.stats)
        # The signal, unlike close_spider, carries the close reason the run row records.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider):
        self.db = open_db(self.db_path)
        self.run_id = start_run(self.db, site=spider.profile.name, start_urls=spider.start_urls)
        spider.crawl_id = self.run_id

    def process_item(self, item, spider):
        if isinstance(item, PageItem):
            self.batch.append(item.record)
            if len(self.batch) >= self.batch_size:
                self.flush()
        elif isinstance(item, FetchErrorItem):
            record_fetch_error(self.db, self.run_id, url=item.url, status=item.status, error=item.error)
            self.stats.inc_value("govwatch/fetch_errors")
        return item

    def flush(self):
        """Store the pending batch in one transaction and add its counts to the run."""
        if not self.batch:
            return
        counts = store_documents(self.db, self.batch, crawl_id=self.run_id, seen_at=utc_now())
        add_document_counts(self.db, self.run_id, counts)
        for key, value in counts.items():
            self.stats.inc_value(f"govwatch/documents_{key}", value)
        self.batch = []

    def spider_closed(self, spider, reason):
        self.flush()
        pages = self.stats.get_value("response_received_count", 0)
        finish_run(self.db, self.run_id, status=reason, pages_fetched=pages)
        self.db.close()
