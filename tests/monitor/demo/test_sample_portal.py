"""The sample portal, fetched over real HTTP from a server on a free port."""

import datetime as dt
import http.client
import re
import threading
import time
import urllib.error
import urllib.request
from email.utils import format_datetime, parsedate_to_datetime
from importlib.resources import files
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from monitor.demo.sample_portal.catalogue import COLUMNS, SEED
from monitor.demo.sample_portal.model import build_portal, ground_truth, load_ground_truth, render
from monitor.demo.sample_portal.pages import render_detail
from monitor.demo.sample_portal.routes import Response
from monitor.demo.sample_portal.server import serve
from monitor.demo.sample_portal.wording import arabic_date, cn_date
from monitor.audit.workdays import workdays_between

# Serves the sample portal.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site():
    with serve() as running:
        yield running


def fetch(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def page(url: str) -> lxml.html.HtmlElement:
    status, _, body = fetch(url)
    assert status == 200, url
    return lxml.html.document_fromstring(body.decode("utf-8"))


def links(url: str, tree) -> set[tuple[str, str]]:
    """(absolute link target, link text) of every link on the page."""
    return {(urljoin(url, a.get("href")), a.text_content().strip()) for a in tree.iter("a") if a.get("href")}


def labels(found: set[tuple[str, str]]) -> set[str]:
    return {label for _, label in found}


def text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def test_home_links_to_disclosure_index_and_news(site):
    portal = site.portal
    found = links(site.url + "/", page(site.url + "/"))
    assert (site.url + "/zfxxgk.htm", "政府信息公开") in found
    for item in portal.news:
        assert (site.url + item.url, item.title) in found


def test_news_pages_have_no_metadata_grid(site):
    item = site.portal.news[0]
    tree = page(site.url + item.url)
    assert text(tree.cssselect("h1.title")[0]) == item.title
    assert "索引号" not in tree.text_content()


def test_disclosure_index_links_every_column_to_its_newest_page(site):
    found = links(site.url + "/zfxxgk.htm", page(site.url + "/zfxxgk.htm"))
    for column in site.portal.columns:
        assert (f"{site.url}/zfxxgk/{column.slug}.htm", column.name) in found


def test_newest_listing_page_has_20_items_and_count_down_links(site):
    url = site.url + "/zfxxgk/tzgg.htm"
    tree = page(url)
    expected = site.portal.listings["tzgg"][:20]
    items = tree.cssselect("div.list li")
    assert [urljoin(url, li.cssselect("a")[0].get("href")) for li in items] == [site.url + d.url for d in expected]
    dates = [li.cssselect("span.date")[0].text for li in items]
    assert len(items) == 20 and dates == [str(d.published) for d in expected] == sorted(dates, reverse=True)
    total = len(site.portal.listings["tzgg"])
    pages = -(-total // 20)
    pager = tree.cssselect("div.pagination")[0]
    assert f"共{total}条 1/{pages}页" in text(pager)
    found = links(url, pager)
    assert (f"{site.url}/zfxxgk/tzgg/{pages - 1}.htm", "下一页") in found
    assert (f"{site.url}/zfxxgk/tzgg/{pages - 1}.htm", "2") in found
    assert (f"{site.url}/zfxxgk/tzgg/1.htm", str(pages)) in found
    assert (f"{site.url}/zfxxgk/tzgg/1.htm", "尾页") in found
    assert not {"首页", "上一页"} & labels(found)


def test_oldest_listing_page_links_back_to_newer_pages(site):
    pages = site.portal.page_count("tzgg")
    url = site.url + "/zfxxgk/tzgg/1.htm"
    tree = page(url)
    found = links(url, tree.cssselect("div.pagination")[0])
    assert (f"{site.url}/zfxxgk/tzgg/2.htm", "上一页") in found
    assert (f"{site.url}/zfxxgk/tzgg.htm", "首页") in found
    assert "下一页" not in labels(found)
    assert f"{pages}/{pages}页" in text(tree.cssselect("div.pagination")[0])
    oldest = site.portal.listings["tzgg"][(pages - 1) * 20:]
    assert len(tree.cssselect("div.list li")) == len(oldest) < 20


def test_following_next_links_reaches_every_document_exactly_once(site):
    listing_pages, detail_urls = 0, []
    for column in site.portal.columns:
        url = f"{site.url}/zfxxgk/{column.slug}.htm"
        while url:
            tree = page(url)
            listing_pages += 1
            detail_urls += [urljoin(url, a.get("href")) for a in tree.cssselect("div.list li a")]
            url = next((target for target, label in links(url, tree) if label == "下一页"), None)
    assert listing_pages == load_ground_truth()["listing_pages"]
    assert sorted(detail_urls) == sorted(site.url + d.url for d in site.portal.documents)


def _grid(tree) -> dict[str, str]:
    cells = [text(td) for td in tree.cssselect("table.xxgk_table td")]
    return dict(zip(cells[::2], cells[1::2]))


def test_detail_page_shows_breadcrumb_metadata_grid_and_dynamic_clicks(site):
    doc = next(d for d in site.portal.documents
               if d.formed_source == "metadata" and d.docno and d.encoding == "utf-8")
    tree = page(site.url + doc.url)
    assert text(tree.cssselect("div.breadcrumb")[0]) == f"当前位置: {doc.column.breadcrumb} >> 正文"
    assert text(tree.cssselect("h1.title")[0]) == doc.title
    info = tree.cssselect("div.info")[0]
    assert text(info).startswith(f"{doc.published} 点击数:")
    assert not re.search(r"点击数:\s*\d", info.text_content().replace(info.cssselect("script")[0].text, ""))
    assert info.cssselect("script")[0].text == f'_showDynClicks("wbnews", 1234, {doc.id})'
    rows = tree.cssselect("table.xxgk_table tr")
    assert [len(r.cssselect("td")) for r in rows] == [6, 6, 6, 4, 4, 2]
    grid = _grid(tree)
    assert grid["索引号"] == doc.index_number
    assert re.fullmatch(r"[a-z]+/20\d\d-\d{7}", grid["索引号"])
    assert grid["公开日期"] == str(doc.published)
    assert grid["成文日期"] == str(doc.formed)
    assert grid["文号"] == doc.docno
    assert grid["发布机构"] == doc.publisher
    assert grid["公开范围"] == "全社会"
    assert grid["失效日期"] == "" and grid["公开程序"] == ""


def test_body_signature_is_the_last_line_in_the_documents_style(site):
    for style, write in (("chinese", cn_date), ("arabic", arabic_date)):
        doc = next(d for d in site.portal.documents if d.signature == style and d.encoding == "utf-8")
        tree = page(site.url + doc.url)
        assert "成文日期" not in _grid(tree)
        lines = tree.cssselect("#vsb_content .v_news_content p")
        assert text(lines[-1]) == write(doc.formed)


def test_chinese_numeral_dates():
    assert cn_date(dt.date(2020, 3, 2)) == "二〇二〇年三月二日"
    assert cn_date(dt.date(2020, 12, 31)) == "二〇二〇年十二月三十一日"
    assert cn_date(dt.date(2021, 10, 20)) == "二〇二一年十月二十日"
    assert cn_date(dt.date(2019, 11, 10)) == "二〇一九年十一月十日"


def test_gbk_page_is_declared_and_encoded_as_gbk(site):
    doc = next(d for d in site.portal.documents if d.encoding == "gbk" and d.attachments)
    status, headers, body = fetch(site.url + doc.url)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=gbk"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    html = body.decode("gbk")
    assert '<meta charset="gbk">' in html
    assert doc.title in html and doc.index_number in html


def test_every_gbk_page_encodes_without_loss():
    gbk = [d for d in build_portal().documents if d.encoding == "gbk"]
    assert len(gbk) == load_ground_truth()["gbk_pages"] > 0
    for doc in gbk:
        assert render_detail(doc).encode("gbk").decode("gbk") == render_detail(doc)


def test_attachments_download_as_pdf(site):
    doc = next(d for d in site.portal.documents if len(d.attachments) == 2)
    tree = page(site.url + doc.url)
    hrefs = [urljoin(site.url + doc.url, a.get("href")) for a in tree.cssselect("ul.attachments a")]
    assert [urlsplit(h).path for h in hrefs] == ["/system/_content/download.jsp"] * 2
    bodies = []
    for href, attachment in zip(hrefs, doc.attachments):
        assert f"wbfileid={attachment.file_id}" in href
        status, headers, body = fetch(href)
        assert status == 200
        assert headers["Content-Type"] == "application/pdf"
        assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
        bodies.append(body)
    assert bodies[0] != bodies[1]


def test_unknown_attachment_and_wrong_owner_are_404(site):
    file_id = next(iter(site.portal.attachments))
    base = site.url + "/system/_content/download.jsp?urltype=news.DownloadAttachUrl"
    assert fetch(f"{base}&owner=1234&wbfileid={file_id}")[0] == 200
    assert fetch(f"{base}&owner=9999&wbfileid={file_id}")[0] == 404
    assert fetch(f"{base}&owner=1234&wbfileid=1")[0] == 404
    assert fetch(f"{base}&owner=1234")[0] == 404


def test_robots_txt_disallows_only_system_resources(site):
    status, headers, body = fetch(site.url + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert body.decode().splitlines() == ["User-agent: *", "Disallow: /system/resource/"]


def test_unknown_paths_are_404(site):
    doc = site.portal.documents[0]
    pages = site.portal.page_count("gzdt")
    for path in ("/nothing.htm", f"/info/1999/{doc.id}.htm", "/info/1043/1.htm",
                 f"/zfxxgk/gzdt/{pages}.htm", "/zfxxgk/gzdt/0.htm", "/zfxxgk/nosuch.htm"):
        assert fetch(site.url + path)[0] == 404, path
    assert fetch(f"{site.url}/zfxxgk/gzdt/{pages - 1}.htm")[0] == 200


def test_annual_report_page_renders_prose_and_tables(site):
    report = next(d for d in site.portal.documents if d.column.slug == "xxgknb")
    assert report.published == dt.date(2021, 1, 20)
    tree = page(site.url + report.url)
    body = tree.cssselect("#vsb_content .v_news_content")[0]
    assert "通过区政府门户网站主动公开信息2763条" in body.text_content()
    rows = [[text(td) for td in tr.cssselect("td")] for tr in body.cssselect("table tr")]
    assert ["一、本年新收政府信息公开申请数量", "3", "0", "0", "0", "0", "0", "3"] in rows
    assert fetch(urljoin(site.url + report.url, tree.cssselect("ul.attachments a")[0].get("href")))[0] == 200


def test_faults_hook_answers_before_the_site():
    broken = Response(503, "text/plain", b"busy")

    def faults(target: str) -> Response | None:
        return broken if target == "/zfxxgk.htm" else None

    with serve(faults=faults) as running:
        assert fetch(running.url + "/zfxxgk.htm")[:3:2] == (503, b"busy")
        assert fetch(running.url + "/robots.txt")[0] == 200


def test_keep_alive_connection_serves_hundreds_of_pages_quickly(site):
    connection = http.client.HTTPConnection(site.host, site.port, timeout=10)
    docs = site.portal.documents[:300]
    started = time.perf_counter()
    for doc in docs:
        connection.request("GET", doc.url)
        reply = connection.getresponse()
        assert reply.status == 200 and reply.read()
    connection.close()
    # A Nagle/delayed-ACK stall costs ~40 ms a request, which would take over 10 s here.
    assert time.perf_counter() - started < 3


def test_committed_ground_truth_equals_a_fresh_computation():
    committed = files("monitor.demo.sample_portal").joinpath("ground_truth.json").read_text(encoding="utf-8")
    assert committed == render(ground_truth())


def test_model_is_deterministic_per_seed():
    def summary(portal):
        return [(d.id, d.title, d.index_number, d.formed, d.encoding, render_detail(d)) for d in portal.documents]

    fresh = build_portal.__wrapped__  # bypass the cache: two independent generations
    assert summary(fresh(SEED)) == summary(fresh(SEED))
    assert [d.title for d in fresh(SEED + 1).documents] != [d.title for d in fresh(SEED).documents]


def test_negative_days_do_not_exist():
    with pytest.raises(ValueError):
        build_portal(SEED, day=-1)


def assert_consistent(gt: dict) -> None:
    """The ground truth's counts agree with each other (any seed, day or size)."""
    assert gt["documents"] == gt["detail_pages"]
    for key in ("by_year", "by_column", "by_publisher"):
        assert sum(gt[key].values()) == gt["documents"], key
    key_area = [c.name for c in COLUMNS if "重点领域信息公开" in c.path]
    for column in COLUMNS:
        per_year = sum(counts[column.name] for counts in gt["by_year_column"].values())
        assert per_year == gt["by_column"][column.breadcrumb]
    for year, counts in gt["by_year_column"].items():
        assert counts["重点领域信息公开"] == sum(counts[name] for name in key_area)
        timeliness = gt["timeliness"][year]
        assert timeliness["checked"] + timeliness["unknown"] == gt["by_year"][year]
        assert sum(timeliness["created_on_source"].values()) == timeliness["checked"]
        assert timeliness["late"]["15"] >= timeliness["late"]["20"]
    assert gt["by_publisher"].get("", 0) == gt["missing_publisher"]


def test_ground_truth_sums_are_consistent():
    gt = load_ground_truth()
    assert gt["documents"] >= 3000
    assert_consistent(gt)
    for year in gt["by_year"]:
        timeliness = gt["timeliness"][year]
        assert timeliness["late"]["15"] > timeliness["late"]["20"] > 0
        assert timeliness["negative"] > 0
        assert 0.08 < timeliness["unknown"] / gt["by_year"][year] < 0.13
    assert gt["by_publisher"][""] == gt["missing_publisher"] == 2
    assert gt["duplicate_index_numbers"] == 2
    assert gt["serial_gaps"] == 2
    assert 0.005 < gt["index_year_mismatch"] / gt["documents"] < 0.015
    assert 0.03 < gt["gbk_pages"] / gt["documents"] < 0.07


@pytest.mark.parametrize("seed", [SEED, 7])
def test_planted_2020_figures_hold(seed):
    gt = ground_truth(seed)
    assert gt["by_year"]["2020"] == 2763
    assert gt["by_year_column"]["2020"]["政策解读"] == 41
    assert gt["by_year_column"]["2020"]["重点领域信息公开"] == 712
    # The 2020 report, and the report on 2019 planted late (in 2021) for the inspection checks.
    assert gt["by_column"]["首页 >> 政府信息公开 >> 政府信息公开年报"] == 2
    assert gt["by_year_column"]["2020"]["政府信息公开年报"] == 0


def test_timeliness_delays_match_the_official_calendar():
    docs = build_portal().documents
    delays = [workdays_between(d.formed, d.published) for d in docs if d.formed]
    on_time = sum(1 for delay in delays if 0 <= delay <= 14)
    assert on_time / len(delays) > 0.9
    assert max(delays) <= 40 and min(delays) >= -3
    # Some planted delays straddle the 2020 Spring Festival break (2020-01-24 .. 02-02).
    assert any(d.formed < dt.date(2020, 1, 24) and dt.date(2020, 2, 2) < d.published < dt.date(2020, 2, 15)
               for d in docs if d.formed)


def test_wait_returns_once_the_server_is_closed():
    running = serve()
    waiter = threading.Thread(target=running.wait)
    waiter.start()
    assert waiter.is_alive()
    running.close()
    waiter.join(5)
    assert not waiter.is_alive()


def http_get(site, path: str, headers: dict | None = None, method: str = "GET") -> http.client.HTTPResponse:
    """One request on a fresh connection; the reply is read."""
    connection = http.client.HTTPConnection(site.host, site.port, timeout=10)
    connection.request(method, path, headers=headers or {})
    reply = connection.getresponse()
    reply.body = reply.read()
    connection.close()
    return reply


def test_detail_pages_send_validators_of_their_content(site):
    doc, other = site.portal.documents[:2]
    reply = http_get(site, doc.url)
    etag, modified = reply.getheader("ETag"), reply.getheader("Last-Modified")
    assert re.fullmatch(r'"[0-9a-f]{16,}"', etag)
    assert parsedate_to_datetime(modified) == dt.datetime.combine(doc.published, dt.time(), dt.timezone.utc)
    assert http_get(site, doc.url).getheader("ETag") == etag
    assert http_get(site, other.url).getheader("ETag") != etag
    news = http_get(site, site.portal.news[0].url)
    assert news.getheader("ETag") and news.getheader("Last-Modified")


def test_matching_validators_get_a_bodiless_304(site):
    doc = site.portal.documents[3]
    full = http_get(site, doc.url)
    etag, modified = full.getheader("ETag"), full.getheader("Last-Modified")
    day_before = format_datetime(parsedate_to_datetime(modified) - dt.timedelta(days=1), usegmt=True)
    cases = {
        (("If-None-Match", etag),): 304,
        (("If-None-Match", f'"other", W/{etag}'),): 304,
        (("If-None-Match", "*"),): 304,
        (("If-None-Match", '"other"'),): 200,
        (("If-Modified-Since", modified),): 304,
        (("If-Modified-Since", day_before),): 200,
        (("If-Modified-Since", "not a date"),): 200,
        # If-None-Match decides when both are sent.
        (("If-None-Match", '"other"'), ("If-Modified-Since", modified)): 200,
    }
    for headers, status in cases.items():
        reply = http_get(site, doc.url, dict(headers))
        assert reply.status == status, headers
        assert reply.getheader("ETag") == etag
        assert reply.body == (full.body if status == 200 else b"")
    assert http_get(site, doc.url, {"If-None-Match": etag}, method="HEAD").status == 304


def test_keep_alive_survives_a_304(site):
    doc = site.portal.documents[4]
    connection = http.client.HTTPConnection(site.host, site.port, timeout=10)
    connection.request("GET", doc.url)
    first = connection.getresponse()
    body = first.read()
    for headers, status in (({"If-None-Match": first.getheader("ETag")}, 304), ({}, 200)):
        connection.request("GET", doc.url, headers=headers)
        reply = connection.getresponse()
        assert (reply.status, reply.read()) == (status, body if status == 200 else b"")
    connection.close()


def test_listing_and_navigation_pages_send_no_validators(site):
    for path in ("/", "/zfxxgk.htm", "/zfxxgk/tzgg.htm", "/zfxxgk/tzgg/1.htm"):
        reply = http_get(site, path, {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})
        assert reply.status == 200 and reply.body, path
        assert reply.getheader("ETag") is None and reply.getheader("Last-Modified") is None, path
