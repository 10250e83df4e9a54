"""Claims and planted table errors in three reports written three different ways.

alpha (HTML, 2021 template with (六) in three sub-rows), beta (plain text, whitespace
columns, full-width digits and Chinese numerals), gamma (Markdown with pipe tables).
Each fixture has deliberate inconsistencies; every other rule must pass, except where a
blank cell could hold the difference: that rule is unknown, never failed.
"""

from pathlib import Path

import pytest

from monitor.claims.extract import extract_claims, report_text

REPORTS = Path(__file__).parents[2] / "files" / "reports"


def _read(name: str) -> dict:
    result = extract_claims(report_text((REPORTS / name).read_bytes()))
    return {
        "year": result["year"],
        "claims": {claim["key"]: claim for claim in result["claims"]},
        "rules": {rule["rule"]: rule for rule in result["consistency"]},
    }


@pytest.fixture(scope="module")
def alpha():
    return _read("alpha-2021-annual-report.html")


@pytest.fixture(scope="module")
def beta():
    return _read("beta-2022-annual-report.txt")


@pytest.fixture(scope="module")
def gamma():
    return _read("gamma-2023-annual-report.md")


def _values(report: dict) -> dict:
    return {key: (claim["value"], claim["bound"]) for key, claim in report["claims"].items()}


def _failed(report: dict) -> set:
    return {name for name, rule in report["rules"].items() if rule["passed"] is False}


# --- alpha: HTML -----------------------------------------------------------------------


def test_alpha_prose_claims(alpha):
    assert alpha["year"] == 2021
    assert _values(alpha) == {
        "portal_items": (3456, None),  # written ３，４５６
        "social_media_items": (1024, None),
        "interpretations": (43, None),  # 四十三篇
        "key_area_items": (1200, "approx"),  # 约1200条
        "online_service_cases": (12345, None),
        "mailbox_letters": (56, None),
        "online_interviews": (6, None),
        "reading_room_visits": (300, None),
        "questions_answered": (800, "lower"),  # 超过800条
        "proposal_results": (25, None),
        "timeliness_limit_workdays": (20, None),
        "applications_new": (12, None),
        "applications_carried_over": (2, None),
        "applications_handled_total": (11, None),
        "applications_carried_forward": (2, None),
        "review_total": (2, None),
        "litigation_direct_total": (2, None),
        "litigation_after_review_total": (1, None),
        "litigation_total": (3, None),
    }


def test_alpha_ignores_scripts_styles_and_comments(alpha):
    assert alpha["claims"]["portal_items"]["value"] not in (7777, 8888, 9999)


def test_alpha_exactly_the_planted_rules_fail(alpha):
    assert _failed(alpha) == {
        "applications_balance",
        "applicant_columns:applications_new",
        "review_results:review",
    }
    assert all(rule["passed"] is True for name, rule in alpha["rules"].items() if name not in _failed(alpha))


def test_alpha_balance_failure_carries_its_figures(alpha):
    figures = alpha["rules"]["applications_balance"]["figures"]
    assert figures["new_plus_carried_over"] == 14
    assert figures["handled_plus_carried_forward"] == 13
    assert "14 ≠" in alpha["rules"]["applications_balance"]["detail"]


def test_alpha_row_whose_columns_miss_the_total(alpha):
    rule = alpha["rules"]["applicant_columns:applications_new"]
    assert rule["figures"]["自然人"] == 8
    assert rule["figures"]["商业企业"] == 3
    assert rule["figures"]["sum_of_columns"] == 11
    assert rule["figures"]["总计"] == 12


def test_alpha_results_include_three_other_handling_sub_rows(alpha):
    rule = alpha["rules"]["results_sum"]
    # (一) (二), 8 + 3 + 5 sub-rows of (三) (四) (五), 3 sub-rows of (六).
    assert rule["figures"]["result_rows"] == 21
    assert rule["figures"]["sum_of_results"] == 11
    assert rule["figures"]["blank_totals"] == []


def test_alpha_review_total_wrong(alpha):
    rule = alpha["rules"]["review_results:review"]
    assert rule["figures"]["sum_of_results"] == 1
    assert rule["figures"]["总计"] == 2


# --- beta: plain text ------------------------------------------------------------------


def test_beta_prose_claims(beta):
    assert beta["year"] == 2022  # 二〇二二年度
    assert _values(beta) == {
        "portal_items": (1234, None),  # 共计1,234条
        "social_media_items": (678, None),  # ６７８条
        "interpretations": (25, None),  # 政策解读文件二十五篇
        "key_area_items": (500, "approx"),  # 近500条
        "online_service_cases": (9876, None),
        "mailbox_letters": (12, None),  # 十二件
        "online_interviews": (2, None),  # 两期
        "reading_room_visits": (150, None),
        "questions_answered": (300, "approx"),  # 约300条
        "proposal_results": (18, None),
        "timeliness_limit_workdays": (20, None),  # 二十个工作日
        "applications_new": (25, None),
        "applications_carried_over": (1, None),  # full-width cells
        "applications_handled_total": (24, None),
        "applications_carried_forward": (2, None),
        "review_total": (3, None),
        "litigation_direct_total": (2, None),
        "litigation_after_review_total": (0, None),
        "litigation_total": (2, None),
    }


def test_beta_split_labels_do_not_swallow_the_next_row_group(beta):
    assert "本年度办理结果" not in beta["claims"]["applications_carried_over"]["quote"]


def test_beta_exactly_the_planted_rules_fail(beta):
    assert _failed(beta) == {
        "applicant_columns:applications_handled_total",
        "review_results:direct_litigation",
    }
    assert beta["rules"]["applications_balance"]["passed"] is True


def test_beta_results_sum_is_unknown_because_the_dash_row_could_hold_the_difference(beta):
    # The results add to 22 against 24; the row written all "—" is blank, not 0, and
    # could hold the 2 missing, so the rule cannot fail (the (七) row's own columns,
    # 22 against its 24, still fail in applicant_columns:applications_handled_total).
    rule = beta["rules"]["results_sum"]
    assert rule["passed"] is None
    assert rule["figures"]["sum_of_results"] == 22
    assert rule["figures"]["applications_handled_total"] == 24
    assert rule["figures"]["blank_totals"] == ["2.其他法律行政法规禁止公开"]
    assert rule["figures"]["columns_unknown"] == ["总计"]
    assert "2 off" in rule["detail"]


def test_beta_handled_total_columns(beta):
    rule = beta["rules"]["applicant_columns:applications_handled_total"]
    assert (rule["figures"]["sum_of_columns"], rule["figures"]["总计"]) == (22, 24)


def test_beta_direct_litigation_total_wrong(beta):
    rule = beta["rules"]["review_results:direct_litigation"]
    assert (rule["figures"]["sum_of_results"], rule["figures"]["总计"]) == (1, 2)


# --- gamma: Markdown -------------------------------------------------------------------


def test_gamma_prose_claims(gamma):
    assert gamma["year"] == 2023
    assert gamma["claims"]["portal_items"]["value"] == 2500  # **2,500** in bold
    assert gamma["claims"]["social_media_items"]["value"] == 3000
    assert gamma["claims"]["social_media_items"]["bound"] == "lower"  # 3000余条
    assert gamma["claims"]["key_area_items"]["value"] == 420
    assert gamma["claims"]["key_area_items"]["bound"] == "approx"  # 420 条左右
    assert gamma["claims"]["interpretations"]["value"] == 60
    assert gamma["claims"]["reading_room_visits"]["value"] == 35


def test_gamma_unmentioned_figures_are_absent_not_zero(gamma):
    # The mailbox is named without a figure; nothing else is said of proposals.
    assert "mailbox_letters" not in gamma["claims"]
    assert "proposal_results" not in gamma["claims"]


def test_gamma_placeholder_figure_is_unreadable(gamma):
    claim = gamma["claims"]["online_interviews"]
    assert claim["readable"] is False
    assert claim["value"] is None
    assert "在线访谈XX期" in claim["quote"]


def test_gamma_exactly_the_planted_rules_fail(gamma):
    assert _failed(gamma) == {
        "applications_balance",
        "applicant_columns:applications_carried_forward",
        "review_results:litigation_after_review",
    }


def test_gamma_blank_pipe_cell_is_noted(gamma):
    rule = gamma["rules"]["applicant_columns:applications_carried_over"]
    assert rule["passed"] is True
    assert rule["figures"]["科研机构"] is None
    assert "科研机构 blank" in rule["detail"]


def test_gamma_litigation_total_adds_both_lawsuit_groups(gamma):
    assert gamma["claims"]["litigation_total"]["value"] == 3
    assert gamma["claims"]["review_total"]["value"] == 0
    rule = gamma["rules"]["review_results:litigation_after_review"]
    assert (rule["figures"]["sum_of_results"], rule["figures"]["总计"]) == (1, 2)
