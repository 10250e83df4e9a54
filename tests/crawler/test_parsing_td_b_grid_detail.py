from pathlib import Path

from crawler.parsing import RECORD_KEYS, parse_page

URL = "http://www.linyi.gov.cn/zwgk/zcwj/202104/t20210423_1.html"
RECORD = parse_page((Path(__file__).parents[1] / "files" / "td_b_grid_detail.html").read_bytes(), url=URL)
TITLE = "临沂市人民政府办公室关于印发临沂市2021年政务公开工作要点的通知"


def test_keys():
    assert tuple(RECORD) == RECORD_KEYS


def test_title_from_labelled_field():
    assert RECORD["title"] == TITLE


def test_index_no_with_nbsp_padded_label():
    assert RECORD["index_no"] == "11371300004308437Y/2021-00036"


def test_doc_no_from_synonym():
    assert RECORD["doc_no"] == "临政办字〔2021〕15号"


def test_publisher_from_synonym():
    assert RECORD["publisher"] == "临沂市人民政府办公室"


def test_published_on_chinese_format():
    assert RECORD["published_on"] == "2021-04-23"


def test_created_on_from_metadata():
    assert RECORD["created_on"] == "2021-04-16"
    assert RECORD["created_on_source"] == "metadata"


def test_expires_on():
    assert RECORD["expires_on"] == "2026-04-16"


def test_category_from_synonym():
    assert RECORD["category"] == "政务公开"


def test_absent_labels_are_none():
    assert RECORD["disclosure_method"] is None
    assert RECORD["scope"] is None


def test_breadcrumb():
    assert RECORD["breadcrumb"] == ["首页", "政务公开", "政策文件"]


def test_attachments_absolute_with_chinese_names():
    assert RECORD["attachments"] == [
        {
            "name": "临沂市2021年政务公开工作要点.pdf",
            "url": "http://www.linyi.gov.cn/zwgk/zcwj/202104/P020210423536798472316.pdf",
        },
        {"name": "政策解读", "url": "http://www.linyi.gov.cn/zwgk/files/解读材料.DOCX?ver=2"},
    ]


def test_footer_pdf_is_not_an_attachment():
    assert all("guide.pdf" not in attachment["url"] for attachment in RECORD["attachments"])


def test_body_text():
    assert RECORD["body_text"].splitlines()[0] == "各县区人民政府（管委会），市政府各部门（单位）："
    assert "2021年4月16日" in RECORD["body_text"].splitlines()


def test_body_text_excludes_metadata_and_title():
    assert "索" not in RECORD["body_text"]
    assert TITLE not in RECORD["body_text"]


def test_is_disclosure():
    assert RECORD["is_disclosure"] is True


def test_no_warnings():
    assert RECORD["warnings"] == []


def test_validity_status_stays_in_fields_only():
    assert RECORD["fields"]["有效性"] == "有效"
    assert "有效" not in (RECORD["expires_on"], RECORD["category"])


def test_fields_verbatim():
    assert RECORD["fields"] == {
        "索引号": "11371300004308437Y/2021-00036",
        "主题分类": "政务公开",
        "发文机关": "临沂市人民政府办公室",
        "成文日期": "2021年04月16日",
        "标题": TITLE,
        "发文字号": "临政办字〔2021〕15号",
        "发布日期": "2021年04月23日",
        "有效性": "有效",
        "失效日期": "2026-04-16",
    }
