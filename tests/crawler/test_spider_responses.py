"""The spider's ``parse`` on saved responses: what it yields for a detail page, a
listing, a 304, and for documents the database already holds."""

import datetime as dt
import shutil

import scrapy
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure
from w3lib.url import canonicalize_url

from crawler.items import (RENDERED_BY_JAVASCRIPT, ColumnReadItem, CrawlNoteItem, LinkCheckItem, LinksItem,
                           ListedPageItem, PageItem, SeenItem)
from crawler.parsing import parse_page
from crawler.pipelines import SQLitePipeline
from crawler.spiders.portal import Known, KnownState, rota_turn
from tests.responses import FILES, file_response, portal_spider, project_crawler

DETAIL_URL = "http://www.leda.gov.cn/info/1048/4263.htm"
VSB_LISTING_URL = "http://www.leda.gov.cn/zfxxgk/tzgg.htm"
GANSU_LISTING = "real/pages/list-gansu-jyt-wjtz.html"
GANSU_LISTING_URL = "https://jyt.gansu.gov.cn/jyt/c110634/zwgklist.shtml"


def leda_spider(tmp_path, **kwargs):
    return portal_spider(project_crawler(tmp_path / "govwatch.db"), site="leda", **kwargs)


def requests_of(results) -> list[tuple[str, dict]]:
    """(URL, meta) of each request among a callback's results, in order."""
    return [(result.url, result.meta) for result in results if isinstance(result, scrapy.Request)]


def test_a_detail_page_is_one_page_item_with_the_parsers_record_and_the_validators(tmp_path):
    response = file_response("leda_vsb_detail.html", DETAIL_URL,
                             headers={"ETag": '"5f92a1"', "Last-Modified": "Fri, 23 Oct 2020 08:00:00 GMT"})
    results = list(leda_spider(tmp_path).parse(response))
    expected = parse_page((FILES / "leda_vsb_detail.html").read_bytes(), DETAIL_URL, None)
    assert results[0] == PageItem({**expected, "url": canonicalize_url(DETAIL_URL)},
                                  '"5f92a1"', "Fri, 23 Oct 2020 08:00:00 GMT")
    assert expected["is_disclosure"] and expected["title"] == "召开政务公开业务培训会"
    # Its attachment (a download.jsp link) is downloaded into the archive, within the per-file limit.
    assert [(url, meta["attachment_of"], meta["attachment_url"], meta["download_maxsize"])
            for url, meta in requests_of(results[1:])] == [
        (item["url"], canonicalize_url(DETAIL_URL), item["url"], 20 * 2**20) for item in expected["attachments"]]
    assert expected["attachments"]


def test_no_attachment_is_downloaded_when_archiving_is_off(tmp_path):
    crawler = project_crawler(tmp_path / "govwatch.db", GOVWATCH_ARCHIVE_DIR="off")
    spider = portal_spider(crawler, site="leda")
    results = list(spider.parse(file_response("leda_vsb_detail.html", DETAIL_URL)))
    assert [type(result) for result in results] == [PageItem, LinkCheckItem, LinksItem]


def test_a_vsb_listing_requests_its_links_in_the_section_then_its_count_down_pages(tmp_path):
    results = list(leda_spider(tmp_path).parse(file_response("leda_vsb_listing.html", VSB_LISTING_URL)))
    # A column never read to its end starts its sweep: up to GOVWATCH_SWEEP_PAGES (10) older
    # pages tonight, here all five, newest first.
    assert requests_of(results) == [
        ("http://www.leda.gov.cn/zfxxgk.htm", {}),
        ("http://www.leda.gov.cn/info/1048/4263.htm", {}),
        ("http://www.leda.gov.cn/info/1048/4251.htm", {}),
        ("http://www.leda.gov.cn/info/1048/4240.htm", {}),
    ] + [(f"http://www.leda.gov.cn/zfxxgk/tzgg/{n}.htm", {"generated_from": VSB_LISTING_URL}) for n in (5, 4, 3, 2, 1)]
    assert [result for result in results if not isinstance(result, (scrapy.Request, LinksItem))] == [
        ColumnReadItem(VSB_LISTING_URL), LinkCheckItem(VSB_LISTING_URL, 200, None, "GET")]


LISTED = {"http://www.leda.gov.cn/info/1048/4263.htm": "2020-10-23",
          "http://www.leda.gov.cn/info/1048/4251.htm": "2020-10-12",
          "http://www.leda.gov.cn/info/1048/4240.htm": "2020-09-30"}


def incremental_spider(tmp_path, documents: dict[str, str], column_read_at: str | None, sweep=None, **settings):
    """A nightly crawl's spider knowing ``documents`` (URL: stored date), verified now, whose
    re-verification share misses them and the VSB column, last read in full at ``column_read_at``
    (with ``sweep``, (resume page, started at), a sweep of it under way)."""
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    known = KnownState({url: Known(date, now, None, None, None) for url, date in documents.items()}, 0, {},
                       {} if column_read_at is None else {VSB_LISTING_URL: column_read_at}, {},
                       {} if sweep is None else {VSB_LISTING_URL: sweep})
    settings = {"GOVWATCH_REVERIFY_DAYS": 10_000, **settings}
    spider = portal_spider(project_crawler(tmp_path / "govwatch.db", **settings), site="leda", known=known)
    rota = {rota_turn(url, 10_000) for url in [*documents, VSB_LISTING_URL]}
    spider.slice = min(set(range(10_000)) - rota)
    return spider


def page_requests(spider, url=VSB_LISTING_URL, meta=None) -> list[str]:
    results = spider.parse(file_response("leda_vsb_listing.html", url, meta=meta or {}))
    return [url for url, meta in requests_of(results) if meta.get("generated_from") == VSB_LISTING_URL]


def test_a_listing_page_of_known_documents_with_their_dates_ends_the_nightly_read_of_its_column(tmp_path):
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert page_requests(incremental_spider(tmp_path, LISTED, now)) == []


def test_a_new_or_redated_document_on_a_listing_page_reads_the_next_page_only(tmp_path):
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    unknown = {url: date for url, date in LISTED.items() if not url.endswith("/4263.htm")}
    redated = {**LISTED, "http://www.leda.gov.cn/info/1048/4240.htm": "2020-09-29"}
    for documents in (unknown, redated):
        spider = incremental_spider(tmp_path, documents, now)
        assert page_requests(spider) == ["http://www.leda.gov.cn/zfxxgk/tzgg/5.htm"]
        # That page shows a new document too: the one after it follows, in reading order.
        later = page_requests(spider, "http://www.leda.gov.cn/zfxxgk/tzgg/5.htm", {"generated_from": VSB_LISTING_URL})
        assert later == ["http://www.leda.gov.cn/zfxxgk/tzgg/4.htm"]


def test_a_column_not_read_in_full_for_reverify_days_is_read_in_full(tmp_path):
    for read_at in (None, "1990-01-01T00:00:00Z"):  # 10,000 days before now: 1999
        assert page_requests(incremental_spider(tmp_path, LISTED, read_at)) == [
            f"http://www.leda.gov.cn/zfxxgk/tzgg/{n}.htm" for n in (5, 4, 3, 2, 1)]


def test_a_sweep_is_written_at_once_and_completed_after_its_last_page(tmp_path):
    spider = leda_spider(tmp_path)
    first = list(spider.parse(file_response("leda_vsb_listing.html", VSB_LISTING_URL)))
    assert [result for result in first if isinstance(result, ColumnReadItem)] == [ColumnReadItem(VSB_LISTING_URL)]
    outcomes = []
    for n in (5, 4, 3, 2, 1):
        url = f"http://www.leda.gov.cn/zfxxgk/tzgg/{n}.htm"
        results = list(spider.parse(file_response("leda_vsb_listing.html", url,
                                                  meta={"generated_from": VSB_LISTING_URL})))
        assert not any(isinstance(result, ColumnReadItem) for result in results)
        outcomes.append(spider.sweep_outcomes())
    # Pages still to come: tonight's part is not done; after the last one the column is read,
    # as of the night its sweep began.
    assert outcomes == [({}, {VSB_LISTING_URL: 2})] * 4 + [({VSB_LISTING_URL: spider.started_at}, {})]


def test_a_sweep_resumes_from_the_page_that_failed(tmp_path):
    spider = leda_spider(tmp_path)
    list(spider.parse(file_response("leda_vsb_listing.html", VSB_LISTING_URL)))
    for n in (5, 3, 2, 1):
        list(spider.parse(file_response("leda_vsb_listing.html", f"http://www.leda.gov.cn/zfxxgk/tzgg/{n}.htm",
                                        meta={"generated_from": VSB_LISTING_URL})))
    failure = Failure(TwistedTimeoutError())
    failure.request = scrapy.Request("http://www.leda.gov.cn/zfxxgk/tzgg/4.htm", meta={"generated_from": VSB_LISTING_URL})
    list(spider.on_error(failure))
    # tzgg/4.htm is the column's third page in reading order.
    assert spider.sweep_outcomes() == ({}, {VSB_LISTING_URL: 3})


def test_a_sweep_under_way_reads_its_pages_from_the_last_one_read_then_resumes_from_its_last(tmp_path):
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    # Page n of the column is tzgg/(7 - n).htm: the first page, then 5.htm … 1.htm.
    spider = incremental_spider(tmp_path, LISTED, now, (3, "2026-01-01T00:00:00Z"), GOVWATCH_SWEEP_PAGES=2)
    assert page_requests(spider) == [f"http://www.leda.gov.cn/zfxxgk/tzgg/{n}.htm" for n in (4, 3, 2)]
    # The saved page read at tzgg/N.htm links documents elsewhere, not known: each page of
    # it leads on to the next, so tzgg/1.htm is asked for by the early stop, not the sweep.
    for n in (4, 3, 2, 1):
        list(spider.parse(file_response("leda_vsb_listing.html", f"http://www.leda.gov.cn/zfxxgk/tzgg/{n}.htm",
                                        meta={"generated_from": VSB_LISTING_URL})))
    assert spider.sweep_outcomes() == ({}, {VSB_LISTING_URL: 5})
    # A new sweep reads SWEEP_PAGES pages, no overlap; the next night reaches the end.
    spider = incremental_spider(tmp_path, LISTED, None, None, GOVWATCH_SWEEP_PAGES=2)
    assert page_requests(spider) == [f"http://www.leda.gov.cn/zfxxgk/tzgg/{n}.htm" for n in (5, 4)]
    spider = incremental_spider(tmp_path, LISTED, now, (5, "2026-01-01T00:00:00Z"), GOVWATCH_SWEEP_PAGES=2)
    assert page_requests(spider) == [f"http://www.leda.gov.cn/zfxxgk/tzgg/{n}.htm" for n in (2, 1)]
    for n in (2, 1):
        list(spider.parse(file_response("leda_vsb_listing.html", f"http://www.leda.gov.cn/zfxxgk/tzgg/{n}.htm",
                                        meta={"generated_from": VSB_LISTING_URL})))
    assert spider.sweep_outcomes() == ({VSB_LISTING_URL: "2026-01-01T00:00:00Z"}, {})


def test_a_sweep_resuming_past_the_pages_announced_reads_the_furthest_one_then_ends(tmp_path):
    # The column has shrunk, or announces its pages a few at a time: its furthest page
    # announced is read (it may announce more); once nothing is left, the sweep is done.
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    spider = incremental_spider(tmp_path, LISTED, now, (30, "2026-01-01T00:00:00Z"))
    assert page_requests(spider) == ["http://www.leda.gov.cn/zfxxgk/tzgg/1.htm"]
    later = page_requests(spider, "http://www.leda.gov.cn/zfxxgk/tzgg/1.htm", {"generated_from": VSB_LISTING_URL})
    assert later == []
    assert spider.sweep_outcomes() == ({VSB_LISTING_URL: "2026-01-01T00:00:00Z"}, {})


def test_a_sweep_reads_more_pages_a_night_when_it_would_outlast_reverify_days(tmp_path):
    # Five older pages, one a night, in two nights: three a night.
    spider = incremental_spider(tmp_path, LISTED, None, None, GOVWATCH_SWEEP_PAGES=1, GOVWATCH_REVERIFY_DAYS=2)
    assert page_requests(spider) == [f"http://www.leda.gov.cn/zfxxgk/tzgg/{n}.htm" for n in (5, 4, 3)]


def test_the_gansu_listing_requests_its_hidden_documents_and_generated_pages_and_is_noted(tmp_path):
    spider = portal_spider(project_crawler(tmp_path / "govwatch.db"), start_url=GANSU_LISTING_URL,
                           allow_prefix="/jyt/c110634/")
    results = list(spider.parse(file_response(GANSU_LISTING, GANSU_LISTING_URL)))
    notes = [result for result in results if isinstance(result, CrawlNoteItem)]
    assert [(note.url, note.kind, note.title) for note in notes] == [
        (GANSU_LISTING_URL, RENDERED_BY_JAVASCRIPT, "文件通知 - 甘肃省教育厅")]
    requests = requests_of(results)
    documents = [url for url, meta in requests if "/2025" in url]
    assert len(documents) == 20 and documents[0] == "https://jyt.gansu.gov.cn/jyt/c110634/202511/174240943.shtml"
    # The page itself, first of the pages createPageHTML announces, is not asked for again.
    assert [(url, meta) for url, meta in requests if "zwgklist" in url] == [
        (f"https://jyt.gansu.gov.cn/jyt/c110634/zwgklist_{n}.shtml", {"generated_from": GANSU_LISTING_URL})
        for n in range(2, 11)]
    assert len(requests) == 29


def test_a_generated_page_of_a_rendered_listing_is_not_noted_again(tmp_path):
    spider = portal_spider(project_crawler(tmp_path / "govwatch.db"), start_url=GANSU_LISTING_URL)
    page = GANSU_LISTING_URL.replace("zwgklist", "zwgklist_2")
    results = list(spider.parse(file_response(GANSU_LISTING, page, meta={"generated_from": GANSU_LISTING_URL})))
    assert not any(isinstance(result, CrawlNoteItem) for result in results)
    assert requests_of(results)


def test_a_304_is_a_verified_sighting(tmp_path):
    response = file_response(None, "http://www.leda.gov.cn/info/1048/4263.htm?b=2&a=1", status=304)
    # A 304 answers for the link graph too: the page is there.
    assert list(leda_spider(tmp_path).parse(response)) == [
        SeenItem("http://www.leda.gov.cn/info/1048/4263.htm?a=1&b=2", verified=True),
        LinkCheckItem("http://www.leda.gov.cn/info/1048/4263.htm?a=1&b=2", 304, None, "GET")]


def test_a_known_document_listed_with_its_date_is_seen_and_one_listed_with_another_date_is_verified(tmp_path):
    db = tmp_path / "govwatch.db"
    first = portal_spider(project_crawler(db), site="leda")
    pipeline = SQLitePipeline.from_crawler(first.crawler)
    pipeline.open_spider()
    for path, url, etag in [("leda_vsb_detail.html", DETAIL_URL, '"a"'),
                            ("leda_vsb_detail.html", "http://www.leda.gov.cn/info/1048/4251.htm", '"b"')]:
        pipeline.process_item(next(iter(first.parse(file_response(path, url, headers={"ETag": etag})))))
    pipeline.spider_closed(first, "finished")

    # A second crawl, whose re-verification share misses both documents.
    second = portal_spider(project_crawler(db, GOVWATCH_REVERIFY_DAYS=10_000), site="leda")
    rota = {rota_turn(url, 10_000)
            for url in (DETAIL_URL, "http://www.leda.gov.cn/info/1048/4251.htm")}
    second.slice = min(set(range(10_000)) - rota)
    results = list(second.parse(file_response("leda_vsb_listing.html", VSB_LISTING_URL)))
    # The stored page says 2020-10-23: the first link's date; the second link says 2020-10-12.
    assert SeenItem(DETAIL_URL, verified=False) in results
    verify = [result for result in results
              if isinstance(result, scrapy.Request) and result.url.endswith("/4251.htm")]
    assert [(request.headers.get("If-None-Match"), request.meta) for request in verify] == [
        (b'"b"', {"handle_httpstatus_list": [304]})]



def test_a_database_of_an_older_schema_is_what_the_next_crawl_starts_from(tmp_path):
    db = tmp_path / "govwatch.db"
    shutil.copy(FILES / "databases" / "schema-v4.db", db)
    spider = leda_spider(tmp_path)
    # Two crawls ran before: this one takes the third share of the re-verification rota.
    assert spider.slice == 2
    assert [url for url, known in spider.known.items() if known.removed_at] == [
        "http://www.leda.gov.cn/info/1051/6001.htm"]
    assert spider.known[DETAIL_URL].etag == '"e1"' and len(spider.known) == 4


def test_a_report_file_a_listing_links_only_inside_a_comment_is_downloaded(tmp_path):
    url = "http://www.leda.gov.cn/zfxxgk/nb.htm"
    response = file_response("listing_commented_report_file.html", url)
    downloads = [(request_url, meta["report_title"]) for request_url, meta in requests_of(leda_spider(tmp_path).parse(response))
                 if "report_file" in meta]
    assert downloads == [("http://www.leda.gov.cn/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1"
                          "&wbfileid=31", "示例区2019年政府信息公开工作年度报告")]


def test_a_dated_page_of_a_listing_that_is_not_a_document_is_remembered_and_then_skipped(tmp_path):
    news = "http://www.leda.gov.cn/info/1048/4251.htm"
    spider = leda_spider(tmp_path)
    list(spider.parse(file_response("leda_vsb_listing.html", VSB_LISTING_URL)))
    results = list(spider.parse(file_response("news_page.html", news, headers={"ETag": '"n"'})))
    assert [result for result in results if isinstance(result, ListedPageItem)] == [
        ListedPageItem(news, "2020-10-12", '"n"', None)]

    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    nightly = incremental_spider(tmp_path, LISTED, now)
    nightly.known[news] = Known("2020-10-12", now, '"n"', None, None, document=False)
    results = list(nightly.parse(file_response("leda_vsb_listing.html", VSB_LISTING_URL)))
    assert SeenItem(news, verified=False) in results
    assert news not in [url for url, _ in requests_of(results)]
    # Not listed at all, it is not fetched either: a listed page is no document to re-verify.
    nightly.handled.clear()
    nightly.slice = rota_turn(news, 10_000)
    assert nightly.needs_fetch(news, nightly.known[news], None)
    nightly.crawler.engine = None  # verify_unlisted must not need it: nothing is due
    nightly.known = {news: nightly.known[news]}
    nightly.verify_unlisted()


def test_the_rota_turn_of_a_page_does_not_depend_on_its_host_or_port():
    turns = {rota_turn(f"http://{host}/info/1048/4251.htm?a=1", 30)
             for host in ("www.leda.gov.cn", "127.0.0.1:8001", "127.0.0.1:40123")}
    assert len(turns) == 1 and rota_turn("http://h/info/1048/4251.htm?a=2", 30_000) != rota_turn(
        "http://h/info/1048/4251.htm?a=1", 30_000)
