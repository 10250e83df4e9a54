"""``govwatch export``: the audit's rows and the database's documents as CSV or XLSX.

Shaping the rows is pure (:func:`export_table`, :func:`neutralise`); reading the database
and writing the file are at the edges (:func:`read_source`, :func:`write_csv`,
:func:`write_xlsx`). Nothing is recorded: the database is opened read-only.
"""

import csv
import datetime as dt
import os
import re
from pathlib import Path

from monitor.audit import DEFAULT_LIMITS
from monitor.audit.commands import audited_profiles
from monitor.audit.personal_data import mask_text
from monitor.errors import UsageError, open_existing_db, site_profiles

KINDS = ("documents", "late", "claims", "findings", "alerts")
FORMATS = ("csv", "xlsx")
# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters an XLSX file cannot hold (openpyxl refuses them); portal text may carry them.
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_WIDTH = 60

# Each export's columns: (key, Chinese header, kind); a kind "date" becomes a date cell,
# "url" a hyperlink, anything else the value itself.
DOCUMENT_COLUMNS = [
    ("title", "标题", "text"), ("url", "网址", "url"), ("publisher", "发布机构", "text"),
    ("index_no", "索引号", "text"), ("doc_no", "文号", "text"), ("column_path", "栏目", "text"),
    ("created_on", "成文日期", "date"), ("published_on", "公开日期", "date"), ("category", "信息类别", "text"),
    ("disclosure_method", "公开方式", "text"),
]
LATE_COLUMNS = [
    ("title", "标题", "text"), ("url", "网址", "url"), ("publisher", "发布机构", "text"),
    ("index_no", "索引号", "text"), ("column_path", "栏目", "text"), ("created_on", "成文日期", "date"),
    ("created_on_source", "成文日期来源", "text"), ("published_on", "公开日期", "date"),
    ("workdays", "工作日", "int"), ("late_for", "超过时限（工作日）", "text"),
]
CLAIM_COLUMNS = [
    ("key", "项目", "text"), ("quote", "年报原文", "text"), ("value", "年报数字", "int"), ("unit", "单位", "text"),
    ("observed", "实测数字", "int"), ("difference", "差额", "int"), ("status", "状态", "text"),
    ("observes", "实测内容", "text"), ("sql", "SQL", "text"),
]
FINDING_COLUMNS = [
    ("kind", "类型", "text"), ("url", "网址", "url"), ("index_no", "索引号", "text"), ("detail", "说明", "text"),
]
ALERT_COLUMNS = [
    ("id", "编号", "int"), ("kind", "类型", "text"), ("url", "网址", "url"), ("limit_workdays", "时限（工作日）", "int"),
    ("subject", "主题", "text"), ("status", "状态", "text"), ("attempts", "尝试次数", "int"), ("error", "错误", "text"),
    ("created_at", "创建时间", "text"), ("sent_at", "发送时间", "text"), ("resolved_at", "解决时间", "text"),
]


# The column a fleet's export leads with, naming the site of each row.
SITE_COLUMN = ("site", "站点", "text")


def late_columns(limits: tuple[int, ...]) -> list[tuple]:
    """The late export's columns: one yes/no column per limit, so each can be filtered and counted."""
    return LATE_COLUMNS + [(f"over_{limit}", f"超过{limit}个工作日", "text") for limit in limits]


def late_rows(items: list[dict], limits: tuple[int, ...]) -> list[dict]:
    """The audit's late documents with the limits each exceeds, joined and one column per limit."""
    return [{**item, "late_for": "、".join(map(str, item["late_for"])),
             **{f"over_{limit}": "是" if limit in item["late_for"] else "否" for limit in limits}}
            for item in items]


def neutralise(value):
    """A cell value a spreadsheet shows as text: a string that would start a formula gets a
    leading apostrophe (OWASP's advice); characters XML cannot hold are dropped; personal
    numbers (ID, mobile) are masked."""
    if not isinstance(value, str):
        return value
    value = mask_text(ILLEGAL_XML.sub("", value))
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def export_table(columns: list[tuple], rows: list[dict], limit: int | None = None) -> tuple[list[tuple], list[list]]:
    """The columns and the neutralised cell values of at most ``limit`` rows."""
    chosen = rows if limit is None else rows[:limit]
    return columns, [[neutralise(row.get(key)) for key, _, _ in columns] for row in chosen]


def read_source(kind: str, db, request: dict, limit: int | None) -> tuple[list[tuple], list[dict]]:
    """The columns and rows of one export, read from the database (the audit computed, not
    recorded); of a file holding several sites, those of ``request``'s profile's site."""
    from storage.sites import scoped_site, site_scope

    with site_scope(db, scoped_site(db, request["profile"].name)):
        return _read_source(kind, db, request, limit)


def _read_source(kind: str, db, request: dict, limit: int | None) -> tuple[list[tuple], list[dict]]:
    from monitor.audit.run import AuditError, audit_period, compute_audit
    from storage.exports import alert_queue, period_documents

    if kind == "alerts":
        return ALERT_COLUMNS, alert_queue(db, limit)
    if kind == "documents":
        date_from, date_to = audit_period(request["year"], request["date_from"], request["date_to"], db)
        return DOCUMENT_COLUMNS, period_documents(db, date_from, date_to, limit)
    try:
        result = compute_audit(db, **request)
    except AuditError as exc:
        raise UsageError(str(exc)) from None
    if kind == "late":
        limits = tuple(result["timeliness"]["limits"])
        return late_columns(limits), late_rows(result["timeliness"]["late_items"], limits)
    return (CLAIM_COLUMNS, result["claims"]) if kind == "claims" else (FINDING_COLUMNS, result["findings"])


def write_csv(path: Path, columns: list[tuple], values: list[list]) -> None:
    """Write a CSV file in UTF-8 with a byte-order mark, so Excel on Chinese Windows reads it."""
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([header for _, header, _ in columns])
        writer.writerows(values)


def display_width(value) -> int:
    """How many Latin characters wide a value shows: a Chinese character takes two."""
    text = "" if value is None else str(value)
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def column_widths(columns: list[tuple], values: list[list]) -> list[int]:
    """A width per column fitting its header and its widest value, capped so long text wraps off-screen."""
    return [min(MAX_WIDTH, 2 + max([display_width(header)] + [display_width(row[i]) for row in values]))
            for i, (_, header, _) in enumerate(columns)]


def xlsx_cell(value, kind: str):
    """The value a cell holds: a date for an ISO date, else the value itself."""
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def write_xlsx(path: Path, columns: list[tuple], values: list[list]) -> None:
    """Write an XLSX workbook: Chinese headers, a frozen header row, fitted widths, dates
    as dates and web links as hyperlinks."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.append([header for _, header, _ in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row_number, row in enumerate(values, start=2):
        for column_number, ((_, _, kind), value) in enumerate(zip(columns, row), start=1):
            cell = sheet.cell(row=row_number, column=column_number, value=xlsx_cell(value, kind))
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            # Only web links become hyperlinks: a javascript: or file: URL stays text.
            elif kind == "url" and isinstance(value, str) and value.startswith(("http://", "https://")):
                cell.hyperlink = value
                cell.style = "Hyperlink"
    sheet.freeze_panes = "A2"
    for number, width in enumerate(column_widths(columns, values), start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    book.save(path)


def check_out(path: str) -> Path:
    """The ``--out`` file, or a UsageError when it cannot be written (checked before the audit runs)."""
    out = Path(path)
    if out.is_dir():
        raise UsageError(f"--out {path} is a directory")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir() or not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise UsageError(f"cannot write --out {path}: no writable folder {folder}")
    return out


def cmd_export(args) -> int:
    """Export documents, late documents, claims, findings or alerts as CSV or XLSX; of a
    database of several sites (and no ``--site``), every site's rows, in a leading site column."""
    if args.format not in FORMATS:
        raise UsageError(f"unknown format {args.format!r}: use csv or xlsx")
    if args.limit is not None and args.limit < 1:
        raise UsageError(f"--limit must be a positive number of rows, not {args.limit}")
    out = check_out(args.out)
    request = {"year": args.year, "date_from": args.date_from, "date_to": args.date_to, "limits": DEFAULT_LIMITS}
    named = site_profiles(args)
    db = open_existing_db(args.db, read_only=True)
    try:
        profiles = audited_profiles(args, db, named)
        read = {profile.name: read_source(args.kind, db, {**request, "profile": profile}, args.limit)
                for profile in profiles}
    finally:
        db.close()
    if len(read) == 1:
        [(columns, rows)] = read.values()
    else:
        # Every site's rows in turn, each under its name.
        columns = [SITE_COLUMN, *next(iter(read.values()))[0]]
        rows = [{"site": site, **row} for site, (_, site_rows) in read.items() for row in site_rows]
    columns, values = export_table(columns, rows, args.limit)
    try:
        (write_csv if args.format == "csv" else write_xlsx)(out, columns, values)
    except OSError as exc:
        raise UsageError(f"cannot write --out {args.out}: {exc.strerror or exc}") from None
    print(f"{len(values)} rows written to {out}")
    return 0
