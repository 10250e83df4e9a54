from pathlib import Path

from crawler.parsing import RECORD_KEYS, parse_page
from crawler.text.decoding import decode_body

URL = "http://www.hedong.gov.cn/xxgk/ndbg/1.htm"
BODY = (Path(__file__).parents[1] / "files" / "gbk_detail.html").read_bytes()
RECORD = parse_page(BODY, url=URL)
# The server's header says UTF-8 while the page is GBK and its <meta> says gb2312.
MISLABELLED = parse_page(BODY, url=URL, charset="utf-8")


def test_fixture_is_really_gbk():
    assert "河东区".encode("gbk") in BODY
    assert "河东区".encode("utf-8") not in BODY


def test_decode_body_uses_gb18030_for_gb2312_meta():
    text, encoding = decode_body(BODY, None)
    assert encoding == "gb18030"
    assert "联系人：王堃" in text  # 堃 is outside GB2312, inside GBK


def test_decode_body_prefers_clean_meta_over_failing_header():
    assert decode_body(BODY, "utf-8")[1] == "gb18030"


def test_decode_body_keeps_a_header_charset_that_works():
    assert decode_body("<meta charset=gbk><p>公开</p>".encode("utf-8"), "utf-8") == (
        "<meta charset=gbk><p>公开</p>",
        "utf-8",
    )


def test_decode_body_detects_undeclared_gbk():
    text, _ = decode_body(BODY.replace(b'<meta charset="gb2312">', b""), None)
    assert "河东区人民政府办公室" in text


def test_decode_body_never_raises_on_unknown_charsets():
    assert decode_body(b"<p>x</p>", "x-no-such-charset") == ("<p>x</p>", "utf-8")
    assert decode_body(b"<p>x</p>", "base64") == ("<p>x</p>", "utf-8")


def test_keys():
    assert tuple(RECORD) == RECORD_KEYS


def test_title():
    assert RECORD["title"] == "河东区2018年政府信息公开工作年度报告"


def test_index_no():
    assert RECORD["index_no"] == "014416330/2019-04736"


def test_doc_no_absent():
    assert RECORD["doc_no"] is None


def test_publisher_from_synonym():
    assert RECORD["publisher"] == "河东区人民政府办公室"


def test_published_on_full_width_digits():
    assert RECORD["published_on"] == "2019-03-20"


def test_created_on_from_fawen_date():
    assert RECORD["created_on"] == "2019-03-15"
    assert RECORD["created_on_source"] == "metadata"


def test_expires_on_absent():
    assert RECORD["expires_on"] is None


def test_category():
    assert RECORD["category"] == "年度报告"


def test_breadcrumb():
    assert RECORD["breadcrumb"] == ["首页", "信息公开", "年度报告"]


def test_attachment():
    assert RECORD["attachments"] == [
        {"name": "年报附表", "url": "http://www.hedong.gov.cn/uploadfiles/2019/03/年报附表.doc"}
    ]


def test_body_text_from_ucap_content():
    assert "全区共主动公开政府信息2763条" in RECORD["body_text"]
    assert "公开方式" not in RECORD["body_text"]


def test_is_disclosure():
    assert RECORD["is_disclosure"] is True


def test_no_warnings():
    assert RECORD["warnings"] == []


def test_fields_verbatim_keep_full_width_digits():
    assert RECORD["fields"]["公开日期"] == "２０１９年０３月２０日"


def test_mislabelled_page_is_read_correctly():
    assert MISLABELLED["title"] == RECORD["title"]
    assert MISLABELLED["fields"] == RECORD["fields"]


def test_mislabelled_page_warns():
    assert MISLABELLED["warnings"] == ["header charset utf-8 garbles the page; decoded as gb18030 from meta"]
