from pathlib import Path

from crawler.parsing import RECORD_KEYS, parse_page

URL = "http://www.luozhuang.gov.cn/zwgk/tzgg/202103/t20210305_9.html"
RECORD = parse_page((Path(__file__).parents[1] / "files" / "li_span_detail.html").read_bytes(), url=URL)


def test_keys():
    assert tuple(RECORD) == RECORD_KEYS


def test_title_from_title_class_heading():
    assert RECORD["title"] == "关于做好2021年清明节期间安全工作的通知"


def test_index_no_from_text_run():
    assert RECORD["index_no"] == "11371311MB2856321X/2021-00107"


def test_doc_no_from_spaced_span_label():
    assert RECORD["doc_no"] == "罗政办发〔2021〕8号"


def test_publisher_from_li_span():
    assert RECORD["publisher"] == "市政府办"


def test_published_on_from_text_run():
    assert RECORD["published_on"] == "2021-03-05"


def test_created_on_from_synonym():
    assert RECORD["created_on"] == "2021-03-01"
    assert RECORD["created_on_source"] == "metadata"


def test_expires_on_empty():
    assert RECORD["expires_on"] is None


def test_category_absent():
    assert RECORD["category"] is None


def test_scope_ends_at_next_label():
    assert RECORD["scope"] == "面向社会"


def test_breadcrumb_with_single_angle_quotes():
    assert RECORD["breadcrumb"] == ["首页", "政务公开", "通知公告"]


def test_attachments_deduplicated_named_and_absolute():
    assert RECORD["attachments"] == [
        {"name": "值班安排表", "url": "http://www.luozhuang.gov.cn/zwgk/tzgg/202103/W020210305391270134105.xls"},
        {"name": "填报说明.wps", "url": "http://www.luozhuang.gov.cn/files/填报说明.wps"},
        {"name": "正式版", "url": "http://www.luozhuang.gov.cn/zwgk/tzgg/202103/P020210305.OFD?from=list"},
    ]


def test_body_text_from_trs_editor():
    assert RECORD["body_text"].splitlines()[:2] == [
        "各街道、镇，区直各部门：",
        "清明节将至，为切实做好节日期间各项安全工作，现将有关事项通知如下：",
    ]


def test_body_text_excludes_style_and_metadata():
    assert "margin-top" not in RECORD["body_text"]
    assert "发布机构" not in RECORD["body_text"]


def test_is_disclosure():
    assert RECORD["is_disclosure"] is True


def test_no_warnings():
    assert RECORD["warnings"] == []


def test_footer_index_number_ignored():
    assert "000000000/0000-00000" not in RECORD["fields"].values()


def test_fields_verbatim_including_unknown_colon_label():
    assert RECORD["fields"] == {
        "发布机构": "市政府办",
        "生成日期": "2021-03-01",
        "所属栏目": "通知公告",
        "文号": "罗政办发〔2021〕8号",
        "失效日期": None,
        "索引号": "11371311MB2856321X/2021-00107",
        "发布日期": "2021-03-05",
        "公开范围": "面向社会",
    }
