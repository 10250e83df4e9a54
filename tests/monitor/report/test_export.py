"""``govwatch export``: the files opened back with the csv module and openpyxl."""

import csv
import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from crawler.parsing import PARSER_VERSION
from monitor.cli.main import main
from monitor.report.export import neutralise
from storage.db import open_db
from storage.documents import store_documents
from tests.conftest import govwatch
from tests.storage.test_documents import record

EVIL = '=HYPERLINK("http://evil")'


@pytest.fixture
def small_db(tmp_path):
    """A database of two 2020 documents, one titled like a formula and late for 15 and 20 working days."""
    path = tmp_path / "govwatch.db"
    db = open_db(path)
    store_documents(db, [
        record(url="http://portal/info/1/1.htm", title=EVIL, created_on="2020-08-03", published_on="2020-10-23"),
        record(url="http://portal/info/1/2.htm", title="+1 通知", index_no="x/2020-2", created_on="2020-10-22"),
    ], crawl_id=1, seen_at="2026-01-01T00:00:00Z", parser_version=PARSER_VERSION)
    db.close()
    return path


def read_csv(path) -> list[list[str]]:
    """The rows of a CSV file, checking it starts with a UTF-8 byte-order mark."""
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


@pytest.mark.parametrize("value, shown", [
    ("=1+1", "'=1+1"), ("+86", "'+86"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\r=x", "'\r=x"), ("标题", "标题"), (12, 12), (None, None), ("a\x00b", "ab"),
])
def test_neutralise(value, shown):
    assert neutralise(value) == shown


def test_csv_has_a_bom_chinese_headers_and_neutralised_title(small_db, tmp_path, capsys):
    out = tmp_path / "late.csv"
    assert main(["export", "late", "--db", str(small_db), "--year", "2020", "--format", "csv", "--out", str(out)]) == 0
    header, *rows = read_csv(out)
    assert header[:3] == ["标题", "网址", "发布机构"] and "工作日" in header and "超过15个工作日" in header
    assert [row[0] for row in rows] == ["'" + EVIL]
    assert rows[0][header.index("超过20个工作日")] == "是"
    assert "1 rows written" in capsys.readouterr().out


def test_xlsx_dates_hyperlinks_frozen_header_and_no_formula(small_db, tmp_path):
    out = tmp_path / "documents.xlsx"
    assert main(["export", "documents", "--db", str(small_db), "--year", "2020", "--format", "xlsx",
                 "--out", str(out)]) == 0
    sheet = load_workbook(out).active
    header = [cell.value for cell in sheet[1]]
    assert header[:8] == ["标题", "网址", "发布机构", "索引号", "文号", "栏目", "成文日期", "公开日期"]
    assert sheet.freeze_panes == "A2" and sheet.max_row == 3
    titles = {sheet.cell(row=row, column=1).value for row in (2, 3)}
    assert titles == {"'" + EVIL, "'+1 通知"}
    assert all(sheet.cell(row=row, column=1).data_type == "s" for row in (2, 3))
    published = sheet.cell(row=2, column=8)
    assert isinstance(published.value, dt.datetime) and published.is_date
    assert sheet.cell(row=2, column=2).hyperlink.target.startswith("http://portal/info/1/")
    assert sheet.column_dimensions["A"].width > 10


def test_limit_caps_rows(small_db, tmp_path):
    out = tmp_path / "d.csv"
    assert main(["export", "documents", "--db", str(small_db), "--limit", "1", "--format", "csv",
                 "--out", str(out)]) == 0
    assert len(read_csv(out)) == 2


def test_unwritable_out_and_missing_db_are_usage_errors(small_db, tmp_path, capsys):
    assert main(["export", "late", "--db", str(small_db), "--format", "csv",
                 "--out", str(tmp_path / "missing" / "x.csv")]) == 2
    assert main(["export", "late", "--db", str(tmp_path / "none.db"), "--format", "csv",
                 "--out", str(tmp_path / "x.csv")]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 2 and all(line.startswith("govwatch export: ") for line in errors)
    assert not (tmp_path / "none.db").exists()


@pytest.mark.slow
def test_late_export_counts_equal_the_audit(crawled_copy, tmp_path):
    # A copy: `audit` records an audit, and the session's crawl must stay as crawled.
    audit = govwatch("audit", "--db", crawled_copy, "--year", "2020", "--json")
    assert audit.returncode == 0, audit.stderr
    late = json.loads(audit.stdout)["timeliness"]["late"]
    out = tmp_path / "late.xlsx"
    result = govwatch("export", "late", "--db", crawled_copy, "--year", "2020", "--format", "xlsx", "--out", out)
    assert result.returncode == 0, result.stderr
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == max(late.values())
    for limit, count in late.items():
        column = header.index(f"超过{limit}个工作日")
        assert sum(row[column] == "是" for row in body) == count


@pytest.mark.slow
def test_unknown_format_is_a_usage_error(tmp_path):
    result = govwatch("export", "late", "--db", tmp_path / "x.db", "--format", "xls", "--out", tmp_path / "x")
    assert result.returncode == 2 and "invalid choice" in result.stderr
