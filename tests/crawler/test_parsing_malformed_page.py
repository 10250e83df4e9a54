from pathlib import Path

from crawler.parsing import RECORD_KEYS, parse_page

URL = "http://www.leda.gov.cn/info/2001/9.htm"
RECORD = parse_page((Path(__file__).parents[1] / "files" / "malformed_page.html").read_bytes(), url=URL)


def test_keys():
    assert tuple(RECORD) == RECORD_KEYS


def test_title():
    assert RECORD["title"] == "关于征收土地的预公告"


def test_index_number_that_looks_like_a_date():
    assert RECORD["index_no"] == "2026-02-00018"


def test_doc_no_absent():
    assert RECORD["doc_no"] is None


def test_publisher_in_unclosed_cell():
    assert RECORD["publisher"] == "经开区自然资源和规划分局"


def test_impossible_published_on_is_none():
    assert RECORD["published_on"] is None


def test_empty_created_on_without_signature():
    assert (RECORD["created_on"], RECORD["created_on_source"]) == (None, None)


def test_expires_on_empty():
    assert RECORD["expires_on"] is None


def test_category_and_trailing_scope():
    assert RECORD["category"] == "征地信息"
    assert RECORD["scope"] is None


def test_disclosure_method():
    assert RECORD["disclosure_method"] == "主动公开"


def test_breadcrumb_stops_at_its_line_despite_unclosed_link():
    assert RECORD["breadcrumb"] == ["首页", "重点领域", "土地征收"]


def test_attachment_name_stops_at_its_line_despite_unclosed_link():
    assert RECORD["attachments"] == [
        {"name": "征收范围图", "url": "http://www.leda.gov.cn/info/2001/files/征收范围图.PDF"}
    ]


def test_body_text_survives_truncation():
    assert RECORD["body_text"].splitlines()[0].startswith("根据《中华人民共和国土地管理法》")
    assert RECORD["body_text"].endswith("不予补")


def test_body_text_excludes_metadata():
    assert "公开日期" not in RECORD["body_text"]


def test_is_disclosure():
    assert RECORD["is_disclosure"] is True


def test_warning_for_impossible_date():
    assert RECORD["warnings"] == ["published_on: impossible date '2020-02-30'"]


def test_fields_in_page_order_with_weird_label_order():
    assert list(RECORD["fields"].items()) == [
        ("失效日期", None),
        ("公开日期", "2020-02-30"),
        ("发布机构", "经开区自然资源和规划分局"),
        ("成文日期", None),
        ("索引号", "2026-02-00018"),
        ("公开方式", "主动公开"),
        ("信息类别", "征地信息"),
        ("公开范围", None),
    ]
