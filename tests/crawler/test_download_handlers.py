"""Closing the crawl's download handler after a download over real HTTP, under the project's reactor.

The closes run in a subprocess (Scrapy's reactor starts once per process):
``python -m tests.crawler.test_download_handlers URL HANDLER...`` downloads ``URL`` with
each ``HANDLER`` in turn, built as Scrapy builds it, so one connection stays open in its
pool, then closes the handler with its close timeout at 0 s, and prints what happened as JSON.

A timeout of 0 s makes deterministic what a fleet's busy loop makes happen now and then:
closing the pool's connection and the timeout fall due in the same turn of the asyncio
loop, the connection's end (an I/O event) running first, as asyncio runs a turn's I/O
callbacks before its timers.
"""

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.utils.misc import load_object

from crawler.download_handlers import TimerCancellingHTTP11DownloadHandler
from crawler.profiles import PROFILES
from crawler.run import crawl_settings

ROOT = Path(__file__).resolve().parents[2]
SCRAPY_HANDLER = "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"


def close_after_a_download(url: str, handler_paths: list[str]) -> list[dict]:
    """For each of ``handler_paths`` in turn, download ``url`` with a new handler of that
    class and close it at a 0 s timeout; say the response's status, the connections the
    pool held, whether the close ended, and the failures Twisted logged meanwhile, by their
    exception's name."""
    from scrapy import Request
    from scrapy.utils.defer import deferred_from_coro
    from scrapy.utils.misc import build_from_crawler
    from scrapy.utils.reactor import install_reactor
    from scrapy.utils.test import get_crawler
    from twisted.python.failure import Failure

    from crawler import settings

    project = {name: value for name, value in vars(settings).items() if name.isupper()}
    install_reactor(project["TWISTED_REACTOR"])
    from twisted.internet import reactor
    from twisted.logger import globalLogPublisher

    failures = []

    def observe(event):
        if "log_failure" in event:
            failures.append(event["log_failure"].type.__name__)

    globalLogPublisher.addObserver(observe)
    closes = []

    async def download_and_close(handler_path):
        failures.clear()
        handler = build_from_crawler(load_object(handler_path), get_crawler(settings_dict=project))
        response = await handler.download_request(Request(url))
        seen = {"status": response.status,
                "pooled": sum(len(connections) for connections in handler._pool._connections.values())}
        handler._disconnect_timeout = 0
        await handler.close()
        seen["closed"] = True
        # A moment more, so a timer left behind by close() would have its turn.
        await asyncio.sleep(0.2)
        closes.append({**seen, "failures": list(failures)})

    async def each():
        for handler_path in handler_paths:
            await download_and_close(handler_path)

    outcome = []
    done = deferred_from_coro(each())
    done.addBoth(outcome.append)
    done.addBoth(lambda _: reactor.stop())
    reactor.run()
    if isinstance(outcome[0], Failure):
        outcome[0].raiseException()
    return closes


def crawl_handlers() -> dict:
    """The download handlers by scheme, as a crawl's settings give them."""
    return crawl_settings(PROFILES["leda"], "govwatch.db").getwithbase("DOWNLOAD_HANDLERS")


@pytest.fixture(scope="module")
def closes(sample_portal) -> dict:
    """What closing Scrapy's handler and then the crawl's did, by handler."""
    handlers = [SCRAPY_HANDLER, crawl_handlers()["http"]]
    result = subprocess.run([sys.executable, "-m", "tests.crawler.test_download_handlers",
                             sample_portal.url + "/robots.txt", *handlers],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return dict(zip(["scrapy", "crawl"], json.loads(result.stdout), strict=True))


def test_scrapys_handler_fires_its_close_deferred_twice_when_the_timeout_shares_the_turn(closes):
    assert (closes["scrapy"]["status"], closes["scrapy"]["pooled"], closes["scrapy"]["closed"]) == (200, 1, True)
    assert closes["scrapy"]["failures"] == ["AlreadyCalledError"]


def test_the_crawls_handler_closes_without_a_traceback_when_the_timeout_shares_the_turn(closes):
    assert (closes["crawl"]["status"], closes["crawl"]["pooled"], closes["crawl"]["closed"]) == (200, 1, True)
    assert closes["crawl"]["failures"] == []


def test_the_crawl_downloads_http_and_https_with_the_timer_cancelling_handler():
    for scheme in ("http", "https"):
        assert load_object(crawl_handlers()[scheme]) is TimerCancellingHTTP11DownloadHandler
    assert issubclass(TimerCancellingHTTP11DownloadHandler, HTTP11DownloadHandler)


if __name__ == "__main__":
    print(json.dumps(close_after_a_download(sys.argv[1], sys.argv[2:])))
