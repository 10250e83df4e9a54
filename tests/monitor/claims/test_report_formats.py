"""Reports as Word and PDF files, and files govwatch cannot read: one line and exit 2."""

import io
import json
import zipfile
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest
from PIL import Image

from monitor.claims.extract import extract_claims, report_text
from monitor.labels import labelled_claims
from monitor.claims.formats import UnreadableReport, _drop_running_lines, _join_split_row, _Line, _Table
from tests.conftest import govwatch

REAL = Path(__file__).parents[2] / "files" / "real" / "reports"
SHANGHAI = REAL / "shanghai-szfbgt-2019.html"
HUAIAN = REAL / "huaian-2024-annual-report.pdf"


def docx_from_lines(lines: list[str]) -> bytes:
    """A Word file made with python-docx: a paragraph per line, a table per run of tab lines.

    A row with fewer cells than its table is wide gets its first cell merged across the
    spare grid columns, as Word lays out a label spanning columns.
    """
    document = docx.Document()
    index = 0
    while index < len(lines):
        if "\t" not in lines[index]:
            document.add_paragraph(lines[index])
            index += 1
            continue
        end = index
        while end < len(lines) and "\t" in lines[end]:
            end += 1
        rows = [line.split("\t") for line in lines[index:end]]
        width = max(len(row) for row in rows)
        table = document.add_table(rows=len(rows), cols=width)
        for row, cells in zip(table.rows, rows):
            grid = row.cells
            spare = width - len(cells)
            first = grid[0].merge(grid[spare]) if spare else grid[0]
            for cell, text in zip([first, *grid[spare + 1:]], cells):
                cell.text = text
        index = end
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def shanghai_lines():
    return report_text(SHANGHAI.read_bytes()).splitlines()


@pytest.fixture(scope="module")
def shanghai_docx(shanghai_lines):
    return docx_from_lines(shanghai_lines)


def test_docx_reads_as_the_same_lines_as_the_html(shanghai_docx, shanghai_lines):
    assert report_text(shanghai_docx).splitlines() == shanghai_lines


@pytest.mark.slow
def test_docx_is_sniffed_by_its_bytes_not_its_name(shanghai_docx, tmp_path):
    path = tmp_path / "report.bin"
    path.write_bytes(shanghai_docx)
    result = govwatch("claims", path)
    assert result.returncode == 0, result.stderr
    # The command adds each key's label (in English for the tests) to what extraction gives.
    assert result.stdout and json.loads(result.stdout) == labelled_claims(extract_claims(report_text(SHANGHAI.read_bytes())))


def test_docx_vertically_merged_cell_stands_in_its_first_row_only():
    document = docx.Document()
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = document.add_table(rows=2, cols=3)
    group = table.cell(0, 0).merge(table.cell(1, 0))
    group.text = "（四）无法提供"
    for row, (label, figure) in enumerate([("1.本机关不掌握相关政府信息", "5"), ("2.没有现成信息需要另行制作", "2")]):
        table.cell(row, 1).text, table.cell(row, 2).text = label, figure
    document.add_paragraph("正文在表格之后。")
    buffer = io.BytesIO()
    document.save(buffer)
    assert report_text(buffer.getvalue()).splitlines() == [
        "三、收到和处理政府信息公开申请情况",
        "（四）无法提供\t1.本机关不掌握相关政府信息\t5",
        "2.没有现成信息需要另行制作\t2",
        "正文在表格之后。",
    ]


# --- files it cannot read: one line, exit 2 --------------------------------------------


def _image_only_pdf() -> bytes:
    """A one-page PDF holding only an image, as a scanner makes it."""
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(Image.new("RGB", (300, 400), "white")))
    image.set_matrix(pdfium.PdfMatrix().scale(300, 400).translate(100, 200))
    page.insert_obj(image)
    page.gen_content()
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


UNREADABLE = [
    ("scan.pdf", _image_only_pdf, "the PDF has no text layer (a scan?)"),
    ("truncated.pdf", lambda: HUAIAN.read_bytes()[:4000], "the PDF is damaged"),
    ("report.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), "legacy Word (.doc) or WPS (.wps)"),
    ("report.wps", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 600, "legacy Word (.doc) or WPS (.wps)"),
    ("report.ofd", lambda: _zip(["OFD.xml", "Doc_0/Document.xml"]), "it is an OFD file"),
    ("report.zip", lambda: _zip(["readme.txt"]), "a zip archive, not a Word document"),
    ("report.docx", lambda: _zip(["word/document.xml"]), "the Word file is damaged"),
    ("garbage.html", lambda: bytes(range(256)) * 4, "binary data"),
    ("scan.png", lambda: b"\x89PNG\r\n\x1a\n" + bytes(100), "an image"),
    ("notes.txt", lambda: "会议纪要：今天讨论了工作安排。".encode(), "no figures and no statistics tables"),
    ("empty.pdf", lambda: b"", "the file is empty"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "make", "reason"), UNREADABLE, ids=[name for name, *_ in UNREADABLE])
def test_unreadable_report_is_one_line_and_exit_2(tmp_path, name, make, reason):
    path = tmp_path / name
    path.write_bytes(make())
    result = govwatch("claims", path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"govwatch claims: cannot read report {path}: ")
    assert reason in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_audit_refuses_an_unreadable_report_in_one_line(crawled_copy, tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(_image_only_pdf())
    result = govwatch("audit", "--db", crawled_copy, "--report", path)
    assert result.returncode == 2
    assert result.stderr == f"govwatch audit: cannot read report {path}: the PDF has no text layer (a scan?)\n"


@pytest.mark.slow
@pytest.mark.parametrize("report", [SHANGHAI, HUAIAN], ids=lambda path: path.name)
def test_claims_command_reads_the_real_reports_without_a_failed_table_rule(report):
    result = govwatch("claims", report)
    assert result.returncode == 0, result.stderr
    rules = json.loads(result.stdout)["consistency"]
    assert [rule["rule"] for rule in rules if rule["passed"] is False and not rule["rule"].startswith("prose_table")] == []
    assert sum(rule["passed"] is True for rule in rules) >= 8


def test_audit_records_the_prose_table_mismatches_as_findings(crawled_copy):
    result = govwatch("audit", "--db", crawled_copy, "--report", SHANGHAI, "--json")
    assert result.returncode == 0, result.stderr
    audit = json.loads(result.stdout)
    mismatches = [finding for finding in audit["findings"] if finding["kind"] == "prose_table_mismatch"]
    assert len(mismatches) == 2
    assert all(finding["url"] == str(SHANGHAI) for finding in mismatches)
    assert any("予以公开及部分公开258件" in finding["detail"] for finding in mismatches)
    rows = govwatch("query", "--db", crawled_copy, "--json",
                    f"SELECT detail FROM findings WHERE audit_id = {audit['audit_id']} AND kind = 'prose_table_mismatch'")
    assert sorted(row["detail"] for row in json.loads(rows.stdout)) == sorted(f["detail"] for f in mismatches)


# --- PDF layout repairs, on the items a page yields -------------------------------------


def _line(text: str, top: float = 100.0) -> _Line:
    return _Line(text, 74.0, 300.0, top, 16.0)


@pytest.mark.parametrize("footer", ["- 5 -", "— 5 —", "第 5 页", "第5页 共12页", "共12页 第5页", "5/12", "Page 5 of 12", "5"])
def test_page_numbers_are_dropped(footer):
    bodies = ["第一页的正文", "第二页的正文", "第三页的正文"]
    pages = [[_line(body, 90), _line(footer.replace("5", str(n)), 800)] for n, body in enumerate(bodies, 1)]
    _drop_running_lines(pages)
    assert pages == [[_line(body, 90)] for body in bodies]


def test_running_header_repeated_on_most_pages_is_dropped_but_not_a_one_off_title():
    header = "淮安市人民政府办公室 2024 年报"
    pages = [[_line("年度报告", 60), _line("第一页正文")], [_line(header, 40), _line("第二页正文")],
             [_line(header, 40), _line("第三页正文")], [_line(header, 40), _line("第四页正文")]]
    _drop_running_lines(pages)
    assert [[item.text for item in items] for items in pages] == [
        ["年度报告", "第一页正文"], ["第二页正文"], ["第三页正文"], ["第四页正文"]]


def test_a_table_is_never_a_running_line():
    table = _Table(700.0, [["5", "5"]])
    pages = [[_line("正文"), table] for _ in range(3)]
    _drop_running_lines(pages)
    assert all(items[-1] is table for items in pages)


def test_row_label_continued_on_the_next_page_without_figures_is_joined():
    above = [[None, "（五）不予处理", "4.无正当理由大量反复申请", "0", "0"],
             [None, None, "5.要求行政机关确认或重新出", "1", "1"]]
    below = [["", None, "具已获取信息", None, None], [None, "（六）其他处理", "", "0", "0"]]
    _join_split_row(above, below)
    assert above[-1] == [None, None, "5.要求行政机关确认或重新出具已获取信息", "1", "1"]
    assert below == [[None, "（六）其他处理", "", "0", "0"]]


def test_row_label_alone_at_the_foot_of_a_page_takes_the_figures_below():
    above = [["一、本年新收政府信息公开申请数量", "3", "3"], ["二、上年结转政府", None, None]]
    below = [["信息公开申请数量", "1", "1"]]
    _join_split_row(above, below)
    assert above == [["一、本年新收政府信息公开申请数量", "3", "3"]]
    assert below == [["二、上年结转政府信息公开申请数量", "1", "1"]]


def test_header_row_repeated_on_the_next_page_is_dropped():
    above = [["项目", "自然人", "总计"], ["一、本年新收政府信息公开申请数量", "3", "3"]]
    below = [["项目", "自然人", "总计"], ["二、上年结转政府信息公开申请数量", "1", "1"]]
    _join_split_row(above, below)
    assert below == [["二、上年结转政府信息公开申请数量", "1", "1"]]
    assert len(above) == 2


def test_new_row_group_on_the_next_page_is_not_joined():
    above = [[None, "（四）无法提供", "3.补正后申请内容仍不明确", "1"]]
    below = [[None, "（五）不予处理", "1.信访举报投诉类申请", "2"]]
    _join_split_row(above, below)
    assert above == [[None, "（四）无法提供", "3.补正后申请内容仍不明确", "1"]]
    assert below == [[None, "（五）不予处理", "1.信访举报投诉类申请", "2"]]


def test_unreadable_report_is_a_value_error_with_a_reason():
    with pytest.raises(UnreadableReport, match="legacy Word"):
        report_text(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    assert issubclass(UnreadableReport, ValueError)


def test_why_a_report_is_unreadable_is_said_in_the_language_in_use(chinese):
    with pytest.raises(UnreadableReport, match="旧版 Word"):
        report_text(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    with pytest.raises(UnreadableReport, match="OFD 文件"):
        report_text(_zip(["OFD.xml"]))
