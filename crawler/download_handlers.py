"""The download handler of the crawl's http and https requests: Scrapy's, closed without its timer race."""

from twisted.internet.defer import Deferred

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.utils.defer import maybe_deferred_to_future


class TimerCancellingHTTP11DownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler whose ``close()`` cancels its fallback timer as soon as
    the pool's connections are closed.

    Closing the pool's connections can hang on a dead peer (twisted#7738), so Scrapy's
    ``close()`` fires the pool's Deferred itself after ``_disconnect_timeout`` (1 s) if it
    has not fired by then. Scrapy 2.19 cancels that timer in a ``finally`` after awaiting
    the Deferred, i.e. when the coroutine resumes, which under the asyncio reactor is a
    later turn of the loop than the one in which the Deferred fired. When the connections'
    end and the timer fall due in the same turn (a loop held up for a second, as when the
    crawlers of a fleet all close at once), the timer runs in between, fires the Deferred a
    second time, and Twisted logs an ``AlreadyCalledError`` traceback for a close that went
    well. A callback on the Deferred runs while it fires, so cancelling from there (as
    older Scrapy did) leaves the timer no turn to come after it.
    """

    # Remove this class (and its DOWNLOAD_HANDLERS entries) once Scrapy's own close()
    # cancels the timer from the Deferred.
    async def close(self) -> None:
        # Imported here, as Scrapy does, so that importing this module installs no reactor.
        from twisted.internet import reactor

        closed: Deferred[None] = self._pool.closeCachedConnections()
        timeout = reactor.callLater(self._disconnect_timeout, closed.callback, ())
        closed.addBoth(_cancelling, timeout)
        await maybe_deferred_to_future(closed)


def _cancelling(result, call):
    """Pass ``result`` on after cancelling ``call``, unless it is what fired the Deferred."""
    if call.active():
        call.cancel()
    return result
