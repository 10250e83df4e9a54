"""Reading the statistics tables of an annual report and checking their arithmetic.

Input is the line-oriented text of :func:`monitor.claims.report_text`: one table row
per line, cells separated by tabs (or, in plain-text reports, by whitespace). Real
conversions are ragged: labels split over lines, row-group labels written one
character per cell, blank cells, rows with a cell missing. Rows are therefore found by
their label text, and the numeric cells at the end of a row are mapped right-aligned
onto the template's columns, because 总计 is always the last figure. Missing and blank
cells are reported, never filled in.
"""

import re
from typing import NamedTuple

from crawler.numerals import parse_number, to_halfwidth

# Section 三 columns, in the national template's order.
APPLICANT_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
APPLICATION_COLUMNS = APPLICANT_COLUMNS + ("总计",)
# Section 四: three groups of five columns, each group ending in its 总计.
REVIEW_GROUPS = (
    ("review", "行政复议"),
    ("direct_litigation", "未经复议直接起诉"),
    ("litigation_after_review", "复议后起诉"),
)
REVIEW_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结")
REVIEW_COLUMNS = tuple(
    f"{name}{column}" for _, name in REVIEW_GROUPS for column in REVIEW_RESULTS + ("总计",)
)

# The four section 三 rows that carry a claim, in the order the template prints them.
MAIN_ROWS = (
    "applications_new",
    "applications_carried_over",
    "applications_handled_total",
    "applications_carried_forward",
)

_NUMBER_CELL = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
# Cells that some reports use to say "nothing here".
_BLANK_CELLS = frozenset({"", "-", "--", "—", "——", "/", "－", "无"})
_HEADING_MARKS = re.compile(r"^[#>*\s]+")
_SECTION_3 = re.compile(r"^三[、.,]\s*收到和处理")
_SECTION_4 = re.compile(r"^四[、.,]\s*(?:政府信息公开)?行政复议")
_SECTION_5 = re.compile(r"^五[、.,]")
# A result sub-row is marked "(三)" or "1." / "1、"; a stray label fragment is not.
_RESULT_MARK = re.compile(r"\([一二三四五六]\)|(?<!\d)\d{1,2}[.、]")
# A label opening a new row or row group (三、本年度办理结果), never a label's continuation.
_ROW_NUMBER = re.compile(r"^[一二三四五六七八九十]+、")
# How many non-blank lines after a split row label its figures may stand on.
_LOOKAHEAD = 3


class Row(NamedTuple):
    """One table row: its label, one value per column, and where it came from.

    ``values`` holds an int per column, or None when the cell is blank or missing;
    ``gaps`` names those columns with ``blank`` or ``missing``; ``notes`` says what
    else reading the row had to skip.
    """

    label: str
    values: tuple
    gaps: tuple
    quote: str
    notes: tuple = ()


def _is_number(cell: str) -> bool:
    """True for a cell holding only an Arabic figure (tables never spell numbers in words)."""
    return bool(_NUMBER_CELL.fullmatch(cell))


def _is_value_cell(cell: str) -> bool:
    """True for a cell that belongs to a figure column: a number or a blank."""
    return cell in _BLANK_CELLS or _is_number(cell)


def split_cells(line: str) -> list[str]:
    """A line's cells, half-width and stripped: tab-separated, else whitespace-separated."""
    line = to_halfwidth(line)
    parts = line.split("\t") if "\t" in line else line.split()
    return [part.strip() for part in parts]


def _label_and_values(cells: list[str]) -> tuple[str, list[str]]:
    """The row label (label cells joined, whitespace removed) and the value cells after it."""
    last_label = max((i for i, cell in enumerate(cells) if not _is_value_cell(cell)), default=-1)
    label = "".join("".join(cells[: last_label + 1]).split())
    return label, cells[last_label + 1 :]


def _fit(cells: list[str], width: int) -> tuple[list[str | None], list[str]]:
    """Value cells mapped right-aligned onto ``width`` columns (None = missing), with notes.

    Surplus blank cells are dropped first from the end, then from the start: converters
    leave trailing tabs and shift rows by an empty label cell. Surplus figures are
    dropped from the start and noted, since the total is always the last figure.
    """
    cells = list(cells)
    notes = []
    while len(cells) > width and cells[-1] in _BLANK_CELLS:
        cells.pop()
    while len(cells) > width and cells[0] in _BLANK_CELLS:
        cells.pop(0)
    if len(cells) > width:
        notes.append(f"ignored {len(cells) - width} extra leading cell(s): {' '.join(cells[:-width])}")
        cells = cells[-width:]
    while len(cells) < width and cells and cells[-1] in _BLANK_CELLS:
        cells.pop()  # a short row: its last figure is the total, not a trailing blank
    return [None] * (width - len(cells)) + cells, notes


def make_row(label: str, cells: list[str], columns: tuple, quote: str) -> Row:
    """A :class:`Row` from a label and its value cells, read onto ``columns``."""
    fitted, notes = _fit(cells, len(columns))
    values, gaps = [], []
    for name, cell in zip(columns, fitted):
        values.append(parse_number(cell) if cell not in _BLANK_CELLS and cell is not None else None)
        if cell is None:
            gaps.append(f"{name} missing")
        elif cell in _BLANK_CELLS:
            gaps.append(f"{name} blank")
    return Row(label, tuple(values), tuple(gaps), quote, tuple(notes))


def _quote(*lines: str) -> str:
    """Source lines as one trimmed quote, cells separated by single spaces."""
    return " ".join(" ".join(line.split()) for line in lines if line.strip())


def _heading(line: str) -> str:
    """A line without Markdown heading or emphasis marks, half-width, for section matching."""
    return _HEADING_MARKS.sub("", to_halfwidth(line)).replace("*", "").strip()


def _first(lines: list[str], pattern: re.Pattern, start: int = 0) -> int | None:
    """Index of the first line at or after ``start`` whose heading text matches ``pattern``."""
    return next((i for i in range(start, len(lines)) if pattern.search(_heading(lines[i]))), None)


def sections(lines: list[str]) -> tuple[list[str], list[str]]:
    """The lines of section 三 and of section 四.

    Without a section 三 heading the whole text before section 四 is searched, so a
    report body crawled without its headings still yields its table.
    """
    start3 = _first(lines, _SECTION_3)
    start4 = _first(lines, _SECTION_4, start3 or 0)
    end3 = start4 if start4 is not None else len(lines)
    section3 = lines[(start3 or 0) : end3]
    if start4 is None:
        return section3, []
    end4 = _first(lines, _SECTION_5, start4 + 1)
    return section3, lines[start4 + 1 : end4 if end4 is not None else len(lines)]


def _row_kind(label: str, in_results: bool) -> str | None:
    """Which main section 三 row a label names, or None."""
    if "本年新收" in label:
        return "applications_new"
    if "上年结转" in label:
        return "applications_carried_over"
    if "结转下年度" in label:
        return "applications_carried_forward"
    # The header row also says 总计, but it comes before the results.
    if "(七)" in label or (in_results and label.endswith("总计")):
        return "applications_handled_total"
    return None


def _parsed(lines: list[str]) -> list[tuple[str, str, list[str]]]:
    """Each non-blank line as (line, label, value cells)."""
    out = []
    for line in lines:
        if line.strip():
            label, values = _label_and_values(split_cells(line))
            out.append((line, label, values))
    return out


def _has_figure(values: list[str]) -> bool:
    """True when some value cell holds a number."""
    return any(_is_number(cell) for cell in values)


def _main_row(parsed: list, index: int) -> Row:
    """The row whose label starts at ``parsed[index]``, joining a label split across lines.

    Following lines that name no row of their own and hold no figures are the label's
    continuation; when the labelled line itself has no figures, the first such
    continuation line with figures supplies them.
    """
    line, label, values = parsed[index]
    quote_lines = [line]
    for later, later_label, later_values in parsed[index + 1 : index + 1 + _LOOKAHEAD]:
        if _row_kind(later_label, True) or _RESULT_MARK.search(later_label) or _ROW_NUMBER.match(later_label):
            break
        if _has_figure(later_values):
            if not _has_figure(values):
                label, values = label + later_label, later_values
                quote_lines.append(later)
            break
        label += later_label
        quote_lines.append(later)
    return make_row(label, values, APPLICATION_COLUMNS, _quote(*quote_lines))


def applications_table(lines: list[str]) -> dict:
    """Section 三 read from its lines: the four main rows (None when absent) and result rows.

    ``results`` are the leaf rows from (一) 予以公开 down to just before (七) 总计: every
    sub-row of (三) (四) (五) (六), and (六) itself when it has none.
    """
    parsed = _parsed(lines)
    table = dict.fromkeys(MAIN_ROWS)
    results: list[Row] = []
    in_results = False
    for index, (line, label, values) in enumerate(parsed):
        in_results = in_results or ("予以公开" in label and table["applications_handled_total"] is None)
        kind = _row_kind(label, in_results)
        if kind is not None and table[kind] is None:
            table[kind] = _main_row(parsed, index)
            if kind == "applications_handled_total":
                in_results = False
        elif in_results and values and (_has_figure(values) or _RESULT_MARK.search(label)):
            results.append(make_row(label, values, APPLICATION_COLUMNS, _quote(line)))
    table["results"] = results
    return table


def review_row(lines: list[str]) -> Row | None:
    """Section 四's figure row (15 columns), or None when the section has none."""
    for line, label, values in _parsed(lines):
        if len(values) >= len(REVIEW_COLUMNS) and _has_figure(values):
            return make_row(label, values, REVIEW_COLUMNS, _quote(line))
    return None


# --- consistency rules --------------------------------------------------------------


def _rule(rule: str, figures: dict, passed: bool | None, detail: str) -> dict:
    """One consistency result in the shape extract_claims reports."""
    return {"rule": rule, "figures": figures, "passed": passed, "detail": detail}


def _gap_note(gaps: tuple, notes: tuple = ()) -> str:
    """A note on blank or missing cells (counted as 0) and skipped cells; empty if none."""
    parts = [f"{', '.join(gaps)} (counted as 0)"] if gaps else []
    return "".join(f"; {part}" for part in parts + list(notes))


def balance_rule(table: dict) -> dict:
    """Rule (a): 一 + 二 = 三(七) + 四, on the 总计 column."""
    totals = {key: (table[key].values[-1] if table[key] else None) for key in MAIN_ROWS}
    new, carried, handled, forward = (totals[key] for key in MAIN_ROWS)
    if None in totals.values():
        absent = [key for key, value in totals.items() if value is None]
        return _rule("applications_balance", totals, None, f"总计 not readable for {', '.join(absent)}")
    left, right = new + carried, handled + forward
    figures = {**totals, "new_plus_carried_over": left, "handled_plus_carried_forward": right}
    relation = "=" if left == right else "≠"
    detail = f"一 {new} + 二 {carried} = {left} {relation} 三(七) {handled} + 四 {forward} = {right}"
    return _rule("applications_balance", figures, left == right, detail)


def columns_rule(key: str, row: Row | None) -> dict:
    """Rule (b) for one row: the six applicant columns add up to its 总计."""
    rule = f"applicant_columns:{key}"
    if row is None:
        return _rule(rule, {}, None, "row not found")
    figures = dict(zip(APPLICATION_COLUMNS, row.values))
    total = row.values[-1]
    if total is None:
        return _rule(rule, figures, None, f"总计 not readable in: {row.quote}")
    column_sum = sum(value or 0 for value in row.values[:-1])
    figures["sum_of_columns"] = column_sum
    relation = "=" if column_sum == total else "≠"
    detail = f"columns add to {column_sum} {relation} 总计 {total}{_gap_note(row.gaps, row.notes)}"
    return _rule(rule, figures, column_sum == total, detail)


def results_rule(table: dict) -> dict:
    """Rule (c): 三(七) 总计 equals the sum of the 总计 of every result row (一)…(六)."""
    total_row = table["applications_handled_total"]
    results = table["results"]
    blank = [row.label for row in results if row.values[-1] is None]
    result_sum = sum(row.values[-1] or 0 for row in results)
    figures = {
        "applications_handled_total": total_row.values[-1] if total_row else None,
        "sum_of_results": result_sum,
        "result_rows": len(results),
        "blank_totals": blank,
    }
    if figures["applications_handled_total"] is None or not results:
        return _rule("results_sum", figures, None, "三(七) 总计 or the result rows not found")
    total = figures["applications_handled_total"]
    relation = "=" if result_sum == total else "≠"
    note = f"; {len(blank)} row(s) with a blank 总计 counted as 0" if blank else ""
    detail = f"(一)…(六) over {len(results)} rows add to {result_sum} {relation} 三(七) {total}{note}"
    return _rule("results_sum", figures, result_sum == total, detail)


def review_rules(row: Row | None) -> list[dict]:
    """Rule (d): in section 四 each group's 总计 equals its four results added up."""
    rules = []
    for index, (key, name) in enumerate(REVIEW_GROUPS):
        rule = f"review_results:{key}"
        if row is None:
            rules.append(_rule(rule, {}, None, "section 四 figures not found"))
            continue
        cells = row.values[index * 5 : index * 5 + 5]
        figures = dict(zip(REVIEW_RESULTS + ("总计",), cells))
        gaps = tuple(gap for gap in row.gaps if gap.startswith(name))
        if cells[-1] is None:
            rules.append(_rule(rule, figures, None, f"{name}总计 not readable"))
            continue
        result_sum = sum(value or 0 for value in cells[:-1])
        figures["sum_of_results"] = result_sum
        relation = "=" if result_sum == cells[-1] else "≠"
        note = _gap_note(gaps, row.notes)
        detail = f"{name}: results add to {result_sum} {relation} 总计 {cells[-1]}{note}"
        rules.append(_rule(rule, figures, result_sum == cells[-1], detail))
    return rules


def table_rules(table: dict, review: Row | None) -> list[dict]:
    """Every consistency rule of the national template, in the order (a) (b) (c) (d)."""
    return [
        balance_rule(table),
        *(columns_rule(key, table[key]) for key in MAIN_ROWS),
        results_rule(table),
        *review_rules(review),
    ]
