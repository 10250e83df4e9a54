"""report_text conversions, unreadable figures, missing tables and bad input."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.claims.extract import UnreadableReport, extract_claims, report_text, sniff_kind

REPORTS = Path(__file__).parents[2] / "files" / "reports"
ALPHA = REPORTS / "alpha-2021-annual-report.html"


def _claims(text: str) -> dict:
    return {claim["key"]: claim for claim in extract_claims(text)["claims"]}


# --- report_text -----------------------------------------------------------------------


def test_html_table_rows_become_tab_separated_lines():
    lines = report_text(ALPHA.read_bytes()).splitlines()
    assert "一、本年新收政府信息公开申请数量\t8\t3\t0\t0\t0\t0\t12" in lines
    assert "1\t0\t0\t0\t2\t0\t1\t0\t1\t2\t0\t0\t0\t1\t1" in lines


def test_html_vertical_label_stays_in_one_cell():
    lines = report_text(ALPHA.read_bytes()).splitlines()
    row = next(line for line in lines if "予以公开" in line and "\t" in line)
    assert row.split("\t")[0] == "三、本年度办理结果"
    assert len(row.split("\t")) == 9


def test_html_blocks_become_lines_and_invisible_text_goes():
    text = report_text(ALPHA.read_bytes())
    lines = text.splitlines()
    assert "三、收到和处理政府信息公开申请情况" in lines
    assert "公开建议提案办理结果25件。" in text
    for hidden in ("8888", "9999", "7777", "border"):
        assert hidden not in text


def test_html_declared_in_gb2312_is_decoded():
    page = '<html><head><meta charset="gb2312"></head><body><p>通过门户网站主动公开信息２７６３条。</p></body></html>'
    text = report_text(page.encode("gb18030"))
    assert text == "通过门户网站主动公开信息２７６３条。"
    assert _claims(text)["portal_items"]["value"] == 2763


def test_page_title_is_kept_for_the_year():
    page = "<html><head><title>2024年政府信息公开工作年度报告</title></head><body><p>正文</p></body></html>"
    assert extract_claims(report_text(page))["year"] == 2024


def test_br_breaks_a_line_outside_tables():
    assert report_text("<p>第一行<br>第二行</p>", "html").splitlines() == ["第一行", "第二行"]


def test_markdown_pipe_table_and_marks():
    markdown = "## 标题\n\n| 行 | **1** | 2 |\n|---|:---:|---|\n| 结转 | | 3 |\n\n**粗体**段落"
    assert report_text(markdown, "markdown").splitlines() == ["标题", "", "行\t**1**\t2", "结转\t\t3", "", "粗体段落"]


def test_kind_is_sniffed():
    assert sniff_kind("<html><body><p>x</p></body></html>") == "html"
    assert sniff_kind("# 标题\n正文") == "markdown"
    assert sniff_kind("| a | b |\n|---|---|") == "markdown"
    assert sniff_kind("主动公开信息1条。") == "text"


def test_plain_text_keeps_its_lines():
    assert report_text("甲\r\n乙\t1\r\n", "text") == "甲\n乙\t1\n"


# --- figures that cannot be read -------------------------------------------------------


def test_indefinite_figure_is_unreadable_with_its_quote():
    claim = _claims("2021年，通过门户网站主动公开信息若干条，效果良好。")["portal_items"]
    assert claim == {
        "key": "portal_items", "value": None, "approx": False, "bound": None, "unit": "条",
        "quote": "2021年，通过门户网站主动公开信息若干条，效果良好。", "readable": False,
    }


def test_placeholder_figure_is_unreadable():
    claim = _claims("全年发布政策解读XX篇。")["interpretations"]
    assert claim["readable"] is False
    assert claim["value"] is None
    assert claim["quote"] == "全年发布政策解读XX篇。"


def test_hotline_consultations_are_not_answered_questions():
    assert "questions_answered" not in _claims("12345热线板块回应群众咨询13余条。")


def test_figure_is_not_taken_across_a_clause():
    # The interpretation count is missing; the next clause's figure must not stand in.
    assert "interpretations" not in _claims("建立政策解读栏目，发布信息20条。")


def test_year_from_statistics_period_when_title_lacks_it():
    assert extract_claims("本报告所列数据的统计期限自2019年1月1日起至2019年12月31日止。")["year"] == 2019


# --- missing tables and bad input ------------------------------------------------------


def test_report_without_tables_has_unknown_rules():
    result = extract_claims("2020年政府信息公开工作年度报告\n通过门户网站主动公开信息5条。")
    assert result["year"] == 2020
    assert [claim["key"] for claim in result["claims"]] == ["portal_items"]
    assert len(result["consistency"]) == 9
    assert all(rule["passed"] is None for rule in result["consistency"])


def test_row_without_total_is_unreadable_not_zero():
    text = "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\t\t\t\n"
    claim = _claims(text)["applications_new"]
    assert claim["readable"] is False and claim["value"] is None
    assert claim["quote"].startswith("一、本年新收")


def test_surplus_figures_before_a_row_are_noted_not_read():
    text = "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\t9\t3\t0\t0\t0\t0\t0\t3\n"
    rule = next(r for r in extract_claims(text)["consistency"] if r["rule"] == "applicant_columns:applications_new")
    assert rule["figures"]["自然人"] == 3
    assert "ignored 1 extra leading cell(s): 9" in rule["detail"]


def test_non_text_input_gives_empty_results():
    assert report_text(None) == ""
    assert extract_claims(None) == extract_claims("")
    assert extract_claims("")["claims"] == []


def _text_or_unreadable(data, kind=None) -> bool:
    """True when report_text gives text, or refuses the bytes as UnreadableReport (nothing else)."""
    try:
        return isinstance(report_text(data, kind), str)
    except UnreadableReport as exc:
        return bool(str(exc)) and "\n" not in str(exc)


# Binary formats are refused with a reason (UnreadableReport) instead of read as empty text.
@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_report_text_gives_text_or_refuses_bytes(data):
    assert _text_or_unreadable(data)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([b"%PDF-1.7\n", b"PK\x03\x04"]), st.binary(max_size=600))
def test_damaged_pdf_and_zip_bytes_are_refused_not_crashed_on(magic, data):
    assert _text_or_unreadable(magic + data)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="<>/=\"' tdrpbale|-#\n\t一1", max_size=200), st.sampled_from(["html", "markdown", "text", None]))
def test_report_text_never_raises_on_markup(text, kind):
    assert isinstance(report_text(text, kind), str)


# Characters the extractor reacts to, so random texts reach its table and prose paths.
REPORT_ALPHABET = (
    "一二三四五六七八九十（）()、.0123456789０１,，。\t\n "
    "条件总计本年新收上年结转结转下年度予以公开行政复议主动公开信息余近约XX若干|#-—"
)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=REPORT_ALPHABET, max_size=300))
def test_extract_claims_never_raises_and_keeps_its_shape(text):
    result = extract_claims(text)
    assert set(result) == {"year", "claims", "consistency", "findings", "carried"}
    assert set(result["carried"]) == {"applications_carried_over", "applications_carried_forward"}
    assert all(finding["kind"] == "prose_table_mismatch" for finding in result["findings"])
    for claim in result["claims"]:
        assert claim["readable"] is (claim["value"] is not None)
    for rule in result["consistency"]:
        assert rule["passed"] in (True, False, None)


# --- prose keys that restate documents, meetings and checks -----------------------------


@pytest.mark.parametrize(("text", "key", "value"), [
    ("主动公开规章13件，行政规范性文件60件。", "regulations", 13),
    ("主动公开规章13件，行政规范性文件60件。", "normative_documents", 60),
    ("市政府及市政府办政策性文件 11 件。", "policy_documents", 11),
    ("对市政府常务会议的重要议题进行权威发布共计38次。", "standing_meeting_releases", 38),
    ("每季度对本市70家政府网站开展全面检查。", "websites_checked", 70),
    ("全市在运维政务新媒体共计 95 个。", "social_media_accounts", 95),
    ("全年共编发公报24期。", "gazette_issues", 24),
    ("共受理政府信息公开申请 3119 件，答复 3050 件。", "applications_answered", 3050),
])
def test_prose_key_is_read(text, key, value):
    assert _claims(text)[key]["value"] == value


@pytest.mark.parametrize(("text", "key"), [
    ("刊登政府规章、规范性文件等112件。", "regulations"),  # one figure for two types
    ("刊登政府规章、规范性文件等112件。", "normative_documents"),
    ("全年召开常务会议20次。", "standing_meeting_releases"),  # meetings held, not releases
    ("对每一家政府网站开展检查。", "websites_checked"),
    ("全市在运维政务新媒体共计 95 个。", "social_media_items"),  # accounts, not posts
    ("答复网民留言120条。", "applications_answered"),
])
def test_prose_key_is_not_misread(text, key):
    assert key not in _claims(text)
