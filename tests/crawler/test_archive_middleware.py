"""The archive middleware on real Scrapy responses: the crawl's attachment budget and
what it leaves for the spider, read back from the WARC file it writes."""

import hashlib
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response
from warcio.archiveiterator import ArchiveIterator

from crawler.archive import WarcArchive, archive_dir, read_record
from tests.responses import portal_spider, project_crawler


def middleware(tmp_path, **settings):
    crawler = project_crawler(tmp_path / "govwatch.db", **settings)
    spider = portal_spider(crawler, site="leda")
    spider.crawl_id = 7
    return WarcArchive.from_crawler(crawler), crawler


def answer(url, body, meta=None, cls=Response, status=200):
    request = Request(url, meta=meta or {})
    return request, cls(url, status=status, body=body, request=request,
                        headers={"Content-Type": "application/pdf", "Transfer-Encoding": "chunked"})


def test_attachments_stop_at_the_crawl_budget_and_pages_are_still_archived(tmp_path):
    archive, crawler = middleware(tmp_path, GOVWATCH_ARCHIVE_ATTACHMENTS_BYTES=100)
    first = answer("http://portal/a.pdf", b"%PDF" + b"1" * 56, {"attachment_of": "http://portal/d.htm"})
    second = answer("http://portal/b.pdf", b"%PDF" + b"2" * 56, {"report_file": "http://portal/b.pdf"})
    page = answer("http://portal/d.htm", b"<html><body>x</body></html>" * 20, cls=HtmlResponse)
    for request, response in (first, second, page):
        assert archive.process_response(request, response) is response
    archive.spider_closed(crawler.spider, "finished")
    assert "warc" in first[0].meta and "archive_skipped" not in first[0].meta
    assert second[0].meta == {"report_file": "http://portal/b.pdf", "archive_skipped": True}
    directory = archive_dir(crawler.settings)
    assert directory == Path(str(tmp_path / "govwatch.db") + ".warc")
    kind, content_type, body = read_record(directory / page[0].meta["warc"]["warc_file"],
                                           page[0].meta["warc"]["warc_offset"])
    assert (kind, content_type, body) == ("response", "application/pdf", page[1].body)
    (name,) = [path.name for path in directory.iterdir()]
    assert name.startswith("govwatch-7-") and name.endswith("-00001.warc.gz")
    with open(directory / name, "rb") as file:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                    r.http_headers.get_header("Transfer-Encoding") if r.http_headers else None,
                    hashlib.sha256(r.content_stream().read()).hexdigest())
                   for r in ArchiveIterator(file)]
    assert [(kind, url) for kind, url, _, _ in records] == [
        ("warcinfo", None), ("request", "http://portal/a.pdf"), ("response", "http://portal/a.pdf"),
        ("request", "http://portal/d.htm"), ("response", "http://portal/d.htm")]
    # Scrapy has undone the chunking: the archive must not claim it.
    assert all(te is None for _, _, te, _ in records)
    assert records[2][3] == hashlib.sha256(first[1].body).hexdigest()


def test_files_rotate_at_their_size(tmp_path):
    archive, crawler = middleware(tmp_path, GOVWATCH_ARCHIVE_ROTATE_BYTES=1000)
    for k in range(4):
        request, response = answer(f"http://portal/{k}.htm", bytes(range(256)) * 8, cls=HtmlResponse)
        archive.process_response(request, response)
    archive.spider_closed(crawler.spider, "finished")
    names = sorted(path.name for path in archive_dir(crawler.settings).iterdir())
    assert [name[-13:] for name in names] == [f"{k:05d}.warc.gz" for k in range(1, 5)]


def test_archiving_off_is_no_middleware(tmp_path):
    with pytest.raises(NotConfigured):
        middleware(tmp_path, GOVWATCH_ARCHIVE_DIR="off")


def test_a_gzip_encoded_page_reads_back_decoded(tmp_path):
    import gzip

    archive, crawler = middleware(tmp_path)
    page = "<html><body>公开</body></html>".encode("utf-8")
    request = Request("http://portal/z.htm")
    response = Response("http://portal/z.htm", body=gzip.compress(page), request=request,
                        headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"})
    archive.process_response(request, response)
    archive.spider_closed(crawler.spider, "finished")
    where = request.meta["warc"]
    assert read_record(archive_dir(crawler.settings) / where["warc_file"], where["warc_offset"]) == (
        "response", "text/html; charset=utf-8", page)
