"""A real gazette article (四川省人民政府公报 2020年第12期): no metadata grid at all.

``<title>`` is only the gazette's name; the document is printed in the body: title
over three lines, 文号 under it, the issuing body and date above the end. The issue
date stands in the header ("2020年06月30日出版"), and a search form carries a
``按文号：`` label that is not the document's.
"""

from pathlib import Path

from crawler.parsing import parse_page

PAGE = Path(__file__).parents[1] / "files" / "real" / "pages" / "sc-gazette-2020-12-chuanjiaohan281.html"
URL = "https://www.sc.gov.cn/zfgbdb/detail/fd8169269e184f0e912e4c0ca002b78d.shtml"
RECORD = parse_page(PAGE.read_bytes(), url=URL)


def test_parsed_without_internal_error():
    assert not [w for w in RECORD["warnings"] if w.startswith("parse failed")]


def test_title_is_the_printed_title_not_the_gazette_name():
    assert RECORD["title"] == "四川省交通运输厅关于新冠肺炎疫情防控期间公路水运建设项目工程价款调整的指导意见"


def test_doc_no_printed_under_the_title():
    assert RECORD["doc_no"] == "川交函〔2020〕281号"


def test_search_form_label_is_not_a_field():
    assert "文号" not in RECORD["fields"] and "按文号" not in RECORD["fields"]


def test_publisher_is_the_signing_body():
    assert RECORD["publisher"] == "四川省交通运输厅"


def test_published_on_is_the_issue_date():
    assert RECORD["published_on"] == "2020-06-30"


def test_created_on_is_the_signature_date():
    assert (RECORD["created_on"], RECORD["created_on_source"]) == ("2020-06-02", "body")


def test_no_index_no():
    assert RECORD["index_no"] is None


def test_a_document_printed_with_its_doc_no_is_a_disclosure_page():
    assert RECORD["is_disclosure"] is True
