"""Nightly crawls over real HTTP that read a column's listing only as far as it changed.

The sample portal counts the requests it answers (a pass-through ``faults`` hook of the
server). A nightly on ``--day 1`` must find every new document with at most 3% of the
requests of a full crawl (of the day before, which has fewer pages), measured in the same test; a week of nightly
crawls must see every edit, the removal and the restoration (of a document whose page is
the column's last) within ``reverify_days``, read every column to its end within that
period, and never take a document on a listing page it did not read for removed.
"""


import pytest

from monitor.demo.sample_portal.catalogue import COLUMNS
from monitor.demo.sample_portal.model import REMOVAL_DAY, RESTORE_DAY
from monitor.demo.sample_portal.server import serve
from tests.conftest import govwatch
from tests.sqlite_rows import query

# Serves its own sample portals and crawls them, in subprocesses.
pytestmark = pytest.mark.slow

BUDGET = 0.03
WEEK_SIZE, WEEK_REVERIFY_DAYS = 500, 3
WEEK = range(0, RESTORE_DAY + WEEK_REVERIFY_DAYS)


class Counting:
    """Counts the requests the server answers; never changes an answer."""

    def __init__(self):
        self.targets: list[str] = []

    def __call__(self, target: str):
        self.targets.append(target)
        return None

    def take(self) -> int:
        count, self.targets = len(self.targets), []
        return count


def crawl(url: str, db, *args: str):
    result = govwatch("crawl", "--site", "leda", "--start-url", url + "/", "--db", db, *args)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def budget_night(tmp_path_factory):
    """Day 0 crawled in full, then day 1 by a nightly crawl. The baseline is day 0's full
    crawl: day 1 only adds documents, so its own full crawl would make more requests and the
    ratio against day 0 is the stricter one."""
    tmp = tmp_path_factory.mktemp("budget")
    counting = Counting()
    with serve(faults=counting) as portal:
        crawl(portal.url, tmp / "nightly.db", "--full")
        full = counting.take()
        day1 = portal.set_day(1)
        # The default settings: each document re-verified once in 90 nights (at 30,
        # re-verification alone is 1/30 = 3.3% of a full crawl's requests: BENCHMARKS.md, section 4b).
        crawl(portal.url, tmp / "nightly.db")
        nightly = counting.take()
        base = portal.url
    return {"db": tmp / "nightly.db", "portal": day1, "base": base, "nightly": nightly, "full": full}


def test_the_nightly_finds_every_new_document_of_the_day(budget_night):
    new = {budget_night["base"] + url for url in budget_night["portal"].changes["new"]}
    assert len(new) >= 30
    stored = {url for (url,) in query(budget_night["db"], "SELECT url FROM documents WHERE crawl_id = 2")}
    assert new <= stored


def test_the_nightly_makes_at_most_3_percent_of_a_full_crawls_requests(budget_night):
    assert budget_night["full"] > 3800
    assert budget_night["nightly"] / budget_night["full"] <= BUDGET, (budget_night["nightly"], budget_night["full"])


def test_documents_on_listing_pages_not_read_are_not_removed(budget_night):
    db = budget_night["db"]
    unseen = query(db, "SELECT count(*) FROM documents WHERE crawl_id <> 2")[0][0]
    assert unseen > 1000  # most older listing pages were not read that night
    assert query(db, "SELECT count(*) FROM documents WHERE removed_at IS NOT NULL") == [(0,)]
    assert query(db, "SELECT count(*) FROM events WHERE kind = 'removed'") == [(0,)]


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    """A nightly crawl every day of a changing 500-document portal, re-verifying every 3 nights."""
    db = tmp_path_factory.mktemp("week") / "govwatch.db"
    with serve(size=WEEK_SIZE) as portal:
        changes = {}
        for day in WEEK:
            changes[day] = portal.set_day(day).changes
            crawl(portal.url, db, "--reverify-days", str(WEEK_REVERIFY_DAYS))
        base, last = portal.url, portal.portal
    # Crawl n + 1 ran on day n.
    events = [(url.removeprefix(base), kind, crawl_id - 1)
              for url, kind, crawl_id in query(db, "SELECT url, kind, crawl_id FROM events")]
    return {"db": db, "changes": changes, "events": events, "base": base, "portal": last}


def first_night(week, url: str, kind: str, since: int) -> int | None:
    nights = [night for path, what, night in week["events"] if path == url and what == kind and night >= since]
    return min(nights, default=None)


def test_every_new_document_of_every_day_is_found_that_night(week):
    for day, changes in list(week["changes"].items())[1:]:
        found = {url for url, kind, night in week["events"] if kind == "new" and night == day}
        assert set(changes["new"]) <= found and changes["new"], day


def test_every_edit_deep_or_not_is_seen_within_reverify_days(week):
    edits = [(day, url) for day, changes in week["changes"].items() for url in changes["edited"]
             if day + WEEK_REVERIFY_DAYS <= max(WEEK) + 1]
    assert len(edits) >= 8
    for day, url in edits:
        night = first_night(week, url, "changed", day)
        assert night is not None and night < day + WEEK_REVERIFY_DAYS, (day, url, night)


def test_the_removal_and_the_restoration_on_the_columns_last_page_are_seen_within_reverify_days(week):
    (removed,) = week["changes"][REMOVAL_DAY]["removed"]
    (restored,) = week["changes"][RESTORE_DAY]["restored"]
    assert removed == restored
    assert first_night(week, removed, "removed", REMOVAL_DAY) < REMOVAL_DAY + WEEK_REVERIFY_DAYS
    assert first_night(week, restored, "restored", RESTORE_DAY) < RESTORE_DAY + WEEK_REVERIFY_DAYS
    # Nothing else was taken for removed, though most nights read few listing pages.
    assert [url for url, kind, _ in week["events"] if kind == "removed"] == [removed]


def test_every_column_is_read_to_its_end_within_reverify_days(week):
    reads = query(week["db"], "SELECT url, crawl_id FROM column_reads")
    # A column of one page is read whole every night; the others are remembered.
    columns = {week["base"] + f"/zfxxgk/{column.slug}.htm" for column in COLUMNS
               if week["portal"].page_count(column.slug) > 1}
    assert len(columns) >= 5 and {url for url, _ in reads} == columns
    # The last full read of each column is no older than the re-verification period, and
    # the columns take turns rather than all being read on one night.
    last_night = max(WEEK)
    assert all(crawl_id - 1 > last_night - WEEK_REVERIFY_DAYS for _, crawl_id in reads), reads
    assert len({crawl_id for _, crawl_id in reads}) > 1
