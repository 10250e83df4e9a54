"""The inspection findings' details in Chinese, govwatch's default: no English words but the portal's own."""

import json
import re

import pytest

from monitor.audit.rulebook import run_rulebook
from storage.runs import record_crawl_note
from tests.monitor.audit.test_report_checks import REPORT_2019, REPORT_2020, URL_2019, URL_2020, findings, report
from tests.monitor.audit.test_rulebook import column_record, scope
from tests.storage.test_documents import record
from tests.storage.test_history import crawl
from storage.db import open_db


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "govwatch.db")
    yield database
    database.close()


def english_words(text: str) -> list[str]:
    """Words of Latin letters, leaving out the URLs and masked numbers a detail may quote."""
    return re.findall(r"[A-Za-z]{2,}", re.sub(r"https?://\S+", "", text))


def test_the_rulebook_details_are_in_chinese(db, chinese):
    crawl(db, [column_record(2, "通知公告", "2020-06-01"),
               record(url="http://portal/info/1/1.htm", index_no="x/2020-9", title="公示 13912345678",
                      body_text="身份证号：371302198503127717。")], "2026-01-01T00:00:00Z")
    latest = crawl(db, [record(url="http://portal/info/1/2.htm", published_on="2020-09-01", index_no="x/2020-1")],
                   "2026-01-02T00:00:00Z")
    record_crawl_note(db, latest, url="http://portal/list.htm", kind="blank_listing", title="应急预案", detail="暂无信息")
    record_crawl_note(db, latest, url="http://portal/", kind="home_page", title="首页",
                      detail=json.dumps(["2020-12-01"]))
    details = {finding["kind"]: finding["detail"] for finding in run_rulebook(scope(db))}
    assert details["stale_column"] == ("栏目 政府信息公开 >> 通知公告：最新文件为 2020-06-01，至 2020-12-31 已 213 天"
                                       "（通知公告、政策文件类栏目，时限 183 天）")
    assert details["personal_data"] == "标题中有手机号码 139****5678；正文中有居民身份证号码 3713**********7717"
    assert details["blank_column"] == "栏目 应急预案：列表页显示“暂无信息”，没有文件"
    assert details["homepage_stale"] == "首页最新日期为 2020-12-01，早于 2020-12-31 30 天（时限 14 天）"
    assert details["backdated"].startswith("所标公开日期为 2020-09-01，但 2026-01-02 才首次出现")
    assert {kind: english_words(detail) for kind, detail in details.items()} == {kind: [] for kind in details}


def test_the_annual_report_details_are_in_chinese(db, chinese):
    crawl(db, [report(URL_2019, 2019, "2021-02-15", REPORT_2019), report(URL_2020, 2020, "2021-03-20", REPORT_2020)],
          "2026-01-01T00:00:00Z")
    assert findings(db, "report_late", level="government") == [
        (URL_2019, "2019 年度报告于 2021-02-15 发布，晚于截止日期 2020-03-31 321 天（人民政府的年度报告）")]
    assert findings(db, "cross_year_mismatch") == [(URL_2020, (
        "2020 年度报告的“二、上年结转”与 2019 年度报告的“四、结转下年度继续办理”不一致：总计 0 ≠ 3；自然人 0 ≠ 3"))]
    ((url, similar),) = findings(db, "report_similar")
    assert similar.startswith("2020 年度报告的正文有 100% 与 2019 年度报告相同（不计数字）；最长的相同段落：“")


def test_a_changed_report_names_its_figures_in_chinese(db, chinese):
    crawl(db, [report(URL_2020, 2020, "2021-01-20", REPORT_2020)], "2026-01-01T00:00:00Z")
    crawl(db, [report(URL_2020, 2020, "2021-01-20", REPORT_2020.replace("主动公开信息2763条", "主动公开信息2863条"))],
          "2026-02-03T00:00:00Z")
    assert findings(db, "report_changed") == [
        (URL_2020, "2020 年度报告于 2026-02-03 被修改：门户网站主动公开信息条数 2763 → 2863")]
