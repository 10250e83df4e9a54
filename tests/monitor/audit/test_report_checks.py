"""The annual-report inspection checks on real SQLite files holding the sample portal's two reports."""

import datetime as dt
from dataclasses import replace
from importlib.resources import files

import pytest

from crawler.profiles import PROFILES
from monitor.audit.rulebook import Scope, run_rulebook
from monitor.audit.similarity import prose_lines, similarity
from storage.db import open_db
from tests.storage.test_documents import record
from tests.storage.test_history import crawl

PORTAL = files("monitor.demo.sample_portal")
REPORT_2020 = PORTAL.joinpath("annual_report_2020.md").read_text(encoding="utf-8")
REPORT_2019 = PORTAL.joinpath("annual_report_2019.md").read_text(encoding="utf-8")
URL_2020, URL_2019 = "http://portal/info/1061/2.htm", "http://portal/info/1061/1.htm"


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "govwatch.db")
    yield database
    database.close()


def report(url, year, published_on, body):
    return record(url=url, title=f"临沂经济技术开发区{year}年政府信息公开工作年度报告", published_on=published_on,
                  index_no=f"x/{published_on[:4]}-{url[-5]}", body_text=body, attachments=[],
                  breadcrumb=["政府信息公开", "政府信息公开年报"])


def findings(db, kind, level="department", as_of="2021-12-31"):
    profile = replace(PROFILES["leda"], level=level)
    scope = Scope(db, "2021-01-01", "2021-12-31", dt.date.fromisoformat(as_of), profile)
    return [(f["url"], f["detail"]) for f in run_rulebook(scope) if f["kind"] == kind]


def test_report_late_by_article_49_for_a_department_or_a_government(db):
    crawl(db, [report(URL_2019, 2019, "2021-02-15", REPORT_2019), report(URL_2020, 2020, "2021-03-20", REPORT_2020)],
          "2026-01-01T00:00:00Z")
    assert findings(db, "report_late") == [
        (URL_2019, "the report on 2019 appeared 2021-02-15, 381 days after the deadline 2020-01-31 (a department's report)"),
        (URL_2020, "the report on 2020 appeared 2021-03-20, 48 days after the deadline 2021-01-31 (a department's report)")]
    assert [url for url, _ in findings(db, "report_late", level="government")] == [URL_2019]
    # As of a day before the 2020 report appeared, only the 2019 one is judged.
    assert [url for url, _ in findings(db, "report_late", as_of="2021-03-01")] == [URL_2019]


def test_carried_over_differs_from_last_years_carried_forward(db):
    crawl(db, [report(URL_2019, 2019, "2021-02-15", REPORT_2019), report(URL_2020, 2020, "2021-01-20", REPORT_2020)],
          "2026-01-01T00:00:00Z")
    assert findings(db, "cross_year_mismatch") == [(URL_2020, (
        "the report on 2020's 二、上年结转 differs from the report on 2019's 四、结转下年度继续办理: "
        "总计 0 ≠ 3; 自然人 0 ≠ 3"))]
    (url, detail), = findings(db, "report_similar")
    assert url == URL_2020 and detail.startswith("100% of the report on 2020's prose is the report on 2019's")


def test_carried_over_with_the_same_total_is_compared_per_applicant_column(db):
    # The 3 carried over are stated, but under 商业企业, where 2019 carried them forward for 自然人.
    moved = REPORT_2020.replace("二、上年结转政府信息公\t0\t0\t0\t0\t0\t0\t0", "二、上年结转政府信息公\t0\t3\t0\t0\t0\t0\t3")
    assert moved != REPORT_2020
    crawl(db, [report(URL_2019, 2019, "2021-02-15", REPORT_2019), report(URL_2020, 2020, "2021-01-20", moved)],
          "2026-01-01T00:00:00Z")
    assert findings(db, "cross_year_mismatch") == [(URL_2020, (
        "the report on 2020's 二、上年结转 differs from the report on 2019's 四、结转下年度继续办理: "
        "自然人 0 ≠ 3; 商业企业 3 ≠ 0"))]


def test_a_blank_applicant_cell_is_not_compared(db):
    # 2019's forward row leaves 其他 blank: the 2 that 2020 states there are judged against nothing.
    blank = REPORT_2020.replace("二、上年结转政府信息公\t0\t0\t0\t0\t0\t0\t0", "二、上年结转政府信息公\t3\t0\t0\t0\t0\t2\t3")
    crawl(db, [report(URL_2019, 2019, "2021-02-15", REPORT_2019), report(URL_2020, 2020, "2021-01-20", blank)],
          "2026-01-01T00:00:00Z")
    assert findings(db, "cross_year_mismatch") == []


def test_no_previous_report_no_comparison(db):
    crawl(db, [report(URL_2020, 2020, "2021-01-20", REPORT_2020)], "2026-01-01T00:00:00Z")
    assert findings(db, "cross_year_mismatch") == findings(db, "report_similar") == findings(db, "report_late") == []


def test_report_changed_names_the_figures_that_changed(db):
    crawl(db, [report(URL_2020, 2020, "2021-01-20", REPORT_2020)], "2026-01-01T00:00:00Z")
    edited = REPORT_2020.replace("主动公开信息2763条", "主动公开信息2863条")
    assert edited != REPORT_2020
    crawl(db, [report(URL_2020, 2020, "2021-01-20", edited)], "2026-02-03T00:00:00Z")
    assert findings(db, "report_changed") == [
        (URL_2020, "the report on 2020 changed 2026-02-03: items published proactively on the portal 2763 → 2863")]


def test_similarity_ignores_digits_and_tables():
    assert prose_lines("2020年，我们做了很多工作，成效明显。\n一、总体情况\n本年新收\t3\t0") == ["年，我们做了很多工作，成效明显。"]
    share, passage = similarity("2021年，我们做了很多工作，成效明显。\n全新的一句话，和去年完全不同的内容。",
                                "2020年，我们做了很多工作，成效明显。")
    assert round(share, 2) == 0.47 and passage == "年，我们做了很多工作，成效明显。"
    assert similarity("一、总体情况", "二、主动公开") is None
