"""A progress line on stderr while a crawl runs.

The line is worded by ``GOVWATCH_PROGRESS_LINE``, the dotted name of a function taking
the counts of :func:`progress_counts`: the crawler's own English :func:`progress_line`
by default, which the ``govwatch`` command replaces by its line in the language in use
(the crawler cannot import the catalogue, which lives above it in monitor/).
"""

import sys

from scrapy import signals
from scrapy.utils.misc import load_object
from twisted.internet import task


def progress_counts(value) -> dict:
    """Pages fetched, items scraped, documents stored and fetch errors so far, from the
    crawl's stats (``value`` is their ``get_value``)."""
    return {"pages": value("response_received_count", 0), "items": value("item_scraped_count", 0),
            "stored": sum(value(f"govwatch/documents_{key}", 0) for key in ("new", "updated", "unchanged")),
            "errors": value("govwatch/fetch_errors", 0)}


def progress_line(counts: dict) -> str:
    return "crawling: {pages} pages fetched, {items} items ({stored} stored), {errors} errors".format(**counts)


class Progress:
    """Prints pages fetched, documents stored and errors every few seconds."""

    def __init__(self, stats, interval: float, line=progress_line):
        self.stats = stats
        self.interval = interval
        self.line = line
        self.loop = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        extension = cls(crawler.stats, settings.getfloat("GOVWATCH_PROGRESS_INTERVAL"),
                        load_object(settings.get("GOVWATCH_PROGRESS_LINE")))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider):
        if self.interval > 0:
            self.loop = task.LoopingCall(self.report)
            self.loop.start(self.interval, now=False)

    def report(self):
        print(self.line(progress_counts(self.stats.get_value)), file=sys.stderr, flush=True)

    def spider_closed(self, spider):
        if self.loop and self.loop.running:
            self.loop.stop()
