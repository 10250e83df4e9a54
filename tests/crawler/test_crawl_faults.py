"""Crawls against a hostile sample portal: transient errors, damaged pages, pages cut short, offsite links.

Every crawl here is compared with the portal's own model, and a crawl after the faults
stop must leave the database exactly as a fault-free crawl would.
"""

import re
import socket
import sqlite3
import threading

import pytest

from monitor.demo.sample_portal.faults import FaultPlan
from monitor.demo.sample_portal.model import build_portal
from monitor.demo.sample_portal.server import serve
from crawler.middlewares import CUT_SHORT
from tests.conftest import govwatch
from tests.sqlite_rows import query

# Crawls of the sample portal with faults, in subprocesses.
pytestmark = pytest.mark.slow

SIZE = 800
PORTAL = build_portal(size=SIZE)
DOCS = {doc.url: doc for doc in PORTAL.documents}
# Documents picked from the model, in order, for the chosen-URL faults.
HUGE, OCTET, CHARSET, LOOP, GONE, TRUNCATED = (doc.url for doc in PORTAL.documents[10:16])
# A document whose body day 1 edits without changing its listed date.
EDITED = build_portal(size=SIZE, day=1).changes["edited"][0]
# The newest page of a column of nine pages: its second half holds links and the pager.
LISTING = "/zfxxgk/tzgg.htm"


def crawl(portal, db, *extra):
    return govwatch("crawl", "--site", "leda", "--start-url", portal.url + "/", "--db", db, "--timeout", 2, *extra)


def snapshot(db) -> dict:
    """Every stored document by URL path, with the host:port taken out of every value."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = conn.execute(
        "SELECT url, title, index_no, publisher, published_on, created_on, created_on_source, breadcrumb,"
        " attachments, body_text, fields, warnings FROM documents WHERE removed_at IS NULL"
    ).fetchall()
    strip = re.compile(r"http://127\.0\.0\.1:\d+")
    return {strip.sub("", row["url"]): tuple(strip.sub("", str(value)) for value in tuple(row)[1:]) for row in rows}


def clean_crawl(tmp_path_factory, day: int) -> dict:
    db = tmp_path_factory.mktemp(f"clean{day}") / "govwatch.db"
    with serve(size=SIZE, day=day) as portal:
        assert crawl(portal, db).returncode == 0
    return snapshot(db)


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return clean_crawl(tmp_path_factory, 0)


@pytest.fixture(scope="module")
def clean_day1(tmp_path_factory):
    return clean_crawl(tmp_path_factory, 1)


@pytest.fixture(scope="module")
def flaky(tmp_path_factory):
    """A crawl with 10% of responses faulty (+ one URL that always answers 503), then one without."""
    db = tmp_path_factory.mktemp("flaky") / "govwatch.db"
    plan = FaultPlan({GONE: "503"}, rate=0.1, seed=7, slow_seconds=3)
    with serve(size=SIZE, faults=plan) as portal:
        first = crawl(portal, db)
        during = snapshot(db)
        errors = sqlite3.connect(db).execute("SELECT url, status, error FROM fetch_errors").fetchall()
        plan.targets.clear()
        plan.rate = 0
        second = crawl(portal, db)
    return {"first": first, "second": second, "during": during, "after": snapshot(db), "errors": errors,
            "plan": plan}


def test_faulty_crawl_completes(flaky):
    assert flaky["first"].returncode == 0, flaky["first"].stderr
    kinds = {kind for _, kind in flaky["plan"].faulted}
    assert {"500", "502", "503", "slow", "reset", "truncate", "cut"} <= kinds


def test_transient_faults_are_retried_to_the_right_page(flaky, clean):
    # Everything but the URL that never recovers was stored, identical to a clean crawl.
    assert set(flaky["during"]) == set(clean) - {GONE}
    assert all(flaky["during"][url] == clean[url] for url in flaky["during"])


def test_every_failure_is_recorded(flaky):
    assert [(url.split("/", 3)[3], status) for url, status, _ in flaky["errors"]] == [(GONE.lstrip("/"), 503)]


def test_next_crawl_after_the_faults_equals_a_clean_crawl(flaky, clean):
    assert flaky["second"].returncode == 0
    assert flaky["after"] == clean


@pytest.fixture(scope="module")
def damaged(tmp_path_factory):
    """One crawl meeting a 20 MB page, a page as octet-stream, a lying charset header,
    a redirect loop and a listing linking outside the allowed host (incl. 127.0.0.2)."""
    db = tmp_path_factory.mktemp("damaged") / "govwatch.db"
    plan = FaultPlan({HUGE: "huge", OCTET: "octet", CHARSET: "charset", LOOP: "redirect_loop", LISTING: "offsite"})
    with serve(size=SIZE, faults=plan) as portal:
        outsider = socket.create_server(("127.0.0.2", portal.port))
        connections = []
        threading.Thread(target=lambda: connections.append(outsider.accept()), daemon=True).start()
        result = crawl(portal, db)
        outsider.close()
        served = set(plan.requests)
    conn = sqlite3.connect(db)
    return {"result": result, "snapshot": snapshot(db), "served": served, "connections": connections,
            "errors": {url.split("/", 3)[3]: error for url, error in conn.execute("SELECT url, error FROM fetch_errors")}}


def test_damaged_crawl_finishes(damaged):
    assert damaged["result"].returncode == 0, damaged["result"].stderr


def test_oversized_page_is_skipped_and_recorded(damaged):
    assert HUGE not in damaged["snapshot"]
    assert damaged["errors"][HUGE.lstrip("/")] == "page larger than the 10 MiB limit, skipped"


def test_html_served_as_octet_stream_is_still_read(damaged):
    assert damaged["snapshot"][OCTET][0] == DOCS[OCTET].title


def test_charset_header_contradicting_the_page_is_overruled(damaged):
    assert damaged["snapshot"][CHARSET][0] == DOCS[CHARSET].title


def test_redirect_loop_is_recorded(damaged):
    assert LOOP not in damaged["snapshot"] and "redirect" in damaged["errors"][LOOP.lstrip("/")].lower()


def test_no_request_leaves_the_allowed_host(damaged):
    assert LISTING in damaged["served"]
    assert damaged["connections"] == []


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.fixture(scope="module")
def cut_pages(tmp_path_factory):
    """Day 0 crawled clean; day 1 crawled in full while an edited page arrives
    close-delimited and cut in half and another page half under its full Content-Length,
    on every attempt; then day 1 crawled again without faults."""
    db = tmp_path_factory.mktemp("cut") / "govwatch.db"
    plan = FaultPlan()
    with serve(size=SIZE, faults=plan) as portal:
        assert crawl(portal, db).returncode == 0
        url = portal.url + EDITED
        stored = query(db, "SELECT content_hash, verified_at, last_seen_at FROM documents WHERE url = ?", url)
        portal.set_day(1)
        plan.targets.update({EDITED: "cut", TRUNCATED: "truncate"})
        before = plan.requests.copy()
        faulty = crawl(portal, db, "--full")
        during = {
            "row": query(db, "SELECT content_hash, verified_at, last_seen_at FROM documents WHERE url = ?", url),
            "versions": query(db, "SELECT count(*) FROM document_versions WHERE url = ?", url)[0][0],
            "events": query(db, "SELECT kind FROM events WHERE url = ? AND crawl_id = 2", url),
            "removed": query(db, "SELECT count(*) FROM events WHERE kind = 'removed'")[0][0],
            "errors": sorted((path_of(url), status, error) for url, status, error in
                             query(db, "SELECT url, status, error FROM fetch_errors WHERE crawl_id = 2")),
        }
        attempts = {target: plan.requests[target] - before[target] for target in (EDITED, TRUNCATED)}
        plan.targets.clear()
        after = crawl(portal, db)
    return {"stored": stored, "faulty": faulty, "during": during, "attempts": attempts, "after": after,
            "snapshot": snapshot(db), "edited_events": query(db, "SELECT kind, crawl_id FROM events WHERE url = ?", url)}


def test_a_page_cut_short_is_retried_then_recorded(cut_pages):
    assert cut_pages["faulty"].returncode == 0, cut_pages["faulty"].stderr
    # The first attempt and RETRY_TIMES (3) retries.
    assert cut_pages["attempts"] == {EDITED: 4, TRUNCATED: 4}
    assert cut_pages["during"]["errors"] == sorted([(EDITED, None, CUT_SHORT), (TRUNCATED, None, CUT_SHORT)])


def test_a_page_cut_short_keeps_the_stored_version(cut_pages):
    during = cut_pages["during"]
    assert during["row"] == cut_pages["stored"]
    assert during["versions"] == 1 and during["events"] == [] and during["removed"] == 0


def test_the_crawl_after_pages_cut_short_equals_a_clean_crawl(cut_pages, clean_day1):
    assert cut_pages["after"].returncode == 0
    assert cut_pages["snapshot"] == clean_day1
    # The edit the cut page hid is found by the next crawl, though its listed date never changed.
    assert cut_pages["edited_events"] == [("new", 1), ("changed", 3)]


@pytest.fixture(scope="module")
def cut_listing(tmp_path_factory):
    """Day 0 crawled clean, then in full while a listing page arrives close-delimited and
    cut in half (without the second half of its links and its pager), then in full again."""
    db = tmp_path_factory.mktemp("cut-listing") / "govwatch.db"
    plan = FaultPlan()
    with serve(size=SIZE, faults=plan) as portal:
        assert crawl(portal, db).returncode == 0
        plan.targets[LISTING] = "cut"
        faulty = crawl(portal, db, "--full")
        errors = query(db, "SELECT url, error FROM fetch_errors WHERE crawl_id = 2")
        plan.targets.clear()
        after = crawl(portal, db, "--full")
    return {"faulty": faulty, "errors": [(path_of(url), error) for url, error in errors], "after": after,
            "removed": query(db, "SELECT count(*) FROM events WHERE kind = 'removed'")[0][0],
            "snapshot": snapshot(db)}


def test_a_listing_cut_short_removes_nothing(cut_listing, clean):
    assert cut_listing["faulty"].returncode == 0, cut_listing["faulty"].stderr
    assert cut_listing["removed"] == 0
    assert cut_listing["errors"] == [(LISTING, CUT_SHORT)]
    assert cut_listing["after"].returncode == 0 and cut_listing["snapshot"] == clean
