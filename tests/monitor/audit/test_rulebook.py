"""The inspection checks on real SQLite files written the way a crawl writes them."""

import datetime as dt
import json
from dataclasses import replace

import pytest

from crawler.profiles import PROFILES
from monitor.audit.rulebook import (
    CHECKS, RULES, Scope, SettingError, column_ages, default_as_of, run_rulebook, setting,
)
from monitor.audit.run import compute_audit, run_audit
from monitor.labels import FINDINGS, INSPECTION
from storage.db import open_db
from storage.runs import record_crawl_note
from tests.storage.test_documents import record
from tests.storage.test_history import crawl


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "govwatch.db")
    yield database
    database.close()


def scope(db, as_of="2020-12-31"):
    return Scope(db, "2020-01-01", "2020-12-31", dt.date.fromisoformat(as_of), PROFILES["leda"])


def kinds(findings):
    return [finding["kind"] for finding in findings]


def test_every_check_gives_a_kind_of_the_registry_with_its_basis():
    assert all(kind in FINDINGS and FINDINGS[kind].basis for kind in RULES)
    assert {check.__name__ for check in CHECKS} <= set(RULES)


def test_personal_data_in_title_body_and_attachment_is_found_and_masked(db):
    crawl(db, [
        record(url="http://portal/info/1/1.htm", title="公示 13912345678"),
        record(url="http://portal/info/1/2.htm", index_no="x/2020-2", body_text="身份证号：371302198503127717。",
               attachments=[{"name": "名单_371302199208154418.pdf", "url": "http://portal/a.pdf"}]),
        record(url="http://portal/info/1/3.htm", index_no="x/2020-3",
               body_text="身份证号 371302198503127715，电话 0539-8712345，热线 12345"),
    ], "2026-01-01T00:00:00Z")
    found = run_rulebook(scope(db))
    assert [(f["kind"], f["url"]) for f in found] == [
        ("personal_data", "http://portal/info/1/1.htm"), ("personal_data", "http://portal/info/1/2.htm")]
    assert found[0]["detail"] == "mobile 139****5678 in the title"
    assert found[1]["detail"] == ("ID number 3713**********7717 in the body; "
                                  "ID number 3713**********4418 in the attachment")


def test_a_birth_date_after_the_as_of_date_is_no_id_number(db):
    crawl(db, [record(body_text="编号 371302202106154411")], "2026-01-01T00:00:00Z")
    assert run_rulebook(scope(db, "2020-12-31")) == []


def test_backdated_event_becomes_a_finding(db):
    crawl(db, [record()], "2026-01-01T00:00:00Z")
    crawl(db, [record(url="http://portal/info/1/2.htm", published_on="2020-09-01", index_no="x/2020-1")],
          "2026-01-02T00:00:00Z")
    (finding,) = [f for f in run_rulebook(scope(db)) if f["kind"] == "backdated"]
    assert finding["url"] == "http://portal/info/1/2.htm"
    assert finding["detail"] == ("stated published 2020-09-01, but first seen 2026-01-02 after its column "
                                 "already listed a document of 2020-10-23")
    assert RULES["backdated"].veto and FINDINGS["backdated"].basis == INSPECTION


def test_as_of_defaults_to_the_end_of_a_past_year_and_today_otherwise():
    today = dt.date(2022, 3, 1)
    assert default_as_of(2021, "2021-12-31", today) == dt.date(2021, 12, 31)
    assert default_as_of(2022, "2022-12-31", today) == today
    assert default_as_of(None, "2021-06-30", today) == today


def test_audit_result_states_its_as_of_date_and_masks_every_text(db):
    crawl(db, [record(title="联系电话13912345678")], "2026-01-01T00:00:00Z")
    result = run_audit(db, year=2020, today=dt.date(2026, 1, 5))
    assert result["as_of"] == "2020-12-31"
    assert "13912345678" not in json.dumps(result, ensure_ascii=False)
    stored = [row[0] for row in db.execute("SELECT detail FROM findings").fetchall()]
    stored += [row[0] for row in db.execute("SELECT result FROM audit_runs").fetchall()]
    assert any("139****5678" in text for text in stored)
    assert not any("13912345678" in text for text in stored)
    assert result["inspection"]["rules"]["personal_data"]["findings"] == 1
    assert compute_audit(db, year=2020, as_of=dt.date(2020, 6, 1))["as_of"] == "2020-06-01"


def test_a_bad_threshold_setting_is_a_clear_error(db, monkeypatch):
    monkeypatch.setenv("GOVWATCH_STALE_NEWS_DAYS", "two weeks")
    with pytest.raises(SettingError, match="GOVWATCH_STALE_NEWS_DAYS must be a whole number"):
        setting("GOVWATCH_STALE_NEWS_DAYS")
    monkeypatch.setenv("GOVWATCH_STALE_NEWS_DAYS", "21")
    assert setting("GOVWATCH_STALE_NEWS_DAYS") == 21



def test_the_audit_refuses_a_bad_threshold_setting_in_one_line(db, monkeypatch):
    from monitor.audit.run import AuditError

    crawl(db, [record()], "2026-01-01T00:00:00Z")
    monkeypatch.setenv("GOVWATCH_STALE_OTHER_DAYS", "0")
    with pytest.raises(AuditError, match="at least 1"):
        compute_audit(db, year=2020)


def column_record(n, column, published_on):
    return record(url=f"http://portal/info/{n}.htm", index_no=f"x/2020-{n}", published_on=published_on,
                  breadcrumb=["政府信息公开", column])


def test_stale_columns_by_kind_threshold_and_profile(db):
    crawl(db, [column_record(1, "工作动态", "2020-12-10"), column_record(2, "通知公告", "2020-06-01"),
               column_record(3, "机构职能", "2020-01-02"), column_record(4, "专题专栏", "2019-06-01"),
               column_record(5, "工作动态", "2020-12-20")], "2026-01-01T00:00:00Z")
    ages = {item["column"].split(" >> ")[-1]: item for item in column_ages(scope(db))}
    assert {name: (item["kind"], item["age_days"], item["stale"]) for name, item in ages.items()} == {
        "工作动态": ("news", 11, False), "通知公告": ("notice", 213, True), "机构职能": ("other", 364, False),
        "专题专栏": ("other", 579, True)}
    assert ages["工作动态"]["newest_url"] == "http://portal/info/5.htm"
    found = [f for f in run_rulebook(scope(db)) if f["kind"] == "stale_column"]
    assert [f["url"] for f in found] == ["http://portal/info/4.htm", "http://portal/info/2.htm"]
    assert found[1]["detail"] == ("column 政府信息公开 >> 通知公告: newest document 2020-06-01, 213 days old on "
                                  "2020-12-31 (notice/policy column, threshold 183 days)")
    # As of an earlier date the columns are younger, and documents published later do not count.
    earlier = {item["column"].split(" >> ")[-1]: item for item in column_ages(scope(db, "2020-12-15"))}
    assert (earlier["工作动态"]["newest"], earlier["工作动态"]["age_days"], earlier["通知公告"]["age_days"]) == (
        "2020-12-10", 5, 197)
    profile = replace(PROFILES["leda"], columns={"专题专栏": {"days": 730}, "机构职能": {"kind": "news"}})
    local = Scope(db, "2020-01-01", "2020-12-31", dt.date(2020, 12, 31), profile)
    assert [f["url"] for f in run_rulebook(local) if f["kind"] == "stale_column"] == [
        "http://portal/info/3.htm", "http://portal/info/2.htm"]


def note(db, run_id, url, kind, detail, title="栏目"):
    record_crawl_note(db, run_id, url=url, kind=kind, title=title, detail=detail)


def test_blank_columns_and_home_page_come_from_the_latest_crawl(db):
    first = crawl(db, [record()], "2026-01-01T00:00:00Z")
    note(db, first, "http://portal/old.htm", "blank_listing", "暂无信息")
    latest = crawl(db, [record()], "2026-01-02T00:00:00Z")
    note(db, latest, "http://portal/list.htm", "blank_listing", "暂无信息", title="应急预案")
    note(db, latest, "http://portal/js.htm", "rendered_by_javascript", "the list is rendered by JavaScript")
    note(db, latest, "http://portal/", "home_page", json.dumps(["2020-12-01", "2020-11-20"]))
    found = [(f["kind"], f["url"], f["detail"]) for f in run_rulebook(scope(db)) if f["kind"] != "stale_column"]
    assert found == [
        ("blank_column", "http://portal/list.htm", "column 应急预案: the listing shows “暂无信息” and no document"),
        ("homepage_stale", "http://portal/", "the home page's newest date is 2020-12-01, 30 days before 2020-12-31 "
                                             "(threshold 14 days)")]
    assert [f["kind"] for f in run_rulebook(scope(db, "2020-12-10"))].count("homepage_stale") == 0


def test_home_page_that_moved_on_after_the_as_of_date_is_unknown_not_stale(db):
    run_id = crawl(db, [record()], "2026-01-01T00:00:00Z")
    note(db, run_id, "http://portal/", "home_page", json.dumps(["2021-03-01", "2020-11-20"]))
    assert "homepage_stale" not in kinds(run_rulebook(scope(db)))
    note(db, run_id, "http://portal/b/", "home_page", "[]")
    assert [f["url"] for f in run_rulebook(scope(db)) if f["kind"] == "homepage_stale"] == ["http://portal/b/"]


def test_veto_summary_says_which_thresholds_are_crossed(db):
    crawl(db, [column_record(n, f"工作动态{n}", "2020-01-02") for n in range(1, 6)], "2026-01-01T00:00:00Z")
    result = compute_audit(db, year=2020, today=dt.date(2026, 1, 5))
    veto = {item["threshold"]: (item["count"], item["crossed"]) for item in result["inspection"]["veto"]}
    assert veto == {
        "5 or more news/dynamic or notice/policy columns not updated": (5, True),
        "10 or more columns not updated": (5, False), "5 or more blank columns": (0, False),
        "the home page not updated": (0, False), "publication dates faked (伪造发稿日期)": (0, False)}
    assert [item["age_days"] for item in result["inspection"]["columns"]] == [364] * 5


def test_an_interpretation_linking_no_document_is_found_and_one_whose_links_are_unknown_is_not(db):
    from monitor.audit.rulebook import interpretation_unlinked
    from storage.documents import mark_removed
    from storage.links import replace_links

    def doc(path, column):
        return record(url=f"http://portal{path}", index_no=f"x/2020-{path}", breadcrumb=["首页", "政府信息公开", column])

    run = crawl(db, [doc("/info/1021/1.htm", "政策解读"), doc("/info/1021/2.htm", "政策解读"),
                     doc("/info/1021/3.htm", "政策解读"), doc("/info/1021/4.htm", "政策解读"),
                     doc("/info/1051/5.htm", "业务培训"), doc("/info/1044/9.htm", "政策文件"),
                     doc("/info/1044/8.htm", "政策文件")], "2026-01-01T00:00:00Z")
    mark_removed(db, ["http://portal/info/1044/8.htm"], crawl_id=run, at="2026-01-02T00:00:00Z", reason="HTTP 404")
    home = ("http://portal/index.htm", "首页")
    replace_links(db, {
        "http://portal/info/1021/1.htm": [home, ("http://portal/info/1044/9.htm", "政策原文")],
        "http://portal/info/1021/2.htm": [home, ("http://portal/info/1021/2.htm", "本页")],
        "http://portal/info/1021/3.htm": [home, ("http://portal/info/1044/8.htm", "已撤下的政策")],
        "http://portal/info/1051/5.htm": [home],
    }, crawl_id=run)
    # 1 links its policy; 2 only itself, 3 a removed policy; 4's links no crawl recorded: unknown.
    found = interpretation_unlinked(scope(db))
    assert [f["url"] for f in found] == ["http://portal/info/1021/2.htm", "http://portal/info/1021/3.htm"]
    assert found[0]["detail"] == ("interpretation in 首页 >> 政府信息公开 >> 政策解读 links no document of the portal "
                                  "(2 links, none to a document)")
    # A profile may call a column of any name an interpretation column.
    profiled = replace(scope(db), profile=replace(PROFILES["leda"], columns={"业务培训": {"kind": "interpretation"}}))
    assert [f["url"] for f in interpretation_unlinked(profiled)] == [
        "http://portal/info/1021/2.htm", "http://portal/info/1021/3.htm", "http://portal/info/1051/5.htm"]
