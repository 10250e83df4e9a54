"""A real Angular page (国家金融监督管理总局 浙江监管局, 行政处罚信息公开表), saved as rendered.

Its metadata block shows the labels 索 引 号 / 主题分类 / 办文部门 / 发文日期 / 文号 all
blank; the date and the issuing office stand in a ``发布时间：… 来源：…`` line; the meta
tag ContentSource shortens the office to 浙江; the breadcrumb is ``<li ng-repeat>`` items.
"""

from pathlib import Path

from crawler.parsing import parse_page

PAGE = Path(__file__).parents[1] / "files" / "real" / "pages" / "nfra-zhejiang-xzcf-rendered.html"
URL = "https://www.nfra.gov.cn/cn/view/pages/ItemDetail.html?docId=1212085&itemId=4114&generaltype=9"
RECORD = parse_page(PAGE.read_bytes(), url=URL)


def test_parsed_without_internal_error():
    assert not [w for w in RECORD["warnings"] if w.startswith("parse failed")]


def test_blank_metadata_block_with_title_and_date_is_a_disclosure_page():
    assert RECORD["is_disclosure"] is True


def test_title():
    assert RECORD["title"] == "国家金融监督管理总局浙江监管局行政处罚信息公开表（浙金罚决字〔2024〕52号）"


def test_blank_index_no_is_null():
    assert RECORD["index_no"] is None


def test_publisher_from_the_visible_source_not_the_meta_tag():
    assert RECORD["publisher"] == "浙江监管局"


def test_published_on():
    assert RECORD["published_on"] == "2025-06-03"


def test_blank_created_on_is_null():
    assert RECORD["created_on"] is None


def test_blank_category_is_null():
    assert RECORD["category"] is None


def test_doc_no_blank_or_from_title():
    assert RECORD["doc_no"] in (None, "浙金罚决字〔2024〕52号")


def test_blank_values_are_null_in_fields_too():
    assert "" not in RECORD["fields"].values()
    assert RECORD["fields"]["索引号"] is None


def test_breadcrumb_from_the_rendered_list():
    assert RECORD["breadcrumb"] == ["首页", "政务信息", "行政处罚", "监管局本级"]


def test_no_attachments():
    assert RECORD["attachments"] == []
