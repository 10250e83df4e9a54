"""The real 2024 report of the Huai'an city government, read from the PDF it published.

Figures read by eye (``expected.json`` of the shared real material). Its text layer
puts page footers inside the section 三 table, cuts the row-group label （四）无法提供
across a page break and hard-wraps prose lines inside words.
"""

from pathlib import Path

import pytest

from monitor.claims.extract import extract_claims, report_text

REPORT = Path(__file__).parents[2] / "files" / "real" / "reports" / "huaian-2024-annual-report.pdf"

TABLE_FIGURES = [
    ("applications_new", 3119),
    ("applications_carried_over", 34),
    ("applications_handled_total", 3050),
    ("applications_carried_forward", 103),
    ("review_total", 351),
    ("litigation_total", 46),
    ("litigation_direct_total", 26),
    ("litigation_after_review_total", 20),
]
# (key, value, bound, where the PDF wraps the line inside the sentence)
PROSE_FIGURES = [
    ("portal_items", 5500, "lower", "主动公开各类政府信息 5500 余条"),
    ("regulations", 1, None, "新增公开市政府规章 1 件"),
    ("policy_documents", 11, None, "市政府办政策性文件 11 件"),
    ("interpretations", 21, None, "政策解读21 个"),
    ("gazette_issues", 6, None, "《淮安市人民政府公报》6 期"),
    ("press_conferences", 12, None, "新闻发布会 12 场"),
    ("social_media_accounts", 95, None, "政务新媒体共计 95个"),
    ("applications_received", 3119, None, "共受理政府信息公开申请 3119 件"),
    ("applications_answered", 3050, None, "答复 3050 件"),
]


@pytest.fixture(scope="module")
def text():
    return report_text(REPORT.read_bytes())


@pytest.fixture(scope="module")
def result(text):
    return extract_claims(text)


def test_year(result):
    assert result["year"] == 2024


@pytest.mark.parametrize(("key", "value"), TABLE_FIGURES, ids=[key for key, _ in TABLE_FIGURES])
def test_table_figure(claims, key, value):
    assert claims[key]["value"] == value
    assert claims[key]["readable"] is True


@pytest.mark.parametrize(("key", "value", "bound", "fragment"), PROSE_FIGURES, ids=[key for key, *_ in PROSE_FIGURES])
def test_prose_figure(claims, key, value, bound, fragment):
    claim = claims[key]
    assert (claim["value"], claim["bound"]) == (value, bound)
    assert fragment in claim["quote"]


def test_every_rule_passes(rules):
    assert {name: rule["detail"] for name, rule in rules.items() if rule["passed"] is not True} == {}


def test_results_hold_over_the_2021_template_rows(rules):
    rule = rules["results_sum"]
    # (一) (二), 8 + 3 + 5 sub-rows of (三) (四) (五), 3 sub-rows of (六).
    assert rule["figures"]["result_rows"] == 21
    assert rule["figures"]["sum_of_results"] == 3050


def test_no_prose_figure_differs_from_the_table(result):
    assert result["findings"] == []


def test_page_footers_are_gone(text):
    assert not any(line.strip().startswith("- ") and line.strip().endswith(" -") for line in text.splitlines())


def test_table_rows_are_tab_separated_lines(text):
    assert "一、本年新收政府信息公开申请数量\t3001\t53\t0\t0\t61\t4\t3119" in text.splitlines()
    assert "72\t64\t178\t37\t351\t13\t4\t8\t1\t26\t12\t1\t1\t6\t20" in text.splitlines()


def test_group_label_cut_by_the_page_break_is_joined(text):
    lines = text.splitlines()
    assert "（四）无法提供\t1.本机关不掌握相关政府信息\t746\t12\t0\t0\t10\t1\t769" in lines
    assert "2.没有现成信息需要另行制作\t11\t0\t0\t0\t0\t0\t11" in lines


def test_wrapped_prose_is_one_paragraph(text):
    assert "主动公开各类政府信息 5500 余条" in text
    assert "“建设‘四最’一流营商环境高质量推进产业发展”" in text  # wrapped across pages 1 and 2
    assert "三、收到和处理政府信息公开申请情况" in text.splitlines()


def test_text_in_a_box_around_prose_stays_prose(text):
    assert any(line.startswith("本报告由淮安市人民政府办公室") and line.endswith("hazwgkc@163.com）。")
               for line in text.splitlines())
