"""Reading an official document's printed form: title, 文号, signing body, dates."""

import pytest

from crawler.text import letterhead

GAZETTE = ["四川省交通运输厅", "关于新冠肺炎疫情防控期间公路水运", "建设项目工程价款调整的指导意见",
           "川交函〔2020〕281号", "各市（州）交通运输局：", "为贯彻落实……提出如下指导意见。",
           "四川省交通运输厅", "2020年6月2日"]


@pytest.mark.parametrize("line, expected", [
    ("川交函〔2020〕281号", "川交函〔2020〕281号"),
    ("国办发[2019]60号", "国办发[2019]60号"),
    ("浙金罚决字（2024）52号", "浙金罚决字（2024）52号"),
    ("临经管发 〔2020〕 第 3 号", "临经管发〔2020〕第3号"),
    ("2026-02-00018", None),
    ("根据《通知》（川办发〔2020〕15号）精神", None),
])
def test_doc_no_line(line, expected):
    assert letterhead.doc_no_line(line) == expected


def test_printed_title_joins_the_lines_before_the_doc_no():
    assert letterhead.printed_title(GAZETTE) == "四川省交通运输厅关于新冠肺炎疫情防控期间公路水运建设项目工程价款调整的指导意见"


def test_no_printed_title_without_a_doc_no():
    assert letterhead.printed_title(["关于某事的通知", "各单位：", "正文。"]) is None


def test_signature_block_gives_the_single_signing_body():
    assert letterhead.signature_block(GAZETTE, len(GAZETTE) - 1) == ("四川省交通运输厅", None)


def test_signature_block_of_a_joint_document_gives_no_body():
    lines = ["正文。", "市财政局 市人社局", "2023年2月1日"]
    assert letterhead.signature_block(lines, 2) == (None, None)


def test_signature_line_is_the_last_date_alone():
    assert letterhead.signature_line(GAZETTE, 5) == len(GAZETTE) - 1
    assert letterhead.signature_line(["正文。", "附件：名单"], 5) is None


@pytest.mark.parametrize("title, issuer", [
    ("四川省交通运输厅关于调整的指导意见", "四川省交通运输厅"),
    ("甘肃省发展和改革委员会等部门关于印发措施的通知", None),
    ("关于印发措施的通知", None),
])
def test_title_issuer(title, issuer):
    assert letterhead.title_issuer(title) == issuer


def test_issue_date():
    assert letterhead.issue_date_text("<span>2020年06月30日出版</span>") == "2020年06月30日"
    assert letterhead.issue_date_text("2020年出版") is None


@pytest.mark.parametrize("title, site", [
    ("四川省人民政府公报", True), ("临沂经济技术开发区门户网站", True), ("关于征收土地的预公告", False),
])
def test_names_a_site(title, site):
    assert letterhead.names_a_site(title) is site
