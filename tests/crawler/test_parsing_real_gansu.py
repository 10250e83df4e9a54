"""A real page of Gansu's shared platform (甘肃省发展和改革委员会, 通知公告).

No metadata grid: a ``日期：… 来源：`` line under an ``<h1>`` holding a ``<br>``; the
PubDate meta tag is the page-generation time (it equals the 页面生成时间 note), and
ContentSource names an internal division; the breadcrumb is ``div.BreadcrumbNav``.
"""

from pathlib import Path

from crawler.parsing import parse_page

PAGE = Path(__file__).parents[1] / "files" / "real" / "pages" / "gansu-fzgg-tzgg-detail.html"
URL = "https://fzgg.gansu.gov.cn/fzgg/tzgg/202502/174084153.shtml"
RECORD = parse_page(PAGE.read_bytes(), url=URL)


def test_parsed_without_internal_error():
    assert not [w for w in RECORD["warnings"] if w.startswith("parse failed")]


def test_title_joins_the_heading_across_its_br():
    assert RECORD["title"] == "甘肃省发展和改革委员会等部门关于印发《甘肃省关于加力支持工业企业设备更新的若干措施》的通知"


def test_published_on_is_the_visible_date_not_the_generation_time():
    assert RECORD["published_on"] == "2025-02-26"


def test_created_on_is_the_signature_date():
    assert (RECORD["created_on"], RECORD["created_on_source"]) == ("2025-02-25", "body")


def test_no_index_no():
    assert RECORD["index_no"] is None


def test_no_doc_no():
    assert RECORD["doc_no"] is None


def test_blank_source_is_null_not_the_internal_division_of_the_meta_tag():
    assert RECORD["publisher"] is None


def test_breadcrumb_from_breadcrumbnav():
    assert RECORD["breadcrumb"] == ["首页", "新闻动态", "通知公告"]


def test_one_attachment():
    assert len(RECORD["attachments"]) == 1
