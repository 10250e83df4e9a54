"""`govwatch audit` of the crawled sample portal against the portal's planted ground truth."""

import json
import sqlite3
from collections import Counter

import pytest

from monitor.demo.sample_portal.model import ground_truth
from tests.conftest import govwatch

TRUTH = ground_truth()


@pytest.fixture(scope="module")
def audit_2020(crawled_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("audit") / "govwatch.db"
    path.write_bytes(crawled_db.read_bytes())
    result = govwatch("audit", "--db", path, "--year", 2020, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), path


@pytest.fixture(scope="module")
def audit_all(crawled_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("audit-all") / "govwatch.db"
    path.write_bytes(crawled_db.read_bytes())
    result = govwatch("audit", "--db", path, "--from", "2019-01-01", "--to", "2021-12-31", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def claim(result, key):
    return next(item for item in result["claims"] if item["key"] == key)


def test_json_has_the_documented_keys(audit_2020):
    result, _ = audit_2020
    assert {"year", "totals", "counts", "timeliness", "claims", "consistency", "findings"} <= set(result)
    assert {"limits", "checked", "late", "unknown", "late_items"} <= set(result["timeliness"])


def test_report_is_found_among_crawled_documents(audit_2020):
    result, _ = audit_2020
    assert result["report"]["year"] == 2020 and "/info/1061/" in result["report"]["source"]


def test_timeliness_equals_the_planted_figures(audit_2020):
    result, _ = audit_2020
    planted, timely = TRUTH["timeliness"]["2020"], result["timeliness"]
    assert (timely["checked"], timely["unknown"], timely["negative"]) == (
        planted["checked"], planted["unknown"], planted["negative"])
    assert timely["late"] == planted["late"]
    assert timely["by_source"] == planted["created_on_source"]


def test_late_items_are_exactly_those_late_against_15(audit_2020):
    result, _ = audit_2020
    items = result["timeliness"]["late_items"]
    assert len(items) == TRUTH["timeliness"]["2020"]["late"]["15"]
    assert all(item["workdays"] > 15 and 15 in item["late_for"] for item in items)
    assert sum(20 in item["late_for"] for item in items) == TRUTH["timeliness"]["2020"]["late"]["20"]


def test_portal_items_claim_matches_the_portal(audit_2020):
    result, _ = audit_2020
    item = claim(result, "portal_items")
    assert (item["value"], item["observed"], item["status"]) == (2763, TRUTH["by_year"]["2020"], "match")


def test_interpretations_claim_is_short(audit_2020):
    result, _ = audit_2020
    item = claim(result, "interpretations")
    observed = TRUTH["by_year_column"]["2020"]["政策解读"]
    assert (item["observed"], item["difference"], item["status"]) == (observed, observed - 43, "short")


def test_key_area_claim_is_within_its_lower_bound(audit_2020):
    result, _ = audit_2020
    item = claim(result, "key_area_items")
    assert item["observed"] == TRUTH["by_year_column"]["2020"]["重点领域信息公开"]
    assert (item["bound"], item["status"]) == ("lower", "within_bound")


def test_observed_figures_come_with_their_sql(audit_2020):
    result, path = audit_2020
    item = claim(result, "interpretations")
    params = {"date_from": "2020-01-01", "date_to": "2020-12-31"}
    assert sqlite3.connect(path).execute(item["sql"], params).fetchone()[0] == item["observed"]


def test_unobservable_claims_are_listed_as_such(audit_2020):
    result, _ = audit_2020
    assert claim(result, "reading_room_visits")["status"] == "not_observable"


def test_section_three_of_the_2020_report_passes_its_rules(audit_2020):
    result, _ = audit_2020
    rules = {rule["rule"]: rule["passed"] for rule in result["consistency"]}
    assert rules["applications_balance"] is True and all(rules.values())


def test_audit_is_recorded_in_the_database(audit_2020):
    result, path = audit_2020
    conn = sqlite3.connect(path)
    stored = json.loads(conn.execute("SELECT result FROM audit_runs WHERE id = ?", [result["audit_id"]]).fetchone()[0])
    assert stored["timeliness"]["late"] == result["timeliness"]["late"]
    assert conn.execute("SELECT count(*) FROM findings WHERE audit_id = ?",
                        [result["audit_id"]]).fetchone()[0] == len(result["findings"])


def test_counts_by_year_equal_ground_truth(audit_all):
    assert audit_all["counts"]["by_year"] == TRUTH["by_year"]


def test_findings_equal_the_planted_defects(audit_all):
    kinds = Counter(finding["kind"] for finding in audit_all["findings"])
    duplicates = {f["index_no"] for f in audit_all["findings"] if f["kind"] == "duplicate_index_no"}
    assert kinds["index_year_mismatch"] == TRUTH["index_year_mismatch"]
    assert len(duplicates) == TRUTH["duplicate_index_numbers"]
    assert kinds["index_serial_gap"] == TRUTH["serial_gaps"]
    assert kinds["missing_publisher"] == TRUTH["missing_publisher"]


def test_human_output_is_tables(crawled_copy):
    result = govwatch("audit", "--db", crawled_copy, "--year", 2020)
    assert result.returncode == 0, result.stderr
    assert "Claims of" in result.stdout and "interpretations" in result.stdout and "Data quality" in result.stdout


@pytest.mark.slow
def test_missing_database_is_a_usage_error(tmp_path):
    result = govwatch("audit", "--db", tmp_path / "none.db")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "no database" in result.stderr
