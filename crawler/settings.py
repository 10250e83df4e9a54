"""Scrapy settings for govwatch; the project's own settings carry the ``GOVWATCH_`` prefix.

The defaults are for real portals, which are small government servers: obey
robots.txt, name the tool in the User-Agent, at most two requests at a time per host
and AutoThrottle on top. :func:`crawler.run.crawl_settings` lifts these only
when every start URL is on the loopback interface (the sample portal in tests).
"""

from crawler import __version__

BOT_NAME = "govwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = f"govwatch/{__version__} (government information disclosure audit)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Scrapy starts this many item workers per response however few items it yields; the
# default of 100 costs a third of the crawl's time in asyncio tasks (scrapy#5182), and
# the one pipeline is synchronous, so more buys nothing.
CONCURRENT_ITEMS = 10
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 3
# A body shorter than its Content-Length arrives flagged "dataloss" rather than as an
# error, so crawler.middlewares.WholePages judges it with the close-delimited ones: it
# retries both (RETRY_TIMES) and records a page that stays incomplete as "page cut short".
DOWNLOAD_FAIL_ON_DATALOSS = False
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "WARNING"
# Breadth-first, so listing pages are read before the detail pages they announce.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

# After HttpCompressionMiddleware (590) has decompressed the body, before RetryMiddleware (550).
# The archive sits next to the downloader (after HttpCompressionMiddleware's 590 in the
# response's path back), so it keeps the bytes exactly as the portal sent them.
DOWNLOADER_MIDDLEWARES = {"crawler.middlewares.WholePages": 560, "crawler.archive.WarcArchive": 950}
# Scrapy's http handler with its close() mended: no AlreadyCalledError traceback when a
# fleet's crawlers close at once (crawler.download_handlers).
DOWNLOAD_HANDLERS = {
    "http": "crawler.download_handlers.TimerCancellingHTTP11DownloadHandler",
    "https": "crawler.download_handlers.TimerCancellingHTTP11DownloadHandler",
}
ITEM_PIPELINES = {"crawler.pipelines.SQLitePipeline": 300}
EXTENSIONS = {"crawler.progress.Progress": 500}

GOVWATCH_DB = "govwatch.db"
GOVWATCH_BATCH_SIZE = 200
GOVWATCH_PROGRESS_INTERVAL = 2.0
# The function wording the progress line (crawler.progress); govwatch's command gives its translated one.
GOVWATCH_PROGRESS_LINE = "crawler.progress.progress_line"
# Every stored document is fetched again at least this often (a 1/N share per crawl), and
# every listing page read: at 90 a nightly on the sample portal stays within 3% of a full
# crawl's requests (30 costs ~4.3%: BENCHMARKS.md section 4b).
GOVWATCH_REVERIFY_DAYS = 90
# A column's read to its end reads at most this many older listing pages a night (more when
# the column would otherwise take longer than GOVWATCH_REVERIFY_DAYS): 10 pages of 20
# items is 200 documents' listing, 0.2% of the sample portal's full crawl, while most
# columns (a few hundred documents) are still swept in one or two nights.
GOVWATCH_SWEEP_PAGES = 10
# Annual-report files (PDF, Word) are downloaded up to this size; pages stop at DOWNLOAD_MAXSIZE.
GOVWATCH_REPORT_MAX_BYTES = 50 * 1024 * 1024
# The WARC archive (crawler.archive): empty for "<GOVWATCH_DB>.warc", "off" for none.
GOVWATCH_ARCHIVE_DIR = ""
GOVWATCH_ARCHIVE_ROTATE_BYTES = 1024 * 1024 * 1024
# Attachments of disclosure documents (PDF, Word, Excel, OFD, archives) are archived up to
# this size each, and up to the second figure in all per crawl (report files count too).
GOVWATCH_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
GOVWATCH_ARCHIVE_ATTACHMENTS_BYTES = 2 * 1024 * 1024 * 1024
# Link targets the crawl does not fetch anyway (attachments it does not archive, pages
# detail pages link) are checked with a HEAD request, so dead links are found; off: not checked.
GOVWATCH_LINK_CHECKS = True
