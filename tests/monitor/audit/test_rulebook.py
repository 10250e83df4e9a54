"""The inspection checks on real SQLite files written the way a crawl writes them."""

import datetime as dt
import json

import pytest

from crawler.profiles import PROFILES
from monitor.audit.rulebook import RULES, CHECKS, Scope, SettingError, default_as_of, run_rulebook, setting
from monitor.audit.run import compute_audit, run_audit
from storage.db import open_db
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
    assert all(rule.basis and rule.name_zh and rule.title for rule in RULES.values())
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
    assert RULES["backdated"].veto and RULES["backdated"].name_zh == "伪造发稿日期"


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
    assert result["inspection"]["personal_data"]["findings"] == 1
    assert compute_audit(db, year=2020, as_of=dt.date(2020, 6, 1))["as_of"] == "2020-06-01"


def test_a_bad_threshold_setting_is_a_clear_error(db, monkeypatch):
    monkeypatch.setenv("GOVWATCH_STALE_NEWS_DAYS", "two weeks")
    with pytest.raises(SettingError, match="GOVWATCH_STALE_NEWS_DAYS must be a whole number"):
        setting("GOVWATCH_STALE_NEWS_DAYS")
    monkeypatch.setenv("GOVWATCH_STALE_NEWS_DAYS", "21")
    assert setting("GOVWATCH_STALE_NEWS_DAYS") == 21

