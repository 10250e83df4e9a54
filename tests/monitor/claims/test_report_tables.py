"""Blank cells are unknown, never zero: what each table rule says when cells are blank."""

import re

import pytest

from monitor.claims.extract import extract_claims

HEAD = "三、收到和处理政府信息公开申请情况\n"
FOUR = "四、政府信息公开行政复议、行政诉讼情况\n"


def _rules(text: str) -> dict:
    return {rule["rule"]: rule for rule in extract_claims(text)["consistency"]}


@pytest.mark.parametrize(("cells", "passed", "words"), [
    ("5\t\t\t\t\t\t5", True, "read as 0, it adds up"),        # the blanks can only be 0
    ("5\t3\t\t\t\t\t7", False, "no figures in them could make it add up"),  # 8 > 7 already
    ("5\t\t\t\t\t\t7", None, "2 off"),                         # the blanks could hold the 2
    ("5\t1\t0\t0\t0\t0\t7", False, "columns add to 6 ≠ 总计 7"),  # nothing blank: a real error
    ("5\t1\t0\t0\t0\t0\t\t", None, "总计 not readable"),
])
def test_applicant_columns_with_blank_cells(cells, passed, words):
    rule = _rules(f"{HEAD}一、本年新收政府信息公开申请数量\t{cells}\n")["applicant_columns:applications_new"]
    assert rule["passed"] is passed
    assert words in rule["detail"]



@pytest.mark.parametrize(("cells", "passed", "words"), [
    ("5\t\t\t\t\t\t5", True, "按 0 计，相加相符"),
    ("5\t3\t\t\t\t\t7", False, "填入任何数字都无法相符"),
    ("5\t\t\t\t\t\t7", None, "无法判断：按 0 计相差 2"),
    ("5\t1\t0\t0\t0\t0\t7", False, "各列相加为 6 ≠ 总计 7"),
    ("5\t1\t0\t0\t0\t0\t\t", None, "无法读出总计"),
])
def test_the_rule_details_are_in_chinese(cells, passed, words, chinese):
    rule = _rules(f"{HEAD}一、本年新收政府信息公开申请数量\t{cells}\n")["applicant_columns:applications_new"]
    assert rule["passed"] is passed
    assert words in rule["detail"]
    # Only the figures, the template's own words and the relation signs are not translated.
    assert not [word for word in rule["detail"].split() if word.isascii() and word.isalpha()], rule["detail"]


RESULTS = (
    HEAD
    + "一、本年新收政府信息公开申请数量\t8\t2\t\t\t\t\t10\n"
    + "二、上年结转政府信息公开申请数量\t1\t\t\t\t\t\t1\n"
    + "三、本年度办理结果\t（一）予以公开\t5\t1\t\t\t\t\t\n"
    + "（二）部分公开\t2\t\t\t\t\t\t\n"
    + "（四）无法提供\t1.本机关不掌握相关政府信息\t1\t1\t\t\t\t\t\n"
    + "（七）总计\t8\t2\t\t\t\t\t10\n"
    + "四、结转下年度继续办理\t1\t\t\t\t\t\t1\n"
)


def test_results_with_every_row_total_blank_are_checked_through_the_applicant_columns():
    rule = _rules(RESULTS)["results_sum"]
    assert rule["passed"] is True
    assert rule["figures"]["sum_of_results"] == 10
    assert "自然人 8 = 8" in rule["detail"] and "商业企业 2 = 2" in rule["detail"]


def test_results_fail_when_an_applicant_column_exceeds_its_total():
    text = RESULTS.replace("（二）部分公开\t2\t", "（二）部分公开\t3\t")
    rule = _rules(text)["results_sum"]
    assert rule["passed"] is False
    assert rule["figures"]["columns_failed"] == ["自然人", "总计"]


def test_results_short_of_the_total_with_blank_rows_are_unknown():
    text = RESULTS.replace("（二）部分公开\t2\t", "（二）部分公开\t\t")
    rule = _rules(text)["results_sum"]
    assert rule["passed"] is None
    assert set(rule["figures"]["columns_unknown"]) == {"自然人", "总计"}


def test_section_four_group_blank_entirely_is_unknown_and_adds_no_lawsuit():
    text = FOUR + "5\t\t\t2\t7\t8\t\t\t1\t9\t\t\t\t\t\n"
    result = extract_claims(text)
    rules = {rule["rule"]: rule for rule in result["consistency"]}
    claims = {claim["key"]: claim["value"] for claim in result["claims"]}
    assert rules["review_results:review"]["passed"] is True
    assert rules["review_results:litigation_after_review"]["passed"] is None
    assert (claims["litigation_direct_total"], claims["litigation_after_review_total"]) == (9, None)
    assert claims["litigation_total"] == 9


def test_section_four_lawsuit_group_with_a_blank_total_leaves_the_lawsuits_unknown():
    claims = {c["key"]: c["value"] for c in extract_claims(FOUR + "1\t0\t0\t0\t1\t2\t0\t0\t0\t2\t1\t\t\t\t\n")["claims"]}
    assert claims["litigation_total"] is None


def test_section_four_figures_over_two_lines_are_read_together():
    text = FOUR + "行政复议\t行政诉讼\n2\t1\t0\t0\t3\n1\t0\t0\t0\t1\t0\t0\t0\t1\t1\n"
    result = extract_claims(text)
    claims = {claim["key"]: claim["value"] for claim in result["claims"]}
    assert (claims["review_total"], claims["litigation_total"]) == (3, 2)
    assert all(rule["passed"] is True for rule in result["consistency"] if rule["rule"].startswith("review_results"))


# --- prose that restates the table ----------------------------------------------------


def _prose_rules(prose: str, table: str = RESULTS) -> dict:
    result = extract_claims(prose + "\n" + table)
    return {rule["rule"]: rule for rule in result["consistency"] if rule["rule"].startswith("prose_table")}, result


def test_prose_below_what_the_filled_cells_already_give_is_a_mismatch():
    rules, result = _prose_rules("共受理政府信息公开申请10件，予以公开及部分公开6件。")
    assert rules["prose_table:applications_received"]["passed"] is True
    assert rules["prose_table:applications_granted"]["passed"] is False
    assert rules["prose_table:applications_granted"]["figures"] == {"prose": 6, "table": 8}
    assert [finding["key"] for finding in result["findings"]] == ["applications_granted"]


def test_prose_above_the_filled_cells_is_unknown_when_blanks_could_hold_the_rest():
    rules, result = _prose_rules("共受理政府信息公开申请10件，予以公开9件。")
    assert rules["prose_table:applications_disclosed"]["passed"] is None
    assert result["findings"] == []


def test_prose_floor_is_met_by_a_larger_table_figure():
    rules, _ = _prose_rules("共受理政府信息公开申请5余件。")
    assert rules["prose_table:applications_received"]["passed"] is True


def test_approximate_prose_figure_is_not_compared():
    rules, result = _prose_rules("共受理政府信息公开申请约12件。")
    assert rules["prose_table:applications_received"]["passed"] is None
    assert result["findings"] == []


def test_result_words_outside_a_paragraph_on_applications_are_no_restatement():
    rules, _ = _prose_rules("对涉及群众切身利益的文件予以公开3件。")
    assert "prose_table:applications_disclosed" not in rules


def test_result_group_comes_from_the_sub_row_words_where_the_group_label_landed_elsewhere():
    # A rowspan label centred in its cell stands on a middle row of its group.
    table = (
        HEAD
        + "（一）予以公开\t1\t0\t0\t0\t0\t0\t1\n（二）部分公开\t0\t0\t0\t0\t0\t0\t0\n"
        + "1.信访举报投诉类申请\t2\t0\t0\t0\t0\t0\t2\n"
        + "（五）不予处理\t2.重复申请\t1\t0\t0\t0\t0\t0\t1\n"
        + "（七）总计\t4\t0\t0\t0\t0\t0\t4\n"
    )
    rules, result = _prose_rules("共受理政府信息公开申请4件，予以公开及部分公开1件，不予处理3件。", table)
    assert rules["prose_table:applications_granted"]["passed"] is True
    assert rules["prose_table:applications_not_processed"]["passed"] is True
    assert result["findings"] == []


@pytest.mark.parametrize(("row", "total", "note"), [
    ("18 18", 18, "only the 总计 can be placed"),  # blanks dropped, the figures add up to the last
    ("258 12 1 1", None, "which column each figure is in is unknown"),  # the last is no total
])
def test_row_short_of_cells_is_read_only_as_far_as_it_can_be_placed(row, total, note):
    result = extract_claims(f"{HEAD}二、上年结转政府信息公开申请数量 {row}\n")
    claim = next(claim for claim in result["claims"] if claim["key"] == "applications_carried_over")
    rule = next(rule for rule in result["consistency"] if rule["rule"] == "applicant_columns:applications_carried_over")
    assert claim["value"] == total
    assert rule["passed"] is None
    assert all(value is None for name, value in rule["figures"].items() if name not in ("总计", "sum_of_columns"))
    if total is not None:
        assert note in rule["detail"]


def test_the_results_detail_is_in_chinese(chinese):
    detail = _rules(RESULTS)["results_sum"]["detail"]
    assert detail.startswith("（一）至（六）共 3 行相加为 10 = 三（七）10；3 行总计空白，按该行各单元格之和计")
    assert "；按申请人类别：自然人 8 = 8" in detail


def test_the_prose_and_table_detail_is_in_chinese(chinese):
    from importlib.resources import files

    report = files("monitor.demo.sample_portal").joinpath("annual_report_2020.md").read_text(encoding="utf-8")
    detail = _rules(report)["prose_table:applications_received"]["detail"]
    assert detail.startswith("正文称 3（“") and "，统计表一、本年新收为 3（“" in detail
    assert not re.search(r"[A-Za-z]{3,}", detail), detail
