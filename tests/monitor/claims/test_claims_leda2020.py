"""The claims of the real 2020 report of the Linyi development area (a ragged conversion)."""

from pathlib import Path

import pytest

from monitor.claims.extract import extract_claims, report_text

REPORT = Path(__file__).parents[2] / "files" / "reports" / "leda-2020-annual-report.md"
# The shared original beside the clone (/work/shared in development, ../shared in CI).
SHARED = Path(__file__).parents[3].parent / "shared" / "reports" / "leda-2020-annual-report.md"

# (key, value, bound, unit) as the report states them in prose and tables.
EXPECTED = [
    ("portal_items", 2763, None, "条"),
    ("social_media_items", 2619, None, "条"),
    ("interpretations", 43, None, "条"),
    ("key_area_items", 700, "lower", "条"),
    ("online_service_cases", 21469, None, "件"),
    ("mailbox_letters", 3, None, "件"),
    ("online_interviews", 1, None, "期"),
    ("reading_room_visits", 2038, None, "人次"),
    ("questions_answered", 1421, None, "条"),
    ("proposal_results", 1, None, "条"),
    ("applications_new", 3, None, "件"),
    ("applications_carried_over", 0, None, "件"),
    ("applications_handled_total", 3, None, "件"),
    ("applications_carried_forward", 0, None, "件"),
    ("review_total", 0, None, "件"),
    ("litigation_total", 0, None, "件"),
    ("timeliness_limit_workdays", 15, None, "工作日"),
]


@pytest.fixture(scope="module")
def result():
    return extract_claims(report_text(REPORT.read_bytes()))


@pytest.mark.skipif(not SHARED.exists(), reason="shared reports not checked out beside the repository")
def test_fixture_is_a_faithful_copy_of_the_shared_report():
    assert REPORT.read_bytes() == SHARED.read_bytes()


def test_year_comes_from_the_title(result):
    assert result["year"] == 2020


@pytest.mark.parametrize(("key", "value", "bound", "unit"), EXPECTED, ids=[row[0] for row in EXPECTED])
def test_claim(claims, key, value, bound, unit):
    claim = claims[key]
    assert claim["readable"] is True
    assert claim["value"] == value
    assert claim["bound"] == bound
    assert claim["approx"] is (bound is not None)
    assert claim["unit"] == unit


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("portal_items", "门户网站主动公开信息2763条"),
        ("social_media_items", "微博和微信主动公开信息2619条"),
        ("key_area_items", "重点领域信息 700 余条"),
        ("questions_answered", "解答群众询 1421 条"),
        ("timeliness_limit_workdays", "形成或变更的15个工作日内"),
    ],
)
def test_quote_is_the_sentence_the_figure_stands_in(claims, key, fragment):
    quote = claims[key]["quote"]
    assert fragment in quote
    assert quote == quote.strip() and "\n" not in quote


def test_hotline_figure_is_not_taken_for_answered_questions(claims):
    # "12345热线板块回应群众咨询13余条" shares the sentence family but is no key.
    assert claims["questions_answered"]["value"] != 13
    assert all(claim["value"] != 13 for claim in claims.values())


def test_long_sentence_is_quoted_by_its_clause(claims):
    quote = claims["proposal_results"]["quote"]
    assert quote.endswith("公开提案办理结果1条。")
    assert "鲁政办字" not in quote


def test_split_row_label_is_joined(claims):
    # "二、上年结转政府信息公" continues as "开申请数量" two lines further down.
    assert claims["applications_carried_over"]["quote"].startswith("二、上年结转政府信息公")
    assert claims["applications_carried_over"]["quote"].endswith("开申请数量")


def test_every_section_three_rule_passes(rules):
    section_three = [rule for name, rule in rules.items() if not name.startswith(("review_results", "prose_table"))]
    assert len(section_three) == 6
    assert all(rule["passed"] is True for rule in section_three), [r["detail"] for r in section_three]


def test_balance_rule_reports_its_figures(rules):
    figures = rules["applications_balance"]["figures"]
    assert figures["new_plus_carried_over"] == figures["handled_plus_carried_forward"] == 3


def test_missing_cell_of_row_four_is_noted_not_guessed(rules):
    rule = rules["applicant_columns:applications_carried_forward"]
    assert rule["figures"]["其他"] is None
    assert "其他 blank" in rule["detail"]


def test_prose_restating_the_applications_agrees_with_the_table(rules):
    rule = rules["prose_table:applications_received"]
    assert rule["passed"] is True
    assert rule["figures"] == {"prose": 3, "table": 3}


def test_result_rows_with_blank_totals_are_read_as_their_cells_and_named(rules):
    rule = rules["results_sum"]
    # (一) (二), eight (三), three (四), five (五), and (六) without sub-rows.
    assert rule["figures"]["result_rows"] == 19
    assert rule["figures"]["sum_of_results"] == 3
    assert len(rule["figures"]["blank_totals"]) == 8
    assert any("属于国家秘密" in label for label in rule["figures"]["blank_totals"])


def test_section_four_rules_pass_on_zeros(rules):
    for key in ("review", "direct_litigation", "litigation_after_review"):
        rule = rules[f"review_results:{key}"]
        assert rule["passed"] is True
        assert rule["figures"]["总计"] == 0
