"""Crawls against a hostile sample portal: transient errors, damaged pages, offsite links.

Every crawl here is compared with the portal's own model, and a crawl after the faults
stop must leave the database exactly as a fault-free crawl would.
"""

import re
import socket
import sqlite3
import threading

import pytest

from crawler.sample_portal.faults import FaultPlan
from crawler.sample_portal.model import build_portal
from crawler.sample_portal.server import serve
from tests.conftest import govwatch

SIZE = 800
PORTAL = build_portal(size=SIZE)
DOCS = {doc.url: doc for doc in PORTAL.documents}
# Documents picked from the model, in order, for the chosen-URL faults.
HUGE, OCTET, CHARSET, LOOP, GONE = (doc.url for doc in PORTAL.documents[10:15])
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


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    db = tmp_path_factory.mktemp("clean") / "govwatch.db"
    with serve(size=SIZE) as portal:
        assert crawl(portal, db).returncode == 0
    return snapshot(db)


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
    assert {"500", "502", "503", "slow", "reset", "truncate"} <= kinds


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
