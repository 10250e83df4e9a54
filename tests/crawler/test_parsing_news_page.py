from pathlib import Path

from crawler.parsing import RECORD_KEYS, parse_page

URL = "http://www.leda.gov.cn/jkyw/2021/0401/3.html"
RECORD = parse_page((Path(__file__).parents[1] / "files" / "news_page.html").read_bytes(), url=URL)


def test_keys():
    assert tuple(RECORD) == RECORD_KEYS


def test_title_is_the_heading_repeated_in_title_tag_not_the_banner():
    assert RECORD["title"] == "经开区举办2021年春季招聘会"


def test_no_disclosure_metadata():
    for key in ("index_no", "doc_no", "expires_on", "category", "disclosure_method", "scope"):
        assert RECORD[key] is None, key


def test_published_on_from_publication_time():
    assert RECORD["published_on"] == "2021-04-01"


def test_created_on_absent():
    assert (RECORD["created_on"], RECORD["created_on_source"]) == (None, None)


def test_breadcrumb_keeps_home_and_drops_the_page_marker():
    assert RECORD["breadcrumb"] == ["首页", "经开区要闻"]


def test_publisher_from_source_line():
    assert RECORD["publisher"] == "临沂日报"


def test_nav_pdf_is_not_an_attachment():
    assert RECORD["attachments"] == []


def test_body_text_from_largest_block():
    lines = RECORD["body_text"].splitlines()
    assert lines[0] == "4月1日上午，经开区2021年春季大型招聘会在人力资源市场举行。"
    assert len(lines) == 4


def test_body_text_excludes_sidebar_and_info_line():
    assert "相关新闻" not in RECORD["body_text"]
    assert "浏览次数" not in RECORD["body_text"]


def test_is_not_disclosure():
    assert RECORD["is_disclosure"] is False


def test_no_warnings():
    assert RECORD["warnings"] == []


def test_fields_value_stops_at_unknown_label():
    assert RECORD["fields"] == {"来源": "临沂日报", "发布时间": "2021-04-01 10:30"}
