from pathlib import Path

from crawler.parsing import RECORD_KEYS, parse_page

RECORD = parse_page((Path(__file__).parents[1] / "files" / "hanweb_spaced_labels.html").read_bytes())


def test_keys():
    assert tuple(RECORD) == RECORD_KEYS


def test_url_absent():
    assert RECORD["url"] is None


def test_title_from_ideographic_spaced_label():
    assert RECORD["title"] == "兰山区2021年政府信息公开工作要点"


def test_index_no_from_ascii_spaced_label():
    assert RECORD["index_no"] == "11371302MB28563217/2021-00012"


def test_doc_no():
    assert RECORD["doc_no"] == "兰政办发〔2021〕3号"


def test_publisher_falls_back_to_content_source_meta():
    assert RECORD["publisher"] == "兰山区人民政府办公室"


def test_published_on_falls_back_to_pubdate_meta_not_footer():
    assert RECORD["published_on"] == "2021-03-08"


def test_created_on_from_chinese_signature_date():
    assert RECORD["created_on"] == "2021-03-05"
    assert RECORD["created_on_source"] == "body"


def test_expires_on_absent():
    assert RECORD["expires_on"] is None


def test_category():
    assert RECORD["category"] == "计划总结"


def test_disclosure_method():
    assert RECORD["disclosure_method"] == "主动公开"


def test_breadcrumb_falls_back_to_column_name():
    assert RECORD["breadcrumb"] == ["工作计划"]


def test_no_attachments():
    assert RECORD["attachments"] == []


def test_body_text_ends_with_signature():
    assert RECORD["body_text"].splitlines()[-2:] == ["兰山区人民政府办公室", "二〇二一年三月五日"]


def test_body_text_excludes_tools_and_footer():
    assert "打印本页" not in RECORD["body_text"]
    assert "版权所有" not in RECORD["body_text"]


def test_is_disclosure():
    assert RECORD["is_disclosure"] is True


def test_no_warnings():
    assert RECORD["warnings"] == []


def test_fields_keys_are_normalised_and_footer_ignored():
    assert RECORD["fields"] == {
        "索引号": "11371302MB28563217/2021-00012",
        "公开方式": "主动公开",
        "标题": "兰山区2021年政府信息公开工作要点",
        "文号": "兰政办发〔2021〕3号",
        "分类": "计划总结",
    }
