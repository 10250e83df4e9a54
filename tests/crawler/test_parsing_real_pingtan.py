"""A real TRS page of Fujian's shared template (平潭综合实验区, 行政规范性文件).

Metadata is a ``<ul><li>`` list whose labels are padded with ``&ensp;`` (索 引 号); the
breadcrumb is a ``div.breadcrumb`` list of links; a 来源 line names another office than
the 发文机关. Values read by eye: tests/files/real/README.md.
"""

from pathlib import Path

from crawler.parsing import parse_page

PAGE = Path(__file__).parents[1] / "files" / "real" / "pages" / "pingtan-gwhwj-gfxwj-102272.html"
URL = "https://www.pingtan.gov.cn/zwgk/zfxxgk/gwhwj/hzgfxwj/202510/t20251028_102272.htm"
RECORD = parse_page(PAGE.read_bytes(), url=URL)


def test_parsed_without_internal_error():
    assert not [w for w in RECORD["warnings"] if w.startswith("parse failed")]


def test_is_disclosure():
    assert RECORD["is_disclosure"] is True


def test_title():
    assert RECORD["title"] == "平潭综合实验区管委会关于废止一批文件的决定"


def test_index_no_with_spaced_label():
    assert RECORD["index_no"] == "PZ00101-1700-2025-00660"


def test_publisher_is_the_issuing_body_not_the_source_line():
    assert RECORD["publisher"] == "平潭综合实验区管委会"


def test_published_on():
    assert RECORD["published_on"] == "2025-07-02"


def test_created_on():
    assert (RECORD["created_on"], RECORD["created_on_source"]) == ("2025-07-02", "metadata")


def test_doc_no_from_fawenzihao():
    assert RECORD["doc_no"] == "岚综管规〔2025〕3号"


def test_category_as_stated():
    assert RECORD["category"] in ("无", None)


def test_breadcrumb_from_the_list_of_links():
    assert RECORD["breadcrumb"] == ["首页", "政务公开", "政府信息公开", "管委会文件", "行政规范性文件"]


def test_one_attachment():
    assert len(RECORD["attachments"]) == 1
