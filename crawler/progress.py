"""A progress line on stderr while a crawl runs."""

import sys

from scrapy import signals
from twisted.internet import task


class Progress:
    """Prints pages fetched, documents stored and errors every few seconds."""

    def __init__(self, stats, interval: float):
        self.stats = stats
        self.interval = interval
        self.loop = None

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler.stats, crawler.settings.getfloat("GOVWATCH_PROGRESS_INTERVAL"))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider):
        if self.interval > 0:
            self.loop = task.LoopingCall(self.report)
            self.loop.start(self.interval, now=False)

    def report(self):
        value = self.stats.get_value
        stored = sum(value(f"govwatch/documents_{key}", 0) for key in ("new", "updated", "unchanged"))
        print(
            f"crawling: {value('response_received_count', 0)} pages fetched, "
            f"{value('item_scraped_count', 0)} items ({stored} stored), "
            f"{value('govwatch/fetch_errors', 0)} errors",
            file=sys.stderr,
            flush=True,
        )

    def spider_closed(self, spider):
        if self.loop and self.loop.running:
            self.loop.stop()
