"""Nightly crawls over real HTTP that read a column's listing only as far as it changed.

The sample portal counts the requests it answers (a pass-through ``faults`` hook of the
server). A nightly on ``--day 1`` must find every new document with at most 3% of the
requests of a full crawl (of the day before, which has fewer pages), measured in the same test; a week of nightly
crawls must see every edit, the removal and the restoration (of a document whose page is
the column's last) within ``reverify_days``, read every column to its end within that
period, a few pages a night (a sweep), and never take a document on a listing page it did
not read for removed.
"""

import datetime as dt
from dataclasses import replace

import pytest

from crawler.spiders.portal import rota_turn
from monitor.demo.sample_portal.catalogue import COLUMNS, EPOCH, PAGE_SIZE
from monitor.demo.sample_portal.model import REMOVAL_DAY, RESTORE_DAY, Document, Portal
from monitor.demo.sample_portal.pages import listing_path
from monitor.demo.sample_portal.routes import Response
from monitor.demo.sample_portal.server import serve
from tests.conftest import govwatch
from tests.sqlite_rows import query

# Serves its own sample portals and crawls them, in subprocesses.
pytestmark = pytest.mark.slow

BUDGET = 0.03
WEEK_SIZE, WEEK_REVERIFY_DAYS = 500, 3
WEEK = range(0, RESTORE_DAY + WEEK_REVERIFY_DAYS)
# Few enough that the two long columns are swept over several nights: tzgg (6-7 pages) two
# older pages a night, gzdt (9-10 pages) three, so that it ends within WEEK_REVERIFY_DAYS.
WEEK_SWEEP_PAGES = 2
LONG, PLANT_DAY, PLANT_PAGE = "gzdt", 1, 8  # a backdated document put on page 8 of gzdt from day 1 on


class Counting:
    """Counts the requests the server answers; answers 500 for the paths in ``failing``."""

    def __init__(self):
        self.targets: list[str] = []
        self.failing: set[str] = set()

    def __call__(self, target: str):
        self.targets.append(target)
        if target in self.failing:
            return Response(500, "text/html; charset=utf-8", b"<html><body>busy</body></html>")
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


def backdated(portal: Portal) -> Document:
    """A document of ``LONG`` dated as the first one on its page ``PLANT_PAGE`` of
    ``portal``, put up that day: a backdated page deep in the column."""
    template = portal.listings[LONG][(PLANT_PAGE - 1) * PAGE_SIZE]
    return replace(template, id=990_001, title="深处补录的文件", attachments=(),
                   updated=EPOCH + dt.timedelta(days=portal.day))


def planted(portal: Portal, doc: Document) -> Portal:
    return Portal(portal.seed, portal.day, [*portal.documents, doc], list(portal.news), size=portal.size,
                  withdrawn=portal.withdrawn, changes=portal.changes)


def page_number(portal: Portal, slug: str, path: str) -> int | None:
    """The number (1 = newest) of column ``slug``'s listing page at ``path`` that day, or None."""
    total = portal.page_count(slug)
    return next((page for page in range(1, total + 1) if listing_path(slug, page, total) == path), None)


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    """A nightly crawl every day of a changing 500-document portal, re-verifying every 3 nights
    and sweeping at most 2 older pages of a column a night (more where 3 nights need it). On
    the first night a sweep of ``LONG`` is under way, one page of tonight's part answers 500."""
    db = tmp_path_factory.mktemp("week") / "govwatch.db"
    counting = Counting()
    with serve(size=WEEK_SIZE, faults=counting) as portal:
        changes, served, requested, fault, plant = {}, {}, {}, None, None
        for day in WEEK:
            changes[day] = portal.set_day(day).changes
            if day >= PLANT_DAY:
                plant = plant or backdated(portal.portal)
                portal.server.portal = planted(portal.portal, plant)
            served[day] = portal.portal
            sweep = query(db, "SELECT resume_page FROM column_sweeps WHERE url LIKE ?", f"%/{LONG}.htm") if day else []
            if sweep and fault is None:
                page = sweep[0][0] + 1  # past tonight's first page, read the night before
                fault = {"day": day, "page": page}
                counting.failing = {listing_path(LONG, page, portal.portal.page_count(LONG))}
            # No link checks: the server sees paths only, and their HEAD requests would count as pages read.
            crawl(portal.url, db, "--reverify-days", str(WEEK_REVERIFY_DAYS), "--sweep-pages", str(WEEK_SWEEP_PAGES),
                  "--no-link-checks")
            requested[day] = counting.targets
            counting.targets, counting.failing = [], set()
            if fault and fault["day"] == day:
                fault["resume"] = query(db, "SELECT resume_page FROM column_sweeps WHERE url LIKE ?",
                                        f"%/{LONG}.htm")
        base, last = portal.url, portal.portal
    # Crawl n + 1 ran on day n.
    events = [(url.removeprefix(base), kind, crawl_id - 1)
              for url, kind, crawl_id in query(db, "SELECT url, kind, crawl_id FROM events")]
    return {"db": db, "changes": changes, "events": events, "base": base, "portal": last, "served": served,
            "requested": requested, "fault": fault, "plant": plant.url}


def pages_read(week, slug: str, day: int) -> list[int]:
    """The numbers of column ``slug``'s listing pages requested on ``day``, answered or not."""
    numbers = (page_number(week["served"][day], slug, path.split("?")[0]) for path in week["requested"][day])
    return sorted(number for number in numbers if number is not None)


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


def test_a_long_column_is_swept_a_few_pages_a_night_and_every_page_read_within_reverify_days(week):
    found = first_night(week, week["plant"], "new", PLANT_DAY)
    for slug, nightly in (("tzgg", WEEK_SWEEP_PAGES), (LONG, 3)):
        spans = []
        for day in WEEK[1:]:
            older = sorted({page for page in pages_read(week, slug, day) if page > 1})  # a 500 is asked 4 times
            # Tonight's part of the sweep, the page read again from the night before, the
            # second page when the first shows a new document, and the page after the planted one.
            assert len(older) <= nightly + 2 + (slug == LONG and day == found), (slug, day, older)
            spans.append(older)
        # Spread: no night reads the column whole, and a sweep takes more than one night.
        total = week["served"][max(WEEK)].page_count(slug)
        assert all(len(older) < total - 1 for older in spans), (slug, spans)
        # Every page is asked for in every run of reverify_days nights, once the sweeps start
        # on the column's turns: the first began on night 0 (never read), off its turn, and
        # a turn that finds a sweep under way (here the one the 500 held back) starts none;
        # from the second turn on they do, and each ends within reverify_days.
        turn = rota_turn(f"/zfxxgk/{slug}.htm", WEEK_REVERIFY_DAYS)
        second_turn = [night for night in WEEK[1:] if night % WEEK_REVERIFY_DAYS == turn][1]
        starts = range(second_turn, len(WEEK) - WEEK_REVERIFY_DAYS + 1)
        assert starts, (slug, second_turn)
        for start in starts:
            window = range(start, start + WEEK_REVERIFY_DAYS)
            seen = {page for day in window for page in pages_read(week, slug, day)}
            assert set(range(1, week["served"][start].page_count(slug) + 1)) <= seen, (slug, start, spans)


def test_a_sweep_interrupted_by_a_page_that_failed_resumes_from_it_the_next_night(week):
    fault = week["fault"]
    assert fault is not None and fault["page"] > 2
    assert fault["resume"] == [(fault["page"],)]
    assert fault["page"] in pages_read(week, LONG, fault["day"] + 1)
    assert query(week["db"], "SELECT count(*) FROM fetch_errors WHERE status = 500") != [(0,)]


def test_a_backdated_document_deep_in_a_column_is_found_by_its_sweep(week):
    listing = week["served"][PLANT_DAY].listings[LONG]
    position = [doc.url for doc in listing].index(week["plant"])
    assert position // PAGE_SIZE + 1 >= PLANT_PAGE - 1  # deep: far past what the early stop reads
    night = first_night(week, week["plant"], "new", PLANT_DAY)
    assert night is not None and night < PLANT_DAY + WEEK_REVERIFY_DAYS, night
    # Found once, and left alone: the same page every day after.
    assert [kind for path, kind, _ in week["events"] if path == week["plant"]] == ["new"]
