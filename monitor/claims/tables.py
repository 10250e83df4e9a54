"""Reading the statistics tables of an annual report and checking their arithmetic.

Input is the line-oriented text of :func:`monitor.claims.extract.report_text`: one table row
per line, cells separated by tabs (or, in plain-text reports, by whitespace). Real
conversions are ragged: labels split over lines, row-group labels written one
character per cell, blank cells, rows with a cell missing. Rows are therefore found by
their label text, and the value cells after the label are mapped onto the template's
columns; a row short of cells is read only as far as its figures can be placed.
Missing and blank cells are unknown figures, reported and never filled in: the rules
(see "consistency rules" below) fail only where no figures in them could help.
"""

import re
from typing import NamedTuple

from crawler.text.numerals import parse_number, to_halfwidth
from monitor.i18n import _

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
LAWSUIT_GROUPS = ("direct_litigation", "litigation_after_review")

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
# The result group a row opens: (一) 予以公开 … (六) 其他处理.
_GROUP_MARK = re.compile(r"\(([一二三四五六])\)")
# The template's sub-rows name their group by their own words, which survive where a
# conversion moves or splits the group's label (a rowspan label centred in its cell
# lands on a middle row; a page break cuts it).
_SUB_ROW_GROUPS = (
    ("三", re.compile(r"国家秘密|禁止公开|三安全一稳定|第三方合法权益|内部事务|过程性信息|执法案卷|查询事项")),
    ("四", re.compile(r"不掌握|另行制作|仍不明确")),
    ("五", re.compile(r"信访|举报|投诉|重复申请|公开出版物|大量反复|重新出具")),
    ("六", re.compile(r"逾期不补正|缴纳费用|收费通知")),
)
# A label opening a new row or row group (三、本年度办理结果), never a label's continuation.
_ROW_NUMBER = re.compile(r"^[一二三四五六七八九十]+、")
# How many non-blank lines after a split row label its figures may stand on.
_LOOKAHEAD = 3


class Row(NamedTuple):
    """One table row: its label, one value per column, and where it came from.

    ``values`` holds an int per column, or None when the cell is blank or missing;
    ``gaps`` names those columns with ``blank`` or ``missing``; ``notes`` says what
    else reading the row had to skip; ``group`` is the section 三 result group a result
    row belongs to (``一`` … ``六``).
    """

    label: str
    values: tuple
    gaps: tuple
    quote: str
    notes: tuple = ()
    group: str | None = None


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
        notes.append(_("ignored {n} extra leading cell(s): {cells}").format(n=len(cells) - width,
                                                                            cells=" ".join(cells[:-width])))
        cells = cells[-width:]
    if len(cells) < width:
        return _short_row(cells, width)
    return cells, notes


def _short_row(cells: list[str], width: int) -> tuple[list[str | None], list[str]]:
    """A row with fewer cells than columns, read only as far as it can be placed.

    Where the missing cells were (blanks a converter dropped, anywhere in the row) is
    unknown, so no figure can be given a column, except one: when the figures before
    the last add up to the last, the last is the 总计.
    """
    figures = [cell for cell in cells if cell not in _BLANK_CELLS]
    if not figures:
        return [None] * width, []
    values = [parse_number(cell) for cell in figures]
    if None not in values and sum(values[:-1]) == values[-1]:
        return [None] * (width - 1) + [figures[-1]], [
            _("{n} cell(s) for {width} columns: only the 总计 can be placed").format(n=len(cells), width=width)]
    return [None] * width, [_("{n} cell(s) for {width} columns: which column each figure is in is unknown").format(
        n=len(cells), width=width)]


def make_row(label: str, cells: list[str], columns: tuple, quote: str) -> Row:
    """A :class:`Row` from a label and its value cells, read onto ``columns``."""
    fitted, notes = _fit(cells, len(columns))
    values, gaps = [], []
    for name, cell in zip(columns, fitted):
        values.append(parse_number(cell) if cell not in _BLANK_CELLS and cell is not None else None)
        if cell is None:
            gaps.append(_("{name} missing").format(name=name))
        elif cell in _BLANK_CELLS:
            gaps.append(_("{name} blank").format(name=name))
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


def _result_group(label: str, last: str | None) -> str | None:
    """The result group of a row: by its sub-row's words, else its group mark, else ``last``."""
    for group, words in _SUB_ROW_GROUPS:
        if words.search(label):
            return group
    mark = _GROUP_MARK.search(label)
    return mark.group(1) if mark else last


def applications_table(lines: list[str]) -> dict:
    """Section 三 read from its lines: the four main rows (None when absent) and result rows.

    ``results`` are the leaf rows from (一) 予以公开 down to just before (七) 总计: every
    sub-row of (三) (四) (五) (六), and (六) itself when it has none (the 2019 template;
    the 2021 template splits (六) in three). Each carries its ``group``, known from
    the sub-row's own words where the template's are used, else from the group mark
    on its line, else the last group named.
    """
    parsed = _parsed(lines)
    table = dict.fromkeys(MAIN_ROWS)
    results: list[Row] = []
    in_results = False
    group = None
    for index, (line, label, values) in enumerate(parsed):
        in_results = in_results or ("予以公开" in label and table["applications_handled_total"] is None)
        kind = _row_kind(label, in_results)
        if in_results:
            group = _result_group(label, group)
        if kind is not None and table[kind] is None:
            table[kind] = _main_row(parsed, index)
            if kind == "applications_handled_total":
                in_results = False
        elif in_results and values and (_has_figure(values) or _RESULT_MARK.search(label)):
            results.append(make_row(label, values, APPLICATION_COLUMNS, _quote(line))._replace(group=group))
    table["results"] = results
    return table


def review_group(row: Row, key: str) -> tuple:
    """The cells of one section 四 group (its four results, then its 总计), by its key."""
    width = len(REVIEW_RESULTS) + 1
    index = [group for group, _ in REVIEW_GROUPS].index(key)
    return row.values[index * width : (index + 1) * width]


def review_row(lines: list[str]) -> Row | None:
    """Section 四's figure row (15 columns), or None when the section has none.

    The figures may stand on one line or run on over consecutive lines of figures only
    (a row per group, or a row wrapped by a converter); they are read together.
    """
    parsed = _parsed(lines)
    width = len(REVIEW_COLUMNS)
    for index, (line, label, values) in enumerate(parsed):
        if not _has_figure(values):
            continue
        cells, quote_lines = list(values), [line]
        for later, later_label, later_values in parsed[index + 1 :]:
            if len(cells) >= width or later_label or not later_values:
                break
            cells += later_values
            quote_lines.append(later)
        if len(cells) >= width:
            return make_row(label, cells, REVIEW_COLUMNS, _quote(*quote_lines))
    return None


# --- consistency rules --------------------------------------------------------------
#
# A blank or missing cell is an unknown figure, never a zero: reading it as 0 would turn
# a report that left a cell empty into a report that "does not add up", an accusation
# against a government body that the auditor cannot defend. Each rule therefore knows
# what its figures can be (Bounds) and says:
#
# - passed True when the figures add up on the plain reading of the table: a blank
#   cell is 0, as the national template's filled tables mean it, and a blank 总计 is
#   its row's other cells added up, which is what 总计 means. A row "18 _ _ _ _ _ 18"
#   passes: its blanks are harmless, since 18 only adds up with them 0;
# - passed False only when no figures at all in the blank cells (0 or more each) could
#   make it add up: the filled cells already exceed the total, or every cell is filled
#   and the figures differ;
# - passed None when the plain reading fails but the blank cells could hold the
#   difference (the detail says how much), or when the rule's figures are absent.


class Bounds(NamedTuple):
    """What a figure, or a sum of figures, can be given the table's blank cells.

    ``plain`` is its value on the plain reading; ``low`` and ``high`` bound it whatever
    the blank cells hold (``high`` None: unbounded); ``blanks`` counts the blank or
    missing cells behind it.
    """

    plain: int
    low: int
    high: int | None
    blanks: int


def exact(value: int) -> Bounds:
    """The Bounds of a figure the table states."""
    return Bounds(value, value, value, 0)


def _cell(value: int | None) -> Bounds:
    """A cell's Bounds: exact when filled, any figure from 0 up when blank."""
    return exact(value) if value is not None else Bounds(0, 0, None, 1)


def add(*terms: Bounds) -> Bounds:
    """The Bounds of a sum."""
    highs = [term.high for term in terms]
    return Bounds(
        sum(term.plain for term in terms),
        sum(term.low for term in terms),
        None if None in highs else sum(highs),
        sum(term.blanks for term in terms),
    )


def group_total(values: tuple) -> Bounds:
    """The total of cells whose last is their 总计: that cell, or if blank the others added up."""
    if values[-1] is not None:
        return exact(values[-1])
    parts = add(*(_cell(value) for value in values[:-1]))
    return parts._replace(blanks=parts.blanks + 1)


def verdict(left: Bounds, right: Bounds) -> bool | None:
    """Whether ``left`` equals ``right``: True, False or None, as the rules above say."""
    if left.plain == right.plain:
        return True
    if (right.high is not None and left.low > right.high) or (left.high is not None and right.low > left.high):
        return False
    return None


def _relation(left: Bounds, right: Bounds) -> str:
    return "=" if left.plain == right.plain else "≠"


def blank_note(passed: bool | None, left: Bounds, right: Bounds, gaps: tuple = ()) -> str:
    """What the blank cells mean for a verdict; empty when there are none."""
    blanks = left.blanks + right.blanks
    if not blanks:
        return ""
    named = _("{gaps}: ").format(gaps=_(", ").join(gaps)) if gaps else _("{n} blank cell(s): ").format(n=blanks)
    if passed is True:
        return _("; {named}read as 0, it adds up").format(named=named)
    if passed is False:
        return _("; {named}no figures in them could make it add up").format(named=named)
    return _("; {named}unknown: read as 0 it is {off} off, which figures in them could make up").format(
        named=named, off=abs(left.plain - right.plain))


def _rule(rule: str, figures: dict, passed: bool | None, detail: str) -> dict:
    """One consistency result in the shape extract_claims reports."""
    return {"rule": rule, "figures": figures, "passed": passed, "detail": detail}


def _notes(notes: tuple) -> str:
    return "".join(_("; ") + note for note in notes)


def balance_rule(table: dict) -> dict:
    """Rule (a): 一 + 二 = 三(七) + 四, on the 总计 column (a blank 总计: its row added up)."""
    rows = {key: table[key] for key in MAIN_ROWS}
    figures = {key: (row.values[-1] if row else None) for key, row in rows.items()}
    absent = [key for key, row in rows.items() if row is None or not any(value is not None for value in row.values)]
    if absent:
        return _rule("applications_balance", figures, None, _("no figures for {rows}").format(rows=", ".join(absent)))
    new, carried, handled, forward = (group_total(row.values) for row in rows.values())
    left, right = add(new, carried), add(handled, forward)
    figures.update(new_plus_carried_over=left.plain, handled_plus_carried_forward=right.plain)
    passed = verdict(left, right)
    detail = (f"一 {new.plain} + 二 {carried.plain} = {left.plain} {_relation(left, right)} "
              f"三(七) {handled.plain} + 四 {forward.plain} = {right.plain}{blank_note(passed, left, right)}")
    return _rule("applications_balance", figures, passed, detail)


def columns_rule(key: str, row: Row | None) -> dict:
    """Rule (b) for one row: the six applicant columns add up to its 总计."""
    rule = f"applicant_columns:{key}"
    if row is None:
        return _rule(rule, {}, None, _("row not found"))
    figures = dict(zip(APPLICATION_COLUMNS, row.values))
    if row.values[-1] is None:
        return _rule(rule, figures, None, _("总计 not readable in: {quote}").format(quote=row.quote))
    columns, total = add(*(_cell(value) for value in row.values[:-1])), exact(row.values[-1])
    figures["sum_of_columns"] = columns.plain
    passed = verdict(columns, total)
    detail = (_("columns add to {sum} {relation} 总计 {total}").format(
        sum=columns.plain, relation=_relation(columns, total), total=total.plain)
              + blank_note(passed, columns, total, row.gaps) + _notes(row.notes))
    return _rule(rule, figures, passed, detail)


def _results_column(results: list[Row], total_row: Row, index: int) -> tuple[Bounds, Bounds] | None:
    """One column of the results identity: (results added up, 三(七)), None if all blank."""
    rows = [*results, total_row]
    if index == len(APPLICATION_COLUMNS) - 1:
        if not any(value is not None for row in rows for value in row.values):
            return None
        return add(*(group_total(row.values) for row in results)), group_total(total_row.values)
    if not any(row.values[index] is not None for row in rows):
        return None
    return add(*(_cell(row.values[index]) for row in results)), _cell(total_row.values[index])


def results_rule(table: dict) -> dict:
    """Rule (c): the result rows (一)…(六) add up to 三(七), column by column.

    Checked on the 总计 column and on each applicant column, so a report that leaves the
    总计 of every result row blank and fills only (七) is still checked: through its
    applicant columns, since a blank row 总计 is read as that row's cells added up. It
    fails when any column fails, passes when every column with figures adds up.
    """
    total_row, results = table["applications_handled_total"], table["results"]
    blank = [row.label for row in results if row.values[-1] is None]
    figures = {
        "applications_handled_total": total_row.values[-1] if total_row else None,
        "sum_of_results": None,
        "result_rows": len(results),
        "blank_totals": blank,
    }
    checked = {}
    for index, name in enumerate(APPLICATION_COLUMNS if total_row and results else ()):
        pair = _results_column(results, total_row, index)
        if pair is not None:
            checked[name] = (*pair, verdict(*pair))
    if "总计" not in checked:
        return _rule("results_sum", figures, None, _("三(七) 总计 or the result rows not found"))
    parts, total, total_passed = checked["总计"]
    figures["sum_of_results"] = parts.plain
    figures["columns_failed"] = [name for name, (_, _, passed) in checked.items() if passed is False]
    figures["columns_unknown"] = [name for name, (_, _, passed) in checked.items() if passed is None]
    verdicts = [passed for _, _, passed in checked.values()]
    passed = False if False in verdicts else (True if all(verdicts) else None)
    note = _("; {n} row(s) with a blank 总计, read as their cells added up").format(n=len(blank)) if blank else ""
    by_column = ", ".join(f"{name} {left.plain} {_relation(left, right)} {right.plain}"
                          for name, (left, right, _) in checked.items() if name != "总计")
    detail = (_("(一)…(六) over {n} rows add to {sum} {relation} 三(七) {total}").format(
        n=len(results), sum=parts.plain, relation=_relation(parts, total), total=total.plain)
              + note + blank_note(total_passed, parts, total)
              + _("; by applicant column: {columns}").format(columns=by_column or _("no figures")))
    return _rule("results_sum", figures, passed, detail)


def review_rules(row: Row | None) -> list[dict]:
    """Rule (d): in section 四 each group's 总计 equals its four results added up.

    A group left blank entirely (复议后起诉 often is) states nothing: unknown, not failed.
    """
    rules = []
    for key, name in REVIEW_GROUPS:
        rule = f"review_results:{key}"
        if row is None:
            rules.append(_rule(rule, {}, None, _("section 四 figures not found")))
            continue
        cells = review_group(row, key)
        figures = dict(zip(REVIEW_RESULTS + ("总计",), cells))
        if not any(value is not None for value in cells):
            rules.append(_rule(rule, figures, None, _("{name}: every cell blank").format(name=name)))
            continue
        if cells[-1] is None:
            rules.append(_rule(rule, figures, None, _("{name}总计 not readable").format(name=name)))
            continue
        results, total = add(*(_cell(value) for value in cells[:-1])), exact(cells[-1])
        figures["sum_of_results"] = results.plain
        passed = verdict(results, total)
        gaps = tuple(gap for gap in row.gaps if gap.startswith(name))
        detail = (_("{name}: results add to {sum} {relation} 总计 {total}").format(
            name=name, sum=results.plain, relation=_relation(results, total), total=total.plain)
                  + blank_note(passed, results, total, gaps) + _notes(row.notes))
        rules.append(_rule(rule, figures, passed, detail))
    return rules


def table_rules(table: dict, review: Row | None) -> list[dict]:
    """Every consistency rule of the national template, in the order (a) (b) (c) (d)."""
    return [
        balance_rule(table),
        *(columns_rule(key, table[key]) for key in MAIN_ROWS),
        results_rule(table),
        *review_rules(review),
    ]


# --- figures the prose restates -------------------------------------------------------


def table_figure(name: str, table: dict, review: Row | None) -> tuple[Bounds, str] | None:
    """A figure of the tables, with the rows it comes from as a quote; None when absent.

    ``name`` is a section 三 main row (``applications_new`` …), ``results:`` and the
    result groups it adds (``results:一二`` is 予以公开 plus 部分公开), ``review`` (the
    行政复议 总计) or ``litigation`` (both lawsuit groups' 总计 added up).
    """
    if name in MAIN_ROWS:
        row = table[name]
        return (group_total(row.values), row.quote) if row else None
    if name.startswith("results:"):
        rows = [row for row in table["results"] if row.group in name.removeprefix("results:")]
        return (add(*(group_total(row.values) for row in rows)), " / ".join(row.quote for row in rows)) if rows else None
    if review is None:
        return None
    groups = ("review",) if name == "review" else LAWSUIT_GROUPS
    return add(*(group_total(review_group(review, key)) for key in groups)), review.quote
