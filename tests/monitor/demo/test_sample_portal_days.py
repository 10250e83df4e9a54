"""The sample portal as time passes: each day derived from the day before, served over real HTTP."""

import datetime as dt
import re
import subprocess
import sys
import threading
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import pytest

from monitor.demo.sample_portal.catalogue import EPOCH, SEED
from monitor.demo.sample_portal.model import (BACKDATED_DAY, CHANGE_KINDS, DATE_CHANGE_DAY, REMOVAL_DAY, RESTORE_DAY,
                                         build_portal, ground_truth)
from monitor.demo.sample_portal.pages import render_detail
from monitor.demo.sample_portal.server import serve
from monitor.audit.workdays import workdays_between
from tests.monitor.demo.test_sample_portal import http_get, assert_consistent, fetch, links, page

# Serves the sample portal and builds its days.
pytestmark = pytest.mark.slow

LAST_DAY = 7
DAYS = range(1, LAST_DAY + 1)


@pytest.fixture(scope="module")
def portals():
    return [build_portal(SEED, day) for day in range(LAST_DAY + 1)]


@pytest.fixture(scope="module")
def truths():
    return {day: ground_truth(SEED, day) for day in DAYS}


def _by_url(portal) -> dict:
    return {doc.url: doc for doc in portal.documents}


def _compared(before, after) -> dict[str, set[str]]:
    """What changed between two days, found by comparing their documents and pages."""
    old, new = _by_url(before), _by_url(after)
    withdrawn = {doc.url for doc in before.withdrawn}
    shared = old.keys() & new.keys()
    appeared = new.keys() - old.keys() - withdrawn
    newest_before = {slug: docs[0].published for slug, docs in before.listings.items() if docs}
    return {
        "new": appeared,
        "edited": {url for url in shared if render_detail(old[url]) != render_detail(new[url])},
        "date_changed": {url for url in shared
                         if (old[url].published, old[url].formed) != (new[url].published, new[url].formed)},
        "removed": old.keys() - new.keys(),
        "restored": new.keys() & withdrawn,
        "backdated": {url for url in appeared if new[url].published < newest_before[new[url].column.slug]},
    }


def test_changes_are_what_a_comparison_of_consecutive_days_finds(portals, truths):
    for day in DAYS:
        changes = truths[day]["changes"]
        assert list(changes) == list(CHANGE_KINDS)
        assert {kind: set(urls) for kind, urls in changes.items()} == _compared(portals[day - 1], portals[day]), day
        assert all(len(set(urls)) == len(urls) for urls in changes.values())


def test_each_day_has_the_planned_rhythm(portals, truths):
    for day in DAYS:
        changes = truths[day]["changes"]
        ordinary_new = len(changes["new"]) - len(changes["backdated"])
        assert 0.008 <= ordinary_new / len(portals[day - 1].documents) <= 0.012, day
        assert 2 <= len(changes["edited"]) <= 3, day
        assert set(changes["date_changed"]) <= set(changes["edited"])
        assert set(changes["backdated"]) <= set(changes["new"])
        assert len(changes["date_changed"]) == (day == DATE_CHANGE_DAY)
        assert len(changes["removed"]) == (day == REMOVAL_DAY)
        assert len(changes["backdated"]) == (day == BACKDATED_DAY)
        assert len(changes["restored"]) == (day == RESTORE_DAY)
        assert truths[day]["documents"] == (len(portals[day - 1].documents) + len(changes["new"])
                                            - len(changes["removed"]) + len(changes["restored"]))
        assert_consistent(truths[day])
    assert truths[RESTORE_DAY]["changes"]["restored"] == truths[REMOVAL_DAY]["changes"]["removed"]


def test_existing_documents_keep_their_urls(portals):
    for day in DAYS:
        before, after = portals[day - 1], portals[day]
        for doc in before.documents:
            kept = after.by_id.get(doc.id)
            assert kept is None or (kept.url, kept.column) == (doc.url, doc.column)
        assert len(after.by_id) == len(after.documents)


def test_new_documents_are_dated_their_day_and_numbered_after_the_rest(portals, truths):
    delays = []
    for day in DAYS:
        before, after = portals[day - 1], portals[day]
        fresh = [_by_url(after)[url] for url in truths[day]["changes"]["new"]
                 if url not in truths[day]["changes"]["backdated"]]
        assert {doc.published for doc in fresh} == {EPOCH + dt.timedelta(days=day)}
        assert min(doc.id for doc in fresh) > max(doc.id for doc in (*before.documents, *before.withdrawn))
        assert len({doc.column.slug for doc in fresh}) >= 4
        assert all(re.fullmatch(rf"[a-z]+/{doc.published.year}-\d{{7}}", doc.index_number) for doc in fresh)
        delays += [workdays_between(doc.formed, doc.published) if doc.formed else None for doc in fresh]
    known = [delay for delay in delays if delay is not None]
    assert min(known) >= 0 and sum(1 for delay in known if delay > 15) >= 3
    assert 0 < delays.count(None) < 0.2 * len(delays)
    # New documents continue their sequences: no duplicate numbers, no new gaps.
    assert truths[LAST_DAY]["duplicate_index_numbers"] == ground_truth(SEED)["duplicate_index_numbers"]
    assert truths[LAST_DAY]["serial_gaps"] == ground_truth(SEED)["serial_gaps"]


def test_edits_change_the_body_and_keep_the_date_unless_corrected(portals, truths):
    for day in DAYS:
        old, new = _by_url(portals[day - 1]), _by_url(portals[day])
        for url in truths[day]["changes"]["edited"]:
            assert new[url].last_modified == EPOCH + dt.timedelta(days=day)
            if url in truths[day]["changes"]["date_changed"]:
                assert new[url].published != old[url].published
                assert abs(new[url].published - old[url].published) <= dt.timedelta(days=3)
            else:
                assert new[url].published == old[url].published
                assert new[url].paragraphs[:-1] == old[url].paragraphs
                assert str(new[url].last_modified.year) in new[url].paragraphs[-1]


def test_backdated_document_claims_a_date_weeks_before_the_epoch(portals, truths):
    url, = truths[BACKDATED_DAY]["changes"]["backdated"]
    doc = _by_url(portals[BACKDATED_DAY])[url]
    before = portals[BACKDATED_DAY - 1]
    assert doc.published <= EPOCH - dt.timedelta(weeks=3)
    assert doc.last_modified == EPOCH + dt.timedelta(days=BACKDATED_DAY)
    assert all(url not in _by_url(portals[day]) for day in range(BACKDATED_DAY))
    assert before.listings[doc.column.slug][0].published > doc.published
    # Its index number is the next of its stated year's sequence, not a new year's.
    org, serial = re.fullmatch(rf"([a-z]+)/{doc.published.year}-(\d+)", doc.index_number).groups()
    numbers = [d.index_number for d in before.documents if d.index_number.startswith(f"{org}/{doc.published.year}-")]
    assert int(serial) > max(int(number.rsplit("-", 1)[1]) for number in numbers)


def test_restored_document_comes_back_unchanged(portals, truths):
    url, = truths[REMOVAL_DAY]["changes"]["removed"]
    removed = _by_url(portals[REMOVAL_DAY - 1])[url]
    assert all(url not in _by_url(portals[day]) for day in range(REMOVAL_DAY, RESTORE_DAY))
    restored = _by_url(portals[RESTORE_DAY])[url]
    assert render_detail(restored) == render_detail(removed)


def test_days_are_deterministic_and_leave_day_zero_alone(portals):
    fresh = build_portal.__wrapped__  # bypass the cache for the day asked (earlier days come from it)
    for day in (0, RESTORE_DAY):
        assert [render_detail(d) for d in fresh(SEED, day).documents] == [render_detail(d) for d in portals[day].documents]
    assert [d.title for d in build_portal(SEED).documents] == [d.title for d in portals[0].documents]
    assert ground_truth(7, 1)["changes"]["new"] != ground_truth(SEED, 1)["changes"]["new"]


def _listing(site, slug: str) -> list[tuple[str, str]]:
    """(document URL, date shown) of a column's whole listing, newest page first."""
    rows, url = [], f"{site.url}/zfxxgk/{slug}.htm"
    while url:
        tree = page(url)
        rows += [(urljoin(url, li.cssselect("a")[0].get("href")), li.cssselect("span.date")[0].text)
                 for li in tree.cssselect("div.list li")]
        url = next((target for target, label in links(url, tree) if label == "下一页"), None)
    return rows


def test_served_days_show_new_edited_removed_backdated_and_restored_pages():
    with serve(day=DATE_CHANGE_DAY - 1) as site:
        before = {url: http_get(site, url) for url in ground_truth(SEED, DATE_CHANGE_DAY)["changes"]["edited"]}
        site.set_day(DATE_CHANGE_DAY)
        changes = ground_truth(SEED, DATE_CHANGE_DAY)["changes"]
        for url, old in before.items():
            doc = _by_url(site.portal)[url]
            reply = http_get(site, url, {"If-None-Match": old.getheader("ETag")})
            assert reply.status == 200 and reply.getheader("ETag") != old.getheader("ETag")
            assert parsedate_to_datetime(reply.getheader("Last-Modified")).date() == EPOCH + dt.timedelta(days=DATE_CHANGE_DAY)
            assert (site.url + url, str(doc.published)) in _listing(site, doc.column.slug)
            assert f"公开日期</td><td>{doc.published}</td>" in reply.body.decode(doc.encoding)
        assert all(url in before for url in changes["date_changed"])
        # The last new document has the highest id, so it tops its column's listing.
        newest = _by_url(site.portal)[changes["new"][-1]]
        assert _listing(site, newest.column.slug)[0] == (site.url + newest.url, str(EPOCH + dt.timedelta(days=DATE_CHANGE_DAY)))

        removed_url, = ground_truth(SEED, REMOVAL_DAY)["changes"]["removed"]
        removed = _by_url(site.portal)[removed_url]
        etag = http_get(site, removed_url).getheader("ETag")
        site.set_day(REMOVAL_DAY)
        assert fetch(site.url + removed_url)[0] == 404
        assert site.url + removed_url not in dict(_listing(site, removed.column.slug))

        site.set_day(BACKDATED_DAY)
        backdated_url, = ground_truth(SEED, BACKDATED_DAY)["changes"]["backdated"]
        backdated = _by_url(site.portal)[backdated_url]
        rows = _listing(site, backdated.column.slug)
        position = [url for url, _ in rows].index(site.url + backdated_url)
        assert rows[position][1] == str(backdated.published) < rows[0][1]
        assert [date for _, date in rows] == sorted((date for _, date in rows), reverse=True)

        site.set_day(RESTORE_DAY)
        assert http_get(site, removed_url, {"If-None-Match": etag}).status == 304
        assert site.url + removed_url in dict(_listing(site, removed.column.slug))


def test_set_day_swaps_the_whole_site_between_requests():
    counts = {day: len(build_portal(SEED, day).listings["gzdt"]) for day in (0, 1)}
    assert counts[0] != counts[1]
    seen, failures = set(), []

    def reader(site):
        for _ in range(40):
            status, _, body = fetch(site.url + "/zfxxgk/gzdt.htm")
            found = re.search(r"共(\d+)条", body.decode("utf-8"))
            if status != 200 or not found:
                failures.append(status)
            else:
                seen.add(int(found.group(1)))

    with serve() as site:
        threads = [threading.Thread(target=reader, args=(site,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for flip in range(40):
            site.set_day(flip % 2)
        for thread in threads:
            thread.join(30)
    assert not failures
    assert seen <= set(counts.values()) and seen


def test_command_line_serves_the_day_asked():
    removed_url, = ground_truth(SEED, REMOVAL_DAY)["changes"]["removed"]
    process = subprocess.Popen([sys.executable, "-m", "monitor.demo.sample_portal.server", "--port", "0",
                                "--day", str(REMOVAL_DAY)], stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        assert fetch(url + removed_url)[0] == 404
        assert f"共{len(build_portal(SEED, REMOVAL_DAY).listings['gzdt'])}条" in fetch(url + "/zfxxgk/gzdt.htm")[2].decode()
    finally:
        process.terminate()
        process.wait(10)
