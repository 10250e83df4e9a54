"""Fault mode: every kind of misbehaviour, over real HTTP, and the random plan's bookkeeping."""

import http.client
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from monitor.demo.sample_portal.faults import HUGE_BYTES, KINDS, TRANSIENT, FaultPlan
from monitor.demo.sample_portal.catalogue import SEED
from monitor.demo.sample_portal.model import build_portal
from monitor.demo.sample_portal.routes import respond
from monitor.demo.sample_portal.server import serve
from tests.monitor.demo.test_sample_portal import http_get, fetch

# Serves the sample portal with faults.
pytestmark = pytest.mark.slow

LISTING = "/zfxxgk/zcjd.htm"


@pytest.fixture(scope="module")
def docs():
    """A UTF-8 and a GBK detail page of the default site."""
    documents = build_portal().documents
    return (next(d for d in documents if d.encoding == "utf-8" and not d.markdown),
            next(d for d in documents if d.encoding == "gbk"))


def _served(targets: dict[str, str], **params):
    """A server faulting ``targets``; the plan is ``site.plan``."""
    plan = FaultPlan(targets, **params)
    site = serve(faults=plan)
    site.plan = plan
    return site


def _real(site, target: str) -> bytes:
    return respond(site.portal, target).body


@pytest.mark.parametrize("kind", ["500", "502", "503"])
def test_status_faults_answer_that_status(kind, docs):
    doc = docs[0]
    with _served({doc.url: kind}) as site:
        status, headers, body = fetch(site.url + doc.url)
        assert status == int(kind) and kind.encode() in body
        assert fetch(site.url + doc.url)[0] == int(kind)
        assert fetch(site.url + LISTING)[0] == 200
        assert site.plan.faulted == [(doc.url, kind)] * 2
        assert site.plan.requests == {doc.url: 2, LISTING: 1}


def test_slow_pages_outlast_a_short_timeout_then_arrive(docs):
    doc = docs[0]
    with _served({doc.url: "slow"}, slow_seconds=1.0) as site:
        impatient = http.client.HTTPConnection(site.host, site.port, timeout=0.3)
        impatient.request("GET", doc.url)
        with pytest.raises(TimeoutError):
            impatient.getresponse()
        impatient.close()
        started = time.perf_counter()
        reply = http_get(site, doc.url)
        assert time.perf_counter() - started >= 1.0
        assert reply.status == 200 and reply.body == _real(site, doc.url)


def test_reset_closes_the_connection_without_a_response(docs):
    with _served({LISTING: "reset"}) as site:
        with socket.create_connection((site.host, site.port), timeout=5) as raw:
            raw.sendall(f"GET {LISTING} HTTP/1.1\r\nHost: {site.host}\r\n\r\n".encode())
            received = b""
            with pytest.raises(ConnectionResetError):
                while chunk := raw.recv(4096):
                    received += chunk
            assert received == b""
        with pytest.raises(ConnectionResetError):
            http_get(site, LISTING)
        assert http_get(site, docs[0].url).status == 200


def test_truncate_declares_the_whole_page_and_sends_half(docs):
    doc = docs[1]
    with _served({doc.url: "truncate"}) as site:
        full = _real(site, doc.url)
        connection = http.client.HTTPConnection(site.host, site.port, timeout=5)
        connection.request("GET", doc.url)
        reply = connection.getresponse()
        assert reply.status == 200 and int(reply.getheader("Content-Length")) == len(full)
        with pytest.raises(http.client.IncompleteRead) as short:
            reply.read()
        assert 0 < len(short.value.partial) < len(full) and full.startswith(short.value.partial)
        connection.close()


def test_cut_sends_half_without_a_length_and_closes(docs):
    doc = docs[0]
    with _served({doc.url: "cut"}) as site:
        full = _real(site, doc.url)
        reply = http_get(site, doc.url)
        # Nothing tells the client the body is short: it ends where the connection does.
        assert reply.status == 200 and reply.getheader("Content-Length") is None and reply.will_close
        assert 0 < len(reply.body) < len(full) and full.startswith(reply.body) and b"</html>" not in reply.body


def test_charset_fault_labels_gbk_bytes_as_utf8(docs):
    doc = docs[0]
    with _served({doc.url: "charset"}) as site:
        status, headers, body = fetch(site.url + doc.url)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        real = _real(site, doc.url).decode("utf-8")
        assert body.decode("gbk") == real.replace('<meta charset="utf-8">', '<meta charset="gbk">')
        assert doc.title in body.decode("gbk")


def test_redirect_loop_bounces_between_two_urls(docs):
    doc = docs[0]
    with _served({doc.url: "redirect_loop"}) as site:
        first = http_get(site, doc.url)
        assert first.status == 302 and first.getheader("Location") == doc.url + "?loop=1"
        second = http_get(site, first.getheader("Location"))
        assert second.status == 302 and second.getheader("Location") == doc.url
        with pytest.raises(urllib.error.HTTPError) as loop:
            urllib.request.urlopen(site.url + doc.url, timeout=10)
        assert loop.value.code == 302
        assert {target for target, _ in site.plan.faulted} == {doc.url, doc.url + "?loop=1"}


def test_huge_page_is_the_real_page_padded_past_20_mb(docs):
    doc = docs[1]
    with _served({doc.url: "huge"}) as site:
        status, headers, body = fetch(site.url + doc.url)
        assert status == 200 and int(headers["Content-Length"]) == len(body) > HUGE_BYTES
        tree = lxml.html.document_fromstring(body.decode("gbk"))
        assert tree.cssselect("h1.title")[0].text_content() == doc.title
        assert body.rstrip().endswith(b"</html>")


def test_offsite_listing_links_other_hosts(docs):
    with _served({LISTING: "offsite"}) as site:
        url = site.url + LISTING
        status, _, body = fetch(url)
        found = {urljoin(url, a.get("href")) for a in lxml.html.document_fromstring(body.decode()).iter("a")}
        real = {urljoin(url, a.get("href")) for a in lxml.html.document_fromstring(_real(site, LISTING).decode()).iter("a")}
        assert status == 200 and real < found
        assert {urlsplit(link).netloc for link in found - real} == {"example.invalid", f"127.0.0.2:{site.port}"}


def test_octet_serves_the_html_as_a_binary_type(docs):
    doc = docs[0]
    with _served({doc.url: "octet"}) as site:
        status, headers, body = fetch(site.url + doc.url)
        assert status == 200 and headers["Content-Type"] == "application/octet-stream"
        assert body == _real(site, doc.url)


def _outcome(site, target: str) -> str:
    """What a client with a short timeout saw: a status, 'timeout', 'reset', 'truncated' or 'cut'."""
    connection = http.client.HTTPConnection(site.host, site.port, timeout=0.25)
    try:
        connection.request("GET", target)
        reply = connection.getresponse()
        reply.read()
        return "cut" if reply.getheader("Content-Length") is None else str(reply.status)
    except TimeoutError:
        return "timeout"
    except ConnectionResetError:
        return "reset"
    except http.client.IncompleteRead:
        return "truncated"
    finally:
        connection.close()


# What the client sees for each transient kind.
SEEN_AS = {"500": "500", "502": "502", "503": "503", "slow": "timeout", "reset": "reset", "truncate": "truncated",
           "cut": "cut"}


def test_random_faults_hit_first_attempts_only_and_are_reproducible():
    spec = "rate=0.3,seed=7,slow_seconds=0.5"
    plan = FaultPlan.parse(spec)
    with serve(faults=plan) as site:
        targets = [doc.url for doc in site.portal.documents[:150]]
        first = {target: _outcome(site, target) for target in targets}
        retried = {target: http_get(site, target) for target, seen in first.items() if seen != "200"}
        expected = {target: _real(site, target) for target in retried}
    kinds = dict(plan.faulted)
    assert set(kinds) == set(retried) and len(plan.faulted) == len(kinds)
    assert 0.15 < len(kinds) / len(targets) < 0.45
    assert set(kinds.values()) <= set(TRANSIENT) and len(set(kinds.values())) >= 4
    assert all(first[target] == SEEN_AS[kind] for target, kind in kinds.items())
    assert all(reply.status == 200 and reply.body == expected[target] for target, reply in retried.items())
    assert plan.requests == {target: 1 + (target in kinds) for target in targets}
    again = FaultPlan.parse(spec)
    assert {target: again.planned(target, 1) for target in kinds} == kinds
    assert {t for t in targets if FaultPlan.parse("rate=0.3,seed=8").planned(t, 1)} != set(kinds)


def test_attempts_caps_chosen_faults():
    plan = FaultPlan.parse(f"503:{LISTING};attempts=2")
    with serve(faults=plan) as site:
        assert [fetch(site.url + LISTING)[0] for _ in range(3)] == [503, 503, 200]
    assert plan.requests[LISTING] == 3 and len(plan.faulted) == 2


def test_a_path_without_query_faults_every_query():
    plan = FaultPlan.parse("500:/system/_content/download.jsp")
    with serve(faults=plan) as site:
        attachment = next(iter(site.portal.attachments.values()))
        assert fetch(site.url + attachment.url)[0] == 500
    assert plan.faulted == [(attachment.url, "500")]


def test_counting_is_thread_safe():
    plan = FaultPlan({LISTING: "503"})
    with serve(faults=plan) as site:
        def hammer():
            for _ in range(25):
                fetch(site.url + LISTING)
                fetch(site.url + "/robots.txt")

        threads = [threading.Thread(target=hammer) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert plan.requests == {LISTING: 200, "/robots.txt": 200}
    assert len(plan.faulted) == 200


def test_parse_reads_targets_and_parameters():
    plan = FaultPlan.parse("503:/info/1021/10001.htm; reset:/zfxxgk/zcjd/3.htm,rate=0.1,seed=7,slow_seconds=2")
    assert plan.targets == {"/info/1021/10001.htm": "503", "/zfxxgk/zcjd/3.htm": "reset"}
    assert (plan.rate, plan.seed, plan.slow_seconds, plan.attempts) == (0.1, 7, 2.0, None)
    assert set(KINDS) >= set(TRANSIENT)


@pytest.mark.parametrize("spec", ["boom:/x.htm", "rate=2", "rate=x", "speed=3", "/x.htm", "attempts=0"])
def test_bad_specs_are_rejected(spec):
    with pytest.raises(ValueError):
        FaultPlan.parse(spec)


def test_page_damaging_faults_need_a_running_site():
    with pytest.raises(RuntimeError):
        FaultPlan({LISTING: "truncate"})(LISTING)


def test_command_line_serves_faults_and_rejects_bad_specs():
    command = [sys.executable, "-m", "monitor.demo.sample_portal.server", "--port", "0"]
    bad = subprocess.run([*command, "--faults", "boom:/x.htm"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "unknown fault kind" in bad.stderr
    process = subprocess.Popen([*command, "--size", "500", "--faults", f"502:{LISTING}"], stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        assert fetch(url + LISTING)[0] == 502
        status, _, body = fetch(url + "/zfxxgk/gzdt.htm")
        assert status == 200 and f"共{len(build_portal(SEED, 0, 500).listings['gzdt'])}条" in body.decode()
    finally:
        process.terminate()
        process.wait(10)
