"""A progress line on stderr while a crawl runs.

The line is worded by ``GOVWATCH_PROGRESS_LINE``, the dotted name of a function taking
the counts of :func:`progress_counts`: the crawler's own English :func:`progress_line`
by default, which the ``govwatch`` command replaces by its line in the language in use
(the crawler cannot import the catalogue, which lives above it in monitor/).

The crawls one process runs (a fleet's, one crawler per site) share one line: their
counts summed, with ``sites`` and ``running`` added, so forty sites print one line every
few seconds, not forty lines no reader can tell apart.
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
    line = "crawling: " if "sites" not in counts else "crawling ({sites} sites, {running} running): "
    return (line + "{pages} pages fetched, {items} items ({stored} stored), {errors} errors").format(**counts)


def fleet_counts(crawls: dict) -> dict:
    """The counts of every crawl of ``crawls`` (each one's stats → whether it still runs)
    summed, with how many there are and how many still run when more than one."""
    each = [progress_counts(stats.get_value) for stats in crawls]
    total = {key: sum(counts[key] for counts in each) for key in each[0]}
    if len(crawls) > 1:
        total |= {"sites": len(crawls), "running": sum(crawls.values())}
    return total


class Progress:
    """Prints pages fetched, documents stored and errors every few seconds, for every crawl
    of the process together."""

    # The process's crawls (their stats → still running) and the one loop printing for
    # them; the loop ends, and the board is cleared, when the last crawl closes.
    crawls: dict = {}
    loop = None

    def __init__(self, stats, interval: float, line=progress_line):
        self.stats = stats
        self.interval = interval
        self.line = line

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        extension = cls(crawler.stats, settings.getfloat("GOVWATCH_PROGRESS_INTERVAL"),
                        load_object(settings.get("GOVWATCH_PROGRESS_LINE")))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider):
        Progress.crawls[self.stats] = True
        if self.interval > 0 and Progress.loop is None:
            Progress.loop = task.LoopingCall(self.report)
            Progress.loop.start(self.interval, now=False)

    def report(self):
        print(self.line(fleet_counts(Progress.crawls or {self.stats: True})), file=sys.stderr, flush=True)

    def spider_closed(self, spider):
        Progress.crawls[self.stats] = False
        if not any(Progress.crawls.values()):
            if Progress.loop is not None and Progress.loop.running:
                Progress.loop.stop()
            Progress.loop, Progress.crawls = None, {}
