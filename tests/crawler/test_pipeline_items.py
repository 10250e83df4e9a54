"""The item pipeline as Scrapy builds it (``from_crawler`` on a real crawler), storing
the spider's items from saved responses into a real SQLite file."""

import json
import sqlite3

from crawler.items import CrawlNoteItem, FetchErrorItem, PageItem, ReportFileItem, SeenItem
from crawler.pipelines import SQLitePipeline
from tests.responses import file_response, portal_spider, project_crawler

PAGES = {
    "http://www.leda.gov.cn/info/1048/4263.htm": "leda_vsb_detail.html",
    "http://www.leda.gov.cn/info/1050/5120.htm": "li_span_detail.html",
    "http://www.leda.gov.cn/info/1051/6001.htm": "td_b_grid_detail.html",
}


def rows(db, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def crawl(db, items_of, *, full=False, batch_size=2):
    """Run the pipeline over what ``items_of(spider)`` yields, as one crawl that finishes."""
    spider = portal_spider(project_crawler(db, GOVWATCH_BATCH_SIZE=batch_size), site="leda", full=full)
    pipeline = SQLitePipeline.from_crawler(spider.crawler)
    pipeline.open_spider()
    for item in items_of(spider):
        assert pipeline.process_item(item) is item
    pipeline.spider_closed(spider, "finished")
    return pipeline


def detail_items(spider):
    """The page items the spider makes of the saved detail pages."""
    for url, path in PAGES.items():
        # The rest are downloads of its attachments into the archive.
        item, *_ = spider.parse(file_response(path, url, headers={"ETag": f'"{path}"'}))
        assert isinstance(item, PageItem)
        yield item


def test_pages_are_stored_with_their_validators_and_counted_in_the_finished_run(tmp_path):
    db = tmp_path / "govwatch.db"
    crawl(db, detail_items)
    assert rows(db, "SELECT url, etag, removed_at FROM documents ORDER BY url") == [
        (url, f'"{path}"', None) for url, path in sorted(PAGES.items())]
    assert rows(db, "SELECT count(*) FROM document_versions") == [(3,)]
    assert rows(db, "SELECT status, site, start_urls, documents_new, documents_updated, documents_unchanged,"
                    " errors, finished_at IS NOT NULL FROM crawl_runs") == [
        ("finished", "leda", json.dumps(["http://www.leda.gov.cn/"]), 3, 0, 0, 0, 1)]


def test_a_second_crawl_counts_sightings_errors_notes_removals_and_report_files(tmp_path):
    db = tmp_path / "govwatch.db"
    crawl(db, detail_items)
    seen, listed, gone = sorted(PAGES)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE documents SET verified_at = '2020-01-01T00:00:00Z'")
    crawl(db, lambda spider: [
        SeenItem(seen, verified=True),
        SeenItem(listed, verified=False),
        FetchErrorItem(gone, 404, "HTTP 404"),
        FetchErrorItem("http://www.leda.gov.cn/info/1048/9999.htm", 404, "HTTP 404"),
        FetchErrorItem("http://www.leda.gov.cn/zfxxgk/tzgg/3.htm", 500, "HTTP 500"),
        CrawlNoteItem("http://www.leda.gov.cn/zfxxgk/tzgg.htm", "rendered_by_javascript", "通知公告", "a script"),
        ReportFileItem("http://www.leda.gov.cn/files/2020.pdf", "http://www.leda.gov.cn/info/1048/4263.htm",
                       "2020年政府信息公开工作年度报告", "application/pdf", b"%PDF-1.4 report"),
    ])
    second = rows(db, "SELECT max(id) FROM crawl_runs")[0][0]
    assert rows(db, "SELECT status, documents_new, documents_unchanged, errors FROM crawl_runs WHERE id = ?",
                second) == [("finished", 0, 2, 2)]
    # A known document's 404 is its removal; an unknown URL's is a fetch error like any other.
    assert rows(db, "SELECT url FROM documents WHERE removed_at IS NOT NULL") == [(gone,)]
    assert rows(db, "SELECT url, kind FROM events WHERE kind = 'removed'") == [(gone, "removed")]
    assert rows(db, "SELECT url, status FROM fetch_errors WHERE crawl_id = ? ORDER BY url", second) == [
        ("http://www.leda.gov.cn/info/1048/9999.htm", 404), ("http://www.leda.gov.cn/zfxxgk/tzgg/3.htm", 500)]
    assert rows(db, "SELECT crawl_id, kind, title FROM crawl_notes") == [
        (second, "rendered_by_javascript", "通知公告")]
    assert rows(db, "SELECT url, title FROM report_files") == [
        ("http://www.leda.gov.cn/files/2020.pdf", "2020年政府信息公开工作年度报告")]
    # Both sightings belong to the second crawl; only the verified one moves verified_at on.
    sightings = {url: (crawl_id, at > "2020-01-01T00:00:00Z")
                 for url, crawl_id, at in rows(db, "SELECT url, crawl_id, verified_at FROM documents")}
    assert (sightings[seen], sightings[listed]) == ((second, True), (second, False))


def test_a_complete_full_crawl_marks_what_it_did_not_see_removed(tmp_path):
    db = tmp_path / "govwatch.db"
    crawl(db, detail_items)
    kept = sorted(PAGES)[0]
    crawl(db, lambda spider: [next(item for item in detail_items(spider) if item.record["url"] == kept)], full=True)
    assert rows(db, "SELECT url FROM documents WHERE removed_at IS NULL") == [(kept,)]
    assert {detail for (detail,) in rows(db, "SELECT detail FROM events WHERE kind = 'removed'")} == {
        json.dumps({"reason": "absent from a full crawl"})}


def test_script_and_data_links_are_never_stored_as_attachments(tmp_path):
    from storage.documents import content_hash

    hostile = [
        {"name": "a.pdf", "url": "javascript:alert(1)//a.pdf"},
        {"name": "b.pdf", "url": "java\tscript:alert(1)//b.pdf"},
        {"name": "c.pdf", "url": "\x01 JaVaScRiPt:alert(1)//c.pdf"},
        {"name": "d.pdf", "url": "data:text/html,<script>alert(1)</script>.pdf"},
        {"name": "e.doc", "url": "vb\nscript:msgbox(1)//e.doc"},
    ]
    good = {"name": "通知.pdf", "url": "http://portal/a.pdf"}
    page = {}

    def items(spider):
        item = next(detail_items(spider))
        page.update(item.record, attachments=[good])
        item.record["attachments"] = [*hostile, good]
        return [item]

    db = tmp_path / "govwatch.db"
    crawl(db, items)
    assert rows(db, "SELECT name, url FROM attachments") == [("通知.pdf", "http://portal/a.pdf")]
    ((stored, digest),) = rows(db, "SELECT attachments, content_hash FROM documents")
    assert json.loads(stored) == [good]
    ((version,),) = rows(db, "SELECT record FROM document_versions")
    assert json.loads(version)["attachments"] == [good]
    # What is stored is the page without those links, hash included.
    assert digest == content_hash(page)
