"""Annual reports published as PDF or Word files, and what format a report's bytes are.

:func:`binary_kind` tells a PDF or DOCX file by its magic bytes (not its name) and
refuses, with :class:`UnreadableReport`, the formats govwatch cannot read: legacy Word
and WPS files, OFD, RTF, images, other archives, binary data. :func:`pdf_lines` and
:func:`docx_lines` give a report as the lines :mod:`monitor.claims.extract` reads: one paragraph
per line, one table row per line with tab-separated cells, the shape of the HTML path.

A PDF's text layer is laid out for print, so :func:`pdf_lines` undoes what printing
did: page numbers and running headers or footers go, a table row (or a row-group label)
that a page break cut in two is joined again, and prose lines hard-wrapped at the right
margin are joined into their paragraph.
"""

import io
import logging
import re
import statistics
import zipfile
from collections import Counter
from typing import NamedTuple

from monitor.i18n import N_, _

KINDS = ("pdf", "docx")


class UnreadableReport(ValueError):
    """A report in a format govwatch cannot read; the message says why, for a person."""


# --- what the bytes are -----------------------------------------------------------------

_REFUSED_MAGIC = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", N_("it is a legacy Word (.doc) or WPS (.wps) file; save it as .docx or PDF")),
    (b"{\\rtf", N_("it is an RTF file; save it as .docx or PDF")),
    (b"\x89PNG", N_("it is an image, not a document with text (a scan?)")),
    (b"\xff\xd8\xff", N_("it is an image, not a document with text (a scan?)")),
    (b"GIF8", N_("it is an image, not a document with text (a scan?)")),
    (b"II*\x00", N_("it is an image, not a document with text (a scan?)")),
    (b"MM\x00*", N_("it is an image, not a document with text (a scan?)")),
)
# PDF readers accept the header anywhere in the first 1024 bytes.
_PDF_HEADER_WINDOW = 1024
_SNIFF_WINDOW = 8192
# Control characters that never occur in text; more than this share of them is binary.
_CONTROL = frozenset(range(0x09)) | {0x0B} | frozenset(range(0x0E, 0x20))
_MAX_CONTROL_SHARE = 0.01
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _zip_kind(data: bytes) -> str:
    """``docx`` for a Word document; UnreadableReport naming any other archive."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnreadableReport(_("it is a damaged zip archive, not a Word document")) from None
    if "word/document.xml" in names:
        return "docx"
    if "OFD.xml" in names:
        raise UnreadableReport(_("it is an OFD file; convert it to PDF"))
    if any(name.startswith(("xl/", "ppt/")) for name in names):
        raise UnreadableReport(_("it is a spreadsheet or presentation, not a Word document"))
    raise UnreadableReport(_("it is a zip archive, not a Word document"))


def binary_kind(data: bytes) -> str | None:
    """``pdf`` or ``docx`` by magic bytes; None for text (HTML, Markdown, plain text).

    Raises UnreadableReport for formats with no text govwatch can read.
    """
    head = bytes(data[:_SNIFF_WINDOW])
    if b"%PDF-" in head[:_PDF_HEADER_WINDOW]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(bytes(data))
    for magic, reason in _REFUSED_MAGIC:
        if head.startswith(magic):
            raise UnreadableReport(_(reason))
    if head and not head.startswith(_UTF16_BOMS):
        control = sum(byte in _CONTROL for byte in head)
        if control / len(head) > _MAX_CONTROL_SHARE:
            raise UnreadableReport(_("it is binary data, not a text, HTML, PDF or Word document"))
    return None


def join_wrapped(parts) -> str:
    """Pieces of text that a line wrap separated, joined: a space only between two Latin words."""
    text = ""
    for part in (part.strip() for part in parts):
        if not part:
            continue
        space = text and text[-1].isascii() and text[-1].isalnum() and part[0].isascii() and part[0].isalnum()
        text += (" " if space else "") + part
    return text


def _cell_text(parts) -> str:
    """A table cell's text on one line, whitespace runs made single spaces."""
    return " ".join(join_wrapped(parts).split())


# --- PDF ------------------------------------------------------------------------------


class _Line(NamedTuple):
    """One printed line of text outside table cells, with where it stands on the page."""

    text: str
    x0: float
    x1: float
    top: float
    size: float


class _Table(NamedTuple):
    """One ruled table: its top edge, its rows (None = a cell merged into a neighbour),
    and the lines of text inside its frame but in no cell of it."""

    top: float
    rows: list
    loose: tuple = ()


_PAGE_NUMBER = re.compile(
    r"^[\s\-－—–_·.]*(?:第\s*\d+\s*页(?:\s*[,，/、]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*[,，/、]?\s*第\s*\d+\s*页"
    r"|(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?)[\s\-－—–_·.]*$",
    re.IGNORECASE,
)
# A line opening a heading or an enumerated item starts a paragraph of its own.
_ITEM_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．](?!\d))")
_FIGURE = re.compile(r"[\d,，.]+")
_UNDECODED = re.compile(r"\(cid:\d+\)")
_TABLE_ROW = re.compile(r"(?:\s\d[\d,.]*){3,}\s*$")
# How many characters short of the right margin a ragged-right line may wrap.
_RAGGED = 2.5
_SENTENCE_END = "。！？；：!?;:"


def _inside(obj: dict, boxes: list) -> bool:
    """True when a character's centre lies in one of the boxes (x0, top, x1, bottom)."""
    x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _line_size(chars: list) -> float:
    """The font size most characters of a line are set in."""
    return Counter(round(char["size"] * 2) / 2 for char in chars).most_common(1)[0][0]


def _find_tables(page) -> list:
    """The page's ruled tables of more than one column, with their extracted rows.

    A table that a page break cuts has no rule where it is cut, so its cells there
    never close; rules are added across the page where the vertical rules end. A
    "table" of one column is a box drawn around prose, so its text stays prose.
    """
    verticals = [edge for edge in page.edges if edge["orientation"] == "v"]
    settings = {}
    if verticals:
        settings["explicit_horizontal_lines"] = [min(e["top"] for e in verticals), max(e["bottom"] for e in verticals)]
    found = [(table, table.extract()) for table in page.find_tables(settings)]
    return [(table, rows) for table, rows in found if any(sum(cell is not None for cell in row) > 1 for row in rows)]


def _page_items(page) -> tuple[list, int]:
    """A page's text lines and ruled tables, top to bottom, and how many characters it has."""
    tables = _find_tables(page)
    cells = [cell for table, _ in tables for cell in table.cells]
    text_page = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, cells))
    lines = [_Line(line["text"], line["x0"], line["x1"], line["top"], _line_size(line["chars"]))
             for line in text_page.extract_text_lines() if line["text"].strip()]
    items = [_Table(table.bbox[1], [list(row) for row in rows], tuple(line.text for line in lines
                                                                      if _within(line, table.bbox)))
             for table, rows in tables]
    items += [line for line in lines if not any(_within(line, table.bbox) for table, _ in tables)]
    return sorted(items, key=lambda item: item.top), len(page.chars)


def _within(line: _Line, box: tuple) -> bool:
    """True when a line's centre lies in a box (x0, top, x1, bottom)."""
    x, y = (line.x0 + line.x1) / 2, line.top + line.size / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _shape(text: str) -> str:
    """A line with its figures blanked, so "第 3 页" and "第 4 页" count as one running line."""
    return re.sub(r"\d+", "#", "".join(text.split()))


def _drop_running_lines(pages: list[list]) -> None:
    """Remove page numbers, then headers and footers repeated on most pages, in place.

    Only the first and last item of a page can be one; a table is never one.
    """
    for items in pages:
        while items and isinstance(items[-1], _Line) and _PAGE_NUMBER.match(items[-1].text):
            items.pop()
        while items and isinstance(items[0], _Line) and _PAGE_NUMBER.match(items[0].text):
            items.pop(0)
    for end in (0, -1):
        shapes = Counter(_shape(items[end].text) for items in pages if items and isinstance(items[end], _Line))
        running = {shape for shape, count in shapes.items() if count >= max(2, len(pages) / 2)}
        for items in pages:
            if items and isinstance(items[end], _Line) and _shape(items[end].text) in running:
                items.pop(end)


def _is_figure(cell: str | None) -> bool:
    """True for a table cell holding a figure."""
    return bool(cell) and bool(_FIGURE.fullmatch(cell.strip()))


def _row_texts(row: list) -> list[str]:
    """A row's cell texts, merged-away cells as empty ones."""
    return [_cell_text([cell or ""]) for cell in row]


def _first_figure(row: list) -> int:
    """Index of the row's first figure cell (the label cells stand before it); len(row) if none."""
    return next((index for index, cell in enumerate(row) if _is_figure(cell)), len(row))


def _append_to_span(rows: list, column: int, text: str) -> None:
    """Add ``text`` to the cell of ``column`` that spans down to the end of ``rows``."""
    for row in reversed(rows):
        if row[column] is not None:
            row[column] = join_wrapped([row[column], text])
            return


def _span_owner(rows: list, column: int):
    """The text of the cell of ``column`` that spans down to the end of ``rows``, or None."""
    return next((row[column] for row in reversed(rows) if row[column] is not None), None)


def _join_split_row(above: list, below: list) -> None:
    """Join what a page break split between the last row of ``above`` and the first of ``below``.

    Both are the rows of one table on consecutive pages (same column count). Handled, in
    place: an empty cell on the new page that only continues a merged cell from above
    (dropped); a repeated header row (dropped); a row whose label continues on the new
    page without figures (joined onto the row above); a label alone at the foot of a page
    whose figures open the next (joined into the row below); a row-group label cut in two
    ("（四）无" / "法提供"), recognised because the cut-off half is no enumerated item of its
    own while the group label above is, and a finer label stands to its right.
    """
    last, first = above[-1], below[0]
    for column, cell in enumerate(first):
        if cell == "" and last[column] is None:
            first[column] = None
    if any(_row_texts(first)) and _row_texts(first) == _row_texts(above[0]):
        below.pop(0)
        return
    labels_last, labels_first = _first_figure(last), _first_figure(first)
    filled = [column for column, cell in enumerate(first) if cell]
    if labels_first == len(first) and labels_last < len(last) and all(c < labels_last for c in filled):
        for column in filled:
            _append_to_span(above, column, first[column])
        below.pop(0)
        return
    filled_last = [column for column, cell in enumerate(last) if cell]
    if labels_last == len(last) and labels_first < len(first) and all(c < labels_first for c in filled_last):
        for column in filled_last:
            first[column] = join_wrapped([last[column], first[column] or ""])
        above.pop()
        return
    for column in range(labels_first):
        cell, owner = first[column], _span_owner(above, column)
        finer = any(first[later] for later in range(column + 1, labels_first))
        if cell and owner and finer and not _ITEM_START.match(cell) and _ITEM_START.match(owner):
            _append_to_span(above, column, cell)
            first[column] = None


def _join_continued_tables(pages: list[list]) -> None:
    """Repair rows split where a table runs on from one page onto the next, in place."""
    for page, following in zip(pages, pages[1:]):
        if not (page and following and isinstance(page[-1], _Table) and isinstance(following[0], _Table)):
            continue
        above, below = page[-1].rows, following[0].rows
        if above and below and len(above[0]) == len(below[0]):
            _join_split_row(above, below)


def _row_line(row: list) -> str | None:
    """A table row as one tab-separated line; merged-away cells omitted, as in HTML.

    Empty cells before the row's label are the foot of a merged cell from the page
    above, not cells of this row.
    """
    cells = [_cell_text(cell.split("\n")) for cell in row if cell is not None]
    label = next((index for index, cell in enumerate(cells) if cell), len(cells))
    if label < len(cells) and not _is_figure(cells[label]):
        cells = cells[label:]
    return "\t".join(cells) if any(cells) else None


def _margins(lines: list[_Line]) -> tuple[float, float]:
    """The body text's left and right margins, from where most of its lines stand.

    The left margin is the leftmost start shared by a good number of lines, so a stray
    line further left does not make every line look indented.
    """
    body_size = Counter(line.size for line in lines).most_common(1)[0][0]
    body = [line for line in lines if line.size == body_size]
    starts = Counter(round(line.x0) for line in body)
    shared = max(2, len(body) // 20)
    left = min((x0 for x0, count in starts.items() if count >= shared), default=min(starts))
    right = statistics.quantiles([line.x1 for line in body], n=4)[2] if len(body) > 1 else body[0].x1
    return left, right


def _wraps_into(line: _Line, following: _Line, left: float, right: float) -> bool:
    """True when ``following`` continues ``line``'s paragraph.

    A wrapped line runs to the right margin and its continuation starts at the left one;
    a paragraph's first line is indented or opens with a heading or item mark. Text set
    ragged-right wraps up to two characters short of the margin (a punctuation mark may
    not start a line, so the character before it moves down too): such a line wraps
    unless it ends a sentence. Lines in a different type size (titles, notes) are
    paragraphs of their own, and so is the row of a table that no ruling marked as one
    (a line ending in three figures).
    """
    short = right - line.x1
    return (
        abs(line.size - following.size) < 1
        and (short <= line.size or (short <= _RAGGED * line.size and line.text.rstrip()[-1] not in _SENTENCE_END))
        and following.x0 <= left + following.size / 2
        and not _ITEM_START.match(following.text)
        and not _TABLE_ROW.search(line.text)
        and not _TABLE_ROW.search(following.text)
    )


def _flatten(pages: list[list]) -> list[str]:
    """The pages' items as report lines: paragraphs joined, table rows tab-separated."""
    items = [item for items in pages for item in items]
    text_lines = [item for item in items if isinstance(item, _Line)]
    left, right = _margins(text_lines) if text_lines else (0, 0)
    out: list[str] = []
    previous = None
    for item in items:
        if isinstance(item, _Table):
            out.extend(line for row in item.rows if (line := _row_line(row)))
            out.extend(" ".join(text.split()) for text in item.loose)
            previous = None
            continue
        if previous is not None and _wraps_into(previous, item, left, right):
            out[-1] = join_wrapped([out[-1], item.text])
        else:
            out.append(" ".join(item.text.split()))
        previous = item
    return out


def _open_pdf(data: bytes) -> tuple[list[list], int]:
    """Every page's items and the document's character count; UnreadableReport if it will not open."""
    import pdfplumber

    # pdfminer logs a warning per font it finds odd (a missing FontBBox); the text is
    # still read, and a command's stderr is for errors a person can act on.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            read = [_page_items(page) for page in pdf.pages]
    # pdfminer raises many exception types on a damaged file (syntax, EOF, decode, key errors).
    except Exception as exc:  # noqa: BLE001
        detail = str(exc).strip() or type(exc).__name__
        raise UnreadableReport(_("the PDF is damaged or encrypted ({detail})").format(detail=detail)) from None
    return [items for items, _ in read], sum(chars for _, chars in read)


def pdf_lines(data: bytes) -> list[str]:
    """A PDF report as report lines; UnreadableReport for a damaged, scanned or undecodable PDF."""
    pages, chars = _open_pdf(data)
    if not pages:
        raise UnreadableReport(_("the PDF has no pages"))
    if chars == 0:
        raise UnreadableReport(_("the PDF has no text layer (a scan?)"))
    text = "".join(item.text for items in pages for item in items if isinstance(item, _Line))
    if len(_UNDECODED.findall(text)) * 2 > len(_UNDECODED.sub("", text)):
        raise UnreadableReport(_("the PDF's text cannot be decoded (its fonts carry no character map)"))
    _drop_running_lines(pages)
    _join_continued_tables(pages)
    return _flatten(pages)


# --- DOCX -----------------------------------------------------------------------------


def _paragraph_text(element) -> str:
    """The text of a ``w:p`` element."""
    from docx.text.paragraph import Paragraph

    return Paragraph(element, None).text


def _docx_table_lines(table) -> list[str]:
    """One line per row of a ``w:tbl``; a vertically merged cell only in its first row, as in HTML."""
    from docx.oxml.ns import qn

    lines = []
    for row in table.iterchildren(qn("w:tr")):
        cells = []
        for cell in row.iterchildren(qn("w:tc")):
            merge = cell.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            if merge is not None and merge.get(qn("w:val")) != "restart":
                continue
            cells.append(_cell_text(_paragraph_text(p) for p in cell.iter(qn("w:p"))))
        if any(cells):
            lines.append("\t".join(cells))
    return lines


def _docx_blocks(body) -> list[str]:
    """Paragraphs and tables of a document body in document order, content controls opened."""
    from docx.oxml.ns import qn

    lines = []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = " ".join(_paragraph_text(child).split())
            if text:
                lines.append(text)
        elif child.tag == qn("w:tbl"):
            lines.extend(_docx_table_lines(child))
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                lines.extend(_docx_blocks(content))
    return lines


def docx_lines(data: bytes) -> list[str]:
    """A Word (.docx) report as report lines; UnreadableReport when the file is damaged."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    # python-docx raises KeyError, ValueError or lxml errors for a broken package.
    except Exception as exc:  # noqa: BLE001
        detail = str(exc).strip() or type(exc).__name__
        raise UnreadableReport(_("the Word file is damaged ({detail})").format(detail=detail)) from None
    return _docx_blocks(document.element.body)
