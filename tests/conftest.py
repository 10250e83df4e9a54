"""Session fixtures: the sample portal served on 127.0.0.1 and one crawl of it.

Crawling the sample portal takes ~15 s, so the crawl is made once per session and
tests that write to the database get their own copy of the file. A test that needs a
portal of its own to crawl, but not the full-size one's figures, crawls ``small_portal``
(a seventh of the size) or copies ``small_crawled_db``.
"""

import os
import shutil
import sqlite3
import subprocess

import pytest

from monitor.command import govwatch_command
from monitor.i18n import set_language
from monitor.localtime import set_configured_zone
from monitor.demo.sample_portal.server import serve

# The fixtures below serve the sample portal or crawl it: a test using one, directly or
# through another fixture, is in the slow tier.
SLOW_FIXTURES = {"sample_portal", "crawled_db", "crawled_copy", "small_portal", "small_crawled_db"}
# Documents of the small portal: enough for several listing pages per column.
SMALL = 500


def pytest_configure(config):
    """The tests written against govwatch's English run in English (subprocesses included);
    the tests of the Chinese output ask for it with the ``chinese`` fixture."""
    os.environ["GOVWATCH_LANG"] = "en"


@pytest.fixture(autouse=True)
def _language_reset():
    """``main(["--lang", …])`` sets the process's language, a command with a configuration
    file its display zone: no test leaves them to the next."""
    yield
    set_language(None)
    set_configured_zone(None)


@pytest.fixture
def chinese(monkeypatch):
    """Chinese, govwatch's default, in this process and the subprocesses it starts."""
    monkeypatch.setenv("GOVWATCH_LANG", "zh")
    set_language(None)


def pytest_collection_modifyitems(items):
    """Mark ``slow`` every test that needs one of the ``SLOW_FIXTURES``."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def govwatch(*args, timeout=600, **kwargs) -> subprocess.CompletedProcess:
    """Run the govwatch command in a subprocess (Scrapy's reactor starts once per process)."""
    return subprocess.run(
        govwatch_command(*args),
        capture_output=True, text=True, timeout=timeout, **kwargs,
    )


@pytest.fixture(scope="session")
def sample_portal():
    """The sample portal at day 0, served for the whole session."""
    with serve() as portal:
        yield portal


def crawl_into(portal, folder):
    """``folder``/crawled.db holding one full crawl of ``portal`` as site leda."""
    path = folder / "crawled.db"
    result = govwatch("crawl", "--site", "leda", "--start-url", portal.url + "/", "--db", path)
    assert result.returncode == 0, result.stderr
    # Fold the WAL into the main file so copies of the file alone are complete.
    sqlite3.connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)").connection.close()
    return path


@pytest.fixture(scope="session")
def crawled_db(sample_portal, tmp_path_factory):
    """A database holding one full crawl of the sample portal (do not write to it)."""
    return crawl_into(sample_portal, tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def small_portal():
    """The sample portal at day 0 with ``SMALL`` documents, served for the whole session."""
    with serve(size=SMALL) as portal:
        yield portal


@pytest.fixture(scope="session")
def small_crawled_db(small_portal, tmp_path_factory):
    """A database holding one full crawl of ``small_portal`` (do not write to it)."""
    return crawl_into(small_portal, tmp_path_factory.mktemp("small"))


@pytest.fixture
def crawled_copy(crawled_db, tmp_path):
    """A private copy of the crawled database that a test may change."""
    copy = tmp_path / "govwatch.db"
    shutil.copy(crawled_db, copy)
    return copy
