from pathlib import Path

from crawler.parsing import RECORD_KEYS, parse_page

URL = "http://www.leda.gov.cn/info/1048/4263.htm"
RECORD = parse_page((Path(__file__).parents[1] / "files" / "leda_vsb_detail.html").read_bytes(), url=URL)


def test_keys():
    assert tuple(RECORD) == RECORD_KEYS


def test_url():
    assert RECORD["url"] == URL


def test_title():
    assert RECORD["title"] == "召开政务公开业务培训会"


def test_index_no():
    assert RECORD["index_no"] == "jingkaiquqtfj/2020-0000202"


def test_doc_no_shown_blank_is_null():
    assert RECORD["doc_no"] is None


def test_publisher():
    assert RECORD["publisher"] == "经开区自然资源和规划分局"


def test_published_on():
    assert RECORD["published_on"] == "2020-10-23"


def test_created_on_absent():
    assert RECORD["created_on"] is None
    assert RECORD["created_on_source"] is None


def test_expires_on_empty_cell_is_none():
    assert RECORD["expires_on"] is None


def test_category_followed_by_a_label_is_null():
    assert RECORD["category"] is None


def test_scope_after_empty_label():
    assert RECORD["scope"] == "全社会"


def test_disclosure_method():
    assert RECORD["disclosure_method"] == "主动公开"


def test_breadcrumb():
    assert RECORD["breadcrumb"] == ["首页", "政府信息公开", "保障机制", "组织管理", "业务培训"]


def test_attachment_through_vsb_download_endpoint():
    assert RECORD["attachments"] == [
        {
            "name": "培训会议材料.docx",
            "url": "http://www.leda.gov.cn/system/_content/download.jsp"
            "?urltype=news.DownloadAttachUrl&owner=1523867321&wbfileid=3318806",
        }
    ]


def test_navigation_pdf_is_not_an_attachment():
    assert all("zhinan" not in attachment["url"] for attachment in RECORD["attachments"])


def test_body_text_contains_the_article():
    assert RECORD["body_text"].startswith("为进一步提高政务公开工作人员业务水平")
    assert "确保信息在形成之日起15个工作日内及时公开。" in RECORD["body_text"]


def test_body_text_joins_source_line_breaks_inside_a_paragraph():
    assert "依申请公开、 政府信息公开年度报告" in RECORD["body_text"]


def test_body_text_keeps_one_line_per_paragraph():
    assert len(RECORD["body_text"].splitlines()) == 4


def test_body_text_excludes_metadata_scripts_and_chrome():
    for outside in ("索引号", "点击数", "_showDynClicks", "视力保护色", "网站标识码", "当前位置"):
        assert outside not in RECORD["body_text"]


def test_is_disclosure():
    assert RECORD["is_disclosure"] is True


def test_no_warnings():
    assert RECORD["warnings"] == []


def test_fields_verbatim_with_blank_labels_as_null():
    assert RECORD["fields"] == {
        "索引号": "jingkaiquqtfj/2020-0000202",
        "公开方式": "主动公开",
        "公开日期": "2020-10-23",
        "文号": None,
        "发布机构": "经开区自然资源和规划分局",
        "失效日期": None,
        "信息类别": None,
        "公开范围": "全社会",
        "依据": None,
        "记录形式": None,
        "载体类型": None,
        "存放位置": None,
        "公开程序": None,
    }
