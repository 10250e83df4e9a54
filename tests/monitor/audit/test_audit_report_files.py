"""`govwatch audit` reads the annual report from the file the portal publishes it as.

The report pages of ``tests/report_site.py`` only say 详见附件; the claims can only
come from the file the crawl downloaded, and the audit says which file and which page.
"""

import io
import json
import os
import re
import shutil
import sqlite3
from html import escape

import docx
import pytest

from monitor.audit.run import crawled_report
from monitor.claims.extract import extract_claims, report_text
from monitor.demo.sample_portal.server import serve
from tests.conftest import govwatch
from tests.report_site import DETAILS, REPORT_2018_FILE, REPORT_2020, REPORT_2020_FILE, ReportSite

PAGE_2020 = DETAILS[1].path


def docx_of(markdown: bytes) -> bytes:
    """The report as a Word file: headings, paragraphs, and tab-separated lines as tables."""
    document = docx.Document()
    rows: list[list[str]] = []

    def flush():
        if rows:
            table = document.add_table(rows=len(rows), cols=max(map(len, rows)))
            for cells, row in zip(table.rows, rows):
                for cell, text in zip(cells.cells, row):
                    cell.text = text
            rows.clear()

    for line in markdown.decode("utf-8").splitlines():
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        flush()
        if line.startswith("#"):
            document.add_heading(line.lstrip("#").strip(), level=min(line.count("#", 0, 6), 4))
        elif line.strip():
            document.add_paragraph(line.replace("**", ""))
    flush()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def crawl_and_audit(url: str, db, *years, options=()) -> dict:
    result = govwatch("crawl", "--start-url", url + "/xxgk/nb.htm", "--db", db, *options)
    assert result.returncode == 0, result.stderr
    audits = {}
    for year in years:
        result = govwatch("audit", "--db", db, "--year", year, "--json")
        assert result.returncode == 0, result.stderr
        audits[year] = json.loads(result.stdout)
    return audits


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    db = tmp_path_factory.mktemp("audit-files") / "govwatch.db"
    with serve(faults=ReportSite()) as portal:
        audits = crawl_and_audit(portal.url, db, 2020, 2018)
    text = govwatch("audit", "--db", db, "--year", 2020, env={**os.environ, "COLUMNS": "400"})
    html = govwatch("report", "--db", db, "--year", 2020, "--out", db.with_name("report.html"))
    assert html.returncode == 0, html.stderr
    return {"url": portal.url, "db": db, "text": text, "html": db.with_name("report.html").read_text("utf-8"),
            **audits}


def pairs(claims: list[dict]) -> list[tuple]:
    return [(claim["key"], claim["value"], claim["bound"]) for claim in claims]


@pytest.mark.slow
def test_the_report_is_read_from_the_attached_file(audited):
    report = audited[2020]["report"]
    assert (report["source"], report["file"], report["page"]) == (
        audited["url"] + REPORT_2020_FILE, audited["url"] + REPORT_2020_FILE, audited["url"] + PAGE_2020)
    assert report["year"] == 2020 and report["unreadable_files"] == []


@pytest.mark.slow
def test_the_claims_are_the_files_own(audited):
    own = extract_claims(report_text(REPORT_2020))
    assert pairs(audited[2020]["claims"]) == pairs(own["claims"])
    assert [(rule["rule"], rule["passed"]) for rule in audited[2020]["consistency"]] == [
        (rule["rule"], rule["passed"]) for rule in own["consistency"]]


@pytest.mark.slow
def test_the_claims_are_checked_against_the_portal(audited):
    portal_items = next(claim for claim in audited[2020]["claims"] if claim["key"] == "portal_items")
    # The small site published nothing in 2020 (its report pages are dated 2021 and earlier).
    assert portal_items["value"] == 2763 and portal_items["status"] == "short"


@pytest.mark.slow
def test_the_audit_run_records_the_file(audited):
    recorded = sqlite3.connect(audited["db"]).execute(
        "SELECT report FROM audit_runs ORDER BY id").fetchall()
    assert recorded[0] == (audited["url"] + REPORT_2020_FILE,)


@pytest.mark.slow
def test_a_file_the_listing_links_is_read_for_its_year(audited):
    report = audited[2018]["report"]
    assert (report["source"], report["page"]) == (audited["url"] + REPORT_2018_FILE, audited["url"] + "/xxgk/nb.htm")
    assert pairs(audited[2018]["claims"]) == [("portal_items", 1234, None), ("interpretations", 56, None),
                                              ("mailbox_letters", 7, None)]


@pytest.mark.slow
def test_the_terminal_view_names_the_file_and_its_page(audited):
    assert audited["text"].returncode == 0, audited["text"].stderr
    # Rich wraps the table's title (naming the file) to the table's width; the page has a line of its own.
    assert "Claims of" in audited["text"].stdout and "download.jsp" in audited["text"].stdout
    assert f"the report file is linked from {audited['url'] + PAGE_2020}" in audited["text"].stdout


@pytest.mark.slow
def test_the_html_report_links_the_file_and_its_page(audited):
    file, page = escape(audited["url"] + REPORT_2020_FILE), escape(audited["url"] + PAGE_2020)
    # Named by its title, linked to the file read, and to the page that links the file.
    assert re.search(f'The annual report 《<a href="{re.escape(file)}">[^<]*2020[^<]*</a>》'
                     f' \\(linked from <a href="{re.escape(page)}">{re.escape(page)}</a>\\)', audited["html"])


@pytest.mark.slow
def test_a_docx_attachment_is_read(tmp_path):
    """Needs monitor.claims.extract.report_text to read DOCX (the reports branch)."""
    with serve(faults=ReportSite(report_2020=docx_of(REPORT_2020))) as portal:
        audit = crawl_and_audit(portal.url, tmp_path / "govwatch.db", 2020)[2020]
    assert audit["report"]["source"] == portal.url + REPORT_2020_FILE
    claims = {claim["key"]: claim["value"] for claim in audit["claims"]}
    assert (claims["portal_items"], claims["applications_new"], claims["applications_handled_total"]) == (2763, 3, 3)


# The file's bytes: once, in the archive, when the crawl archived it; else in the database.


def audit_2020(db) -> dict:
    result = govwatch("audit", "--db", db, "--year", 2020, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def moved(db, tmp_path, *, with_archive: bool):
    """A copy of the database (and its archive, if asked) whose crawls' recorded archive is gone."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    target = tmp_path / "govwatch.db"
    shutil.copy(db, target)
    if with_archive:
        shutil.copytree(str(db) + ".warc", str(target) + ".warc")
    conn = sqlite3.connect(target)
    with conn:
        conn.execute("UPDATE crawl_runs SET archive_dir = ?", [str(tmp_path / "moved-away.warc")])
    conn.close()
    return target


@pytest.mark.slow
def test_an_archived_file_is_read_from_the_archive_alone(audited):
    stored = sqlite3.connect(audited["db"]).execute("SELECT url, body IS NULL, warc_file IS NOT NULL FROM report_files").fetchall()
    assert stored and all(row[1:] == (1, 1) for row in stored)
    # ... and yet its figures are the file's (test_the_claims_are_the_files_own).
    assert audited[2020]["report"]["file"] == audited["url"] + REPORT_2020_FILE


@pytest.mark.slow
def test_a_database_moved_with_its_archive_reads_the_archive_beside_it(audited, tmp_path):
    audit = audit_2020(moved(audited["db"], tmp_path, with_archive=True))
    assert audit["report"]["file"] == audited["url"] + REPORT_2020_FILE
    assert pairs(audit["claims"]) == pairs(audited[2020]["claims"])


@pytest.mark.slow
def test_a_file_whose_archive_is_gone_is_named_unreadable_with_why(audited, tmp_path):
    audit = audit_2020(moved(audited["db"], tmp_path, with_archive=False))
    assert audit["report"]["file"] is None
    [missing] = audit["report"]["unreadable_files"]
    assert missing["url"] == audited["url"] + REPORT_2020_FILE
    assert "not in the archive" in missing["error"] and "moved-away.warc" in missing["error"]


@pytest.mark.slow
def test_with_archiving_off_the_file_is_kept_in_the_database_and_read(tmp_path):
    db = tmp_path / "govwatch.db"
    with serve(faults=ReportSite()) as portal:
        audit = crawl_and_audit(portal.url, db, 2020, options=("--archive", "off"))[2020]
    assert audit["report"]["file"] == portal.url + REPORT_2020_FILE
    assert pairs(audit["claims"]) == pairs(extract_claims(report_text(REPORT_2020))["claims"])
    stored = sqlite3.connect(db).execute("SELECT body, warc_file FROM report_files WHERE url = ?",
                                         [portal.url + REPORT_2020_FILE]).fetchall()
    assert stored == [(REPORT_2020, None)]


# crawled_report picks between a report's page and its files.

FULL = REPORT_2020.decode("utf-8")
SHORT = "2020年，主动公开政府信息2763条。"
PAGE = {"url": "http://portal/info/1061/1.htm", "title": "2020年政府信息公开工作年度报告"}


def test_a_page_that_shows_the_report_keeps_it_over_a_file_that_states_less():
    report = crawled_report({**PAGE, "body_text": FULL, "files": [{"url": "http://portal/a.pdf", "body": SHORT.encode()}]})
    assert (report["source"], report["file"]) == (PAGE["url"], None)


def test_a_file_that_states_more_than_its_page_is_read():
    report = crawled_report({**PAGE, "body_text": SHORT, "files": [{"url": "http://portal/a.pdf", "body": FULL.encode()}]})
    assert (report["source"], report["file"], report["page"]) == ("http://portal/a.pdf", "http://portal/a.pdf", PAGE["url"])


def test_on_a_tie_the_page_is_read():
    report = crawled_report({**PAGE, "body_text": SHORT, "files": [{"url": "http://portal/a.pdf", "body": SHORT.encode()}]})
    assert report["source"] == PAGE["url"]


def test_a_file_that_cannot_be_read_is_named_with_why():
    """Needs monitor.claims.extract.report_text to refuse a PDF without a text layer (the reports branch)."""
    fake_pdf = b"%PDF-1.4\n% no text layer\n%%EOF\n"
    report = crawled_report({**PAGE, "body_text": "详见附件。", "files": [{"url": "http://portal/a.pdf", "body": fake_pdf}]})
    assert report["source"] == PAGE["url"] and report["claims"] == []
    assert [item["url"] for item in report["unreadable_files"]] == ["http://portal/a.pdf"]
    assert all(item["error"] for item in report["unreadable_files"])
