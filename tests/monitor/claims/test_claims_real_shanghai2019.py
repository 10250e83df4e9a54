"""The real 2019 report of the Shanghai government's general office (an HTML page).

Figures read by eye (``expected.json`` of the shared real material). Every blank cell
is ``&nbsp;`` and the 总计 column is blank on every result row, so the results identity
can only be checked through the applicant columns; its prose restates two result
figures differently from its table, which are the report's real findings.
"""

from pathlib import Path

import pytest

from monitor.claims.extract import extract_claims, report_text

REPORT = Path(__file__).parents[2] / "files" / "real" / "reports" / "shanghai-szfbgt-2019.html"

TABLE_FIGURES = [
    ("applications_new", 859),
    ("applications_carried_over", 18),
    ("applications_handled_total", 805),
    ("applications_carried_forward", 72),
    ("review_total", 7),
    ("litigation_total", 9),
    ("litigation_direct_total", 9),
]
PROSE_FIGURES = [
    ("regulations", 13, "主动公开规章13件"),
    ("normative_documents", 60, "行政规范性文件60件"),
    ("other_documents", 162, "市政府其他文件162件"),
    ("appointments", 141, "人事任免文件141件"),
    ("interpretations", 132, "发布政策解读共132件"),
    ("standing_meeting_releases", 38, "权威发布共计38次"),
    ("gazette_issues", 24, "全年共编发公报24期"),
    ("websites_checked", 70, "70家政府网站开展全面检查"),
    ("applications_received", 859, "共受理政府信息公开申请859件"),
    ("applications_answered", 805, "答复政府信息公开申请805件"),
]


@pytest.fixture(scope="module")
def result():
    return extract_claims(report_text(REPORT.read_bytes()))


def test_year(result):
    assert result["year"] == 2019


@pytest.mark.parametrize(("key", "value"), TABLE_FIGURES, ids=[key for key, _ in TABLE_FIGURES])
def test_table_figure(claims, key, value):
    assert claims[key]["value"] == value
    assert claims[key]["readable"] is True


def test_lawsuits_after_review_are_blank_so_unknown(claims):
    claim = claims["litigation_after_review_total"]
    assert claim["value"] is None and claim["readable"] is False


@pytest.mark.parametrize(("key", "value", "fragment"), PROSE_FIGURES, ids=[key for key, *_ in PROSE_FIGURES])
def test_prose_figure(claims, key, value, fragment):
    claim = claims[key]
    assert (claim["value"], claim["bound"]) == (value, None)
    assert fragment in claim["quote"]


def test_no_rule_fails(rules):
    failed = {name for name, rule in rules.items() if rule["passed"] is False and not name.startswith("prose_table")}
    assert failed == set()


def test_balance_holds(rules):
    rule = rules["applications_balance"]
    assert rule["passed"] is True
    assert rule["figures"]["new_plus_carried_over"] == rule["figures"]["handled_plus_carried_forward"] == 877


@pytest.mark.parametrize("key", ["applications_new", "applications_carried_over",
                                 "applications_handled_total", "applications_carried_forward"])
def test_row_sums_hold_with_their_blank_cells(rules, key):
    rule = rules[f"applicant_columns:{key}"]
    assert rule["passed"] is True
    assert "blank" in rule["detail"]


def test_results_hold_through_the_applicant_columns(rules):
    rule = rules["results_sum"]
    assert rule["passed"] is True
    assert rule["figures"]["result_rows"] == 19
    assert len(rule["figures"]["blank_totals"]) == 19  # every result row's 总计 is blank
    assert rule["figures"]["sum_of_results"] == 805
    for column in ("自然人 767 = 767", "商业企业 35 = 35", "法律服务机构 2 = 2", "其他 1 = 1"):
        assert column in rule["detail"]


@pytest.mark.parametrize("key", ["review", "direct_litigation"])
def test_section_four_groups_add_up(rules, key):
    assert rules[f"review_results:{key}"]["passed"] is True


def test_section_four_group_left_blank_is_unknown_not_failed(rules):
    rule = rules["review_results:litigation_after_review"]
    assert rule["passed"] is None
    assert "blank" in rule["detail"]


def test_prose_differs_from_the_table_exactly_twice(result):
    assert {finding["key"] for finding in result["findings"]} == {"applications_granted", "applications_unavailable"}
    assert {finding["kind"] for finding in result["findings"]} == {"prose_table_mismatch"}


def test_granted_in_prose_is_only_the_natural_persons_figure(rules, result):
    rule = rules["prose_table:applications_granted"]
    assert rule["passed"] is False
    assert rule["figures"] == {"prose": 258, "table": 275}  # 272 予以公开 + 3 部分公开
    finding = next(f for f in result["findings"] if f["key"] == "applications_granted")
    assert "予以公开及部分公开258件" in finding["prose_quote"]
    assert "（一）予以公开 258 12 1 1" in finding["table_quote"] and "部分公开" in finding["table_quote"]
    assert finding["prose_quote"] in finding["detail"] and finding["table_quote"] in finding["detail"]


def test_unavailable_in_prose_is_only_the_not_held_figure(rules, result):
    rule = rules["prose_table:applications_unavailable"]
    assert rule["passed"] is False
    assert rule["figures"] == {"prose": 265, "table": 337}
    finding = next(f for f in result["findings"] if f["key"] == "applications_unavailable")
    assert "无法提供265件" in finding["prose_quote"]
    assert "本机关不掌握相关政府信息 252 12 1" in finding["table_quote"]


@pytest.mark.parametrize("key", ["applications_received", "applications_answered", "applications_refused",
                                 "applications_not_processed", "applications_other_handling",
                                 "review_cases", "litigation_cases"])
def test_other_restated_figures_agree(rules, key):
    assert rules[f"prose_table:{key}"]["passed"] is True
