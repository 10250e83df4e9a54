"""The inspection checks on the crawled sample portal: exactly the planted cases, nothing unmasked."""

import datetime as dt
import json
import sqlite3
from collections import Counter
from urllib.parse import urlsplit

import lxml.html
import pytest

from monitor.audit.rulebook import RULES
from monitor.demo.sample_portal.model import build_portal, ground_truth
from storage.canned_queries import FLEET_RANKING
from tests.conftest import govwatch
from tests.sqlite_rows import query

TRUTH = ground_truth()
# Every digit run of the planted cases that looks like a personal number (decoys included).
RAW_NUMBERS = ("371302198503127717", "13912345678", "371302199208154418")


@pytest.fixture(scope="module")
def audit_2021(crawled_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("rulebook") / "govwatch.db"
    path.write_bytes(crawled_db.read_bytes())
    result = govwatch("audit", "--db", path, "--year", 2021, "--as-of", "2021-12-31", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stdout, path


def test_inspection_findings_are_exactly_the_planted_cases(audit_2021):
    result, _, _ = audit_2021
    found = {}
    for finding in result["findings"]:
        if finding["kind"] in RULES:
            found.setdefault(finding["kind"], []).append(urlsplit(finding["url"]).path)
    assert {kind: sorted(urls) for kind, urls in found.items()} == TRUTH["inspection"]["2021"]
    assert result["as_of"] == "2021-12-31"
    # The decoy: a 图解 image whose server refuses HEAD was asked for its first byte, and is alive.
    conn = sqlite3.connect(audit_2021[2])
    images = conn.execute("SELECT url, status, method FROM link_checks WHERE url LIKE '%/uploads/%'").fetchall()
    conn.close()
    assert [(urlsplit(url).path, status, method) for url, status, method in images] == [
        (path, 206, "range") for path in sorted(build_portal().images)]
    assert {kind: item["findings"] for kind, item in result["inspection"]["rules"].items() if item["findings"]} == {
        kind: len(urls) for kind, urls in TRUTH["inspection"]["2021"].items()}


@pytest.fixture(scope="module")
def report_2021(audit_2021, tmp_path_factory):
    out = tmp_path_factory.mktemp("rulebook-report") / "report.html"
    result = govwatch("report", "--db", audit_2021[2], "--year", 2021, "--as-of", "2021-12-31", "--out", out)
    assert result.returncode == 0, result.stderr
    return out.read_text(encoding="utf-8")


def test_report_shows_veto_thresholds_rules_and_column_ages(audit_2021, report_2021):
    result = audit_2021[0]
    section = lxml.html.document_fromstring(report_2021).get_element_by_id("inspection")
    ages = [int(cell.text_content()) for cell in section.xpath(".//table[@id='column-ages']//tr/td[4]")]
    assert ages == sorted(ages, reverse=True) and len(ages) == len(result["inspection"]["columns"])
    stale = section.xpath(".//table[@id='column-ages']//tr[@data-stale='yes']/td[1]")
    assert [cell.text_content() for cell in stale] == [
        item["column"] for item in result["inspection"]["columns"] if item["stale"]]
    assert len(stale) == len(TRUTH["inspection"]["2021"]["stale_column"])
    veto = {row.get("data-veto"): row.get("data-crossed") for row in section.xpath(".//tr[@data-veto]")}
    assert veto == {"stale_column": "no", "blank_column": "no", "homepage_stale": "no", "backdated": "no"}
    assert "crosses none of the single-veto (单项否决) thresholds" in section.text_content() and "as of 2021-12-31" in section.text_content()
    # The 2020 report on time and the planted 2019 one late.
    assert "against Article 49's deadline: 2 judged, 1 late." in section.text_content()
    # Dead links per column of the page showing them: the planted ones' documents' columns.
    portal = build_portal()
    pages = {doc.url for doc in portal.documents} | portal.images
    showing = Counter(doc.column.breadcrumb for doc in portal.documents
                      if any(path not in pages for path, _ in doc.links) or not all(a.served for a in doc.attachments))
    dead = {row.get("data-column"): int(row.xpath("td[4]")[0].text_content())
            for row in section.xpath(".//table[@id='dead-links']//tbody/tr")}
    assert {column: count for column, count in dead.items() if count} == dict(showing)
    rates = {item["column_path"]: item for item in result["inspection"]["links"]}
    assert all(rates[column]["checked"] == rates[column]["links"] for column in showing)
    basis = {row.get("data-rule-kind"): row.xpath("td[2]")[0].text_content() for row in section.xpath(".//tr[@data-rule-kind]")}
    assert "Guobanmihan [2019] No. 19" in basis["stale_column"] and basis["report_late"] == "Article 49 of the Regulations"


def test_planted_numbers_are_on_the_portal_but_in_no_output(audit_2021, report_2021, tmp_path):
    _, stdout, path = audit_2021
    portal_text = "".join(p for doc in build_portal().documents if doc.planted is not None
                          for p in (*doc.paragraphs, *(a.name for a in doc.attachments)))
    assert all(number in portal_text for number in RAW_NUMBERS)
    outputs = {"audit --json": stdout, "audit": govwatch("audit", "--db", path, "--year", 2021).stdout}
    outputs["report"] = report_2021
    assert "Inspection as of 2021-12-31" in outputs["audit"]
    for kind in ("documents", "findings"):
        out = tmp_path / f"{kind}.csv"
        assert govwatch("export", kind, "--db", path, "--year", 2021, "--format", "csv", "--out", out).returncode == 0
        outputs[f"export {kind}"] = out.read_text(encoding="utf-8-sig")
    conn = sqlite3.connect(path)
    outputs["findings.detail"] = "\n".join(row[0] for row in conn.execute("SELECT detail FROM findings"))
    outputs["audit_runs.result"] = "\n".join(row[0] for row in conn.execute("SELECT result FROM audit_runs"))
    conn.close()
    leaks = {name: number for name, text in outputs.items() for number in RAW_NUMBERS if number in text}
    assert leaks == {}
    assert "139****5678" in outputs["export documents"] and "139****5678" in outputs["report"]
    assert "139****5678" in outputs["audit --json"] and "3713**********7717" in outputs["findings.detail"]


def test_the_report_deadline_judges_the_reports_that_appeared_in_the_period(audit_2021):
    from monitor.audit.run import compute_audit
    from monitor.errors import open_existing_db

    # 2021 saw the 2020 report on time (20 January) and the planted 2019 one most of a year late.
    assert audit_2021[0]["inspection"]["report_deadline"] == {
        "judged": 2, "late": len(TRUTH["inspection"]["2021"]["report_late"]), "met": False}
    db = open_existing_db(audit_2021[2], read_only=True)
    try:
        january = compute_audit(db, date_from="2021-01-01", date_to="2021-01-31", as_of=dt.date(2021, 12, 31))
        before = compute_audit(db, year=2020, as_of=dt.date(2020, 12, 31))
    finally:
        db.close()
    assert january["inspection"]["report_deadline"] == {"judged": 1, "late": 0, "met": True}
    # No report appeared in 2020: the deadline is unknown, not missed.
    assert before["inspection"]["report_deadline"] == {"judged": 0, "late": 0, "met": None}
    # The fleet ranking reads the recorded audit's judgement: 0, missed.
    [row] = query(audit_2021[2], FLEET_RANKING, "2021")
    assert row[-1] == 0
