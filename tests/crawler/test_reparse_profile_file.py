"""``govwatch reparse`` reads a crawl's pages with the body hints of the profile the crawl
used, a profile loaded from a file included: the crawl records them in ``crawl_runs``."""

import json

import pytest

from monitor.demo.html_server import html_server
from tests.conftest import govwatch
from tests.sqlite_rows import query

# Crawls a two-page site served on 127.0.0.1, in a subprocess.
pytestmark = pytest.mark.slow

HOME = "<html><head><meta charset='utf-8'><title>示例局</title></head><body><a href='/info/1.htm'>通知</a></body></html>"
# The generic TRS_Editor container holds a related-links box; the portal's own is "wenzhang".
DETAIL = """<html><head><meta charset="utf-8"><title>关于印发某某办法的通知</title></head><body>
<table><tr><td>索引号：</td><td>11371300MB28569548/2020-00001</td></tr>
<tr><td>发布日期：</td><td>2020-03-02</td></tr></table>
<div class="TRS_Editor"><p>相关链接：本站的推荐阅读栏目，与正文无关的一段文字。</p></div>
<div class="wenzhang"><p>各有关单位：现将某某办法印发给你们，请认真贯彻执行。</p></div>
</body></html>"""
BODY = "各有关单位：现将某某办法印发给你们，请认真贯彻执行。"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reparse-profile")
    pages = {"/": HOME, "/info/1.htm": DETAIL}
    with html_server(lambda path: (200, pages[path].encode()) if path in pages else (404, b"")) as url:
        profile = tmp / "own.toml"
        profile.write_text(f'name = "own"\nstart_urls = ["{url}/"]\nbody_classes = ["wenzhang"]\n', encoding="utf-8")
        db = tmp / "govwatch.db"
        result = govwatch("crawl", "--profile", profile, "--db", db)
        assert result.returncode == 0, result.stderr
    return db


def test_the_crawl_records_its_profiles_body_hints_and_archive(crawled):
    [(ids, classes, archive)] = query(crawled, "SELECT body_ids, body_classes, archive_dir FROM crawl_runs")
    assert (json.loads(ids), json.loads(classes)) == ([], ["wenzhang"])
    assert archive == str(crawled.resolve()) + ".warc"
    assert query(crawled, "SELECT body_text FROM documents") == [(BODY,)]


def test_reparse_reads_with_the_profiles_hints_and_changes_nothing(crawled):
    result = govwatch("reparse", "--db", crawled, "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert query(crawled, "SELECT body_text FROM documents") == [(BODY,)]
    assert query(crawled, "SELECT count(*) FROM document_versions") == [(1,)]
