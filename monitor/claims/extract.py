"""What an annual report on government information disclosure claims.

:func:`report_text` turns a report (HTML page, Markdown, plain text, PDF or Word file)
into lines, one table row per line with tab-separated cells. :func:`extract_claims`
reads from those lines the figures the report states in prose (items published,
interpretations, applications received …), the figures of its statistics tables
(section 三 applications, section 四 reviews and lawsuits), checks the tables'
arithmetic (:mod:`monitor.claims.tables`) and compares the prose figures that restate a
table figure with the table (:mod:`monitor.claims.prose_table`). A figure that cannot be read
is reported as unreadable with its sentence, never guessed.
"""

import re
from typing import NamedTuple

from crawler.text.numerals import parse_number, to_halfwidth
from crawler.text.decoding import decode_body
from crawler.text.html import collapse, document_lines
from monitor.claims import formats as report_formats
from monitor.claims.prose_table import prose_table_rules
from monitor.claims.formats import UnreadableReport
from monitor.i18n import _
from monitor.claims.tables import (
    LAWSUIT_GROUPS,
    MAIN_ROWS,
    APPLICANT_COLUMNS,
    Row,
    applications_table,
    review_group,
    review_row,
    sections,
    table_rules,
)

KINDS = ("html", "markdown", "text") + report_formats.KINDS

_HTML_SNIFF = re.compile(r"<\s*(?:!doctype|html|body|table|p|div|br|h[1-6])\b", re.IGNORECASE)
_MD_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_MD_SNIFF = re.compile(r"^(?:#{1,6}\s|\|.*\|\s*$)", re.MULTILINE)

# --- report_text ----------------------------------------------------------------------


def _pipe_cells(line: str) -> list[str]:
    """The cells of a Markdown pipe-table row (outer pipes dropped, cells stripped)."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    return [cell.strip() for cell in body.split("|")]


def _markdown_to_text(text: str) -> str:
    """Markdown as report lines: pipe tables become tab rows, heading and emphasis marks go."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if _MD_TABLE_SEPARATOR.match(stripped):
            continue
        if stripped.startswith("|"):
            lines.append("\t".join(_pipe_cells(stripped)))
            continue
        lines.append(re.sub(r"^#{1,6}\s*", "", line).replace("**", "").replace("__", ""))
    return "\n".join(lines)


def sniff_kind(text: str) -> str:
    """``html``, ``markdown`` or ``text``: what a report's text looks like."""
    if _HTML_SNIFF.search(text[:4096]):
        return "html"
    return "markdown" if _MD_SNIFF.search(text) else "text"


def report_text(data: bytes | str, kind: str | None = None) -> str:
    """A report as the line-oriented text :func:`extract_claims` reads.

    ``data`` is the report's bytes: HTML, Markdown or plain text (decoded by declared or
    detected charset), a PDF or a Word (.docx) file; HTML, Markdown and text may also be
    given as str. ``kind`` is one of :data:`KINDS`, or None to tell by the bytes
    themselves (magic bytes, not a file name). Raises :class:`UnreadableReport` for a
    file it cannot read (a scanned or damaged PDF, a legacy .doc or .wps, OFD, other
    binary data); any other unusable input gives an empty string.
    """
    if isinstance(data, (bytes, bytearray)):
        data = bytes(data)
        binary = kind
        if kind not in KINDS:
            binary = report_formats.binary_kind(data)
        if binary == "pdf":
            return "\n".join(report_formats.pdf_lines(data))
        if binary == "docx":
            return "\n".join(report_formats.docx_lines(data))
        data, _charset = decode_body(data)
    elif kind in report_formats.KINDS:
        raise UnreadableReport(_("a {kind} report must be given as bytes, not text").format(kind=kind))
    if not isinstance(data, str):
        return ""
    data = data.lstrip("\ufeff")
    kind = kind if kind in KINDS else sniff_kind(data)
    if kind == "html":
        return "\n".join(document_lines(data))
    if kind == "markdown":
        return _markdown_to_text(data)
    return data.replace("\r\n", "\n").replace("\r", "\n")


# --- prose figures --------------------------------------------------------------------

# The figure after a key phrase: qualifiers, the number (or a placeholder that is not
# one), 余/多, the unit, 左右. The gap between phrase and figure may not cross a comma
# or sentence end, nor skip over another Arabic figure.
_GAP_CHARS = r"[^,，。;；!！?？\n\d]"
_PRE = r"(?P<pre>(?:(?:共计|共|累计|合计|总计|达到|达|近|约|超过|逾)\s*)*)"
_NUM = (
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+|[零〇一二两三四五六七八九十百千万]+"
    r"|若干|[Xx×*]+|…+|\.{3,})"  # placeholders a draft report leaves in: read as unreadable
)
# A figure standing before what it counts ("70家政府网站") is taken in Arabic digits
# only: "每一家" is no count.
_ARABIC = r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+|\d+)"
_UNITS = "人次|条|篇|件|次|期|个|项|份|封|场|笔"
_DOCUMENT_UNITS = "件|份|个|项|部|篇"
_CASE_UNITS = "件|起|宗|个"
_POST = r"\s*(?P<post>余|多)?\s*"
_TAIL = r"(?P<tail>\s*左右)?"
_SOCIAL = "微博|微信|新媒体|公众号|头条|抖音|客户端"
# Applications named as such ("政府信息公开申请"), so a complaint or a letter is not one.
_APPLICATIONS = r"(?:各类|各种)?(?:政府信息公开|信息公开|依申请公开)(?:的)?申请"


# Between a document type and its figure: no list of other types ("规章、规范性文件等
# 112件" counts both, neither alone).
_LIST_GAP_CHARS = r"[^,，。;；!！?？\n\d、等和及与]"


class ProseKey(NamedTuple):
    """How one claim is stated in prose.

    ``phrase`` comes before the figure, at most ``gap`` characters of ``gap_chars``
    before it; ``units`` may follow the figure; a clause matching ``exclude`` is not
    this claim, nor a figure whose paragraph has not named ``context`` before it. With
    ``follow``, what is counted is named after the unit instead ("70家政府网站开展检查").
    """

    phrase: str
    units: str = _UNITS
    exclude: str | None = None
    gap: int = 15
    follow: str | None = None
    gap_chars: str = _GAP_CHARS
    context: str | None = None


# Section 三 results restated in prose: the phrase right before the figure, in a
# paragraph about applications ("予以公开" alone also describes proactive disclosure).
_RESULT_GAP = 3
_APPLICATION_CONTEXT = "申请"

PROSE_KEYS = {
    # Portal and social-media counts share sentences; a clause naming a social channel
    # (or key areas) is not the portal's count.
    "portal_items": ProseKey(
        r"主动公开(?:各类)?(?:政府)?信息|(?:门户)?网站(?:发布|公开)(?:各类)?(?:政府)?信息",
        exclude=_SOCIAL + "|重点领域",
    ),
    # Items are posts; accounts ("新媒体共计95个") are counted in 个/家.
    "social_media_items": ProseKey(_SOCIAL, units="人次|条|篇|次|期|则", gap=20),
    "social_media_accounts": ProseKey(rf"(?:{_SOCIAL})(?:账号|平台)?", units="个|家|账号", gap=8),
    "interpretations": ProseKey(r"解读"),
    "key_area_items": ProseKey(r"重点领域"),
    "regulations": ProseKey(r"规章", units=_DOCUMENT_UNITS, gap=8, gap_chars=_LIST_GAP_CHARS),
    "normative_documents": ProseKey(r"规范性文件", units=_DOCUMENT_UNITS, gap=8, gap_chars=_LIST_GAP_CHARS),
    "policy_documents": ProseKey(r"政策性文件|政策文件", units=_DOCUMENT_UNITS, gap=8, gap_chars=_LIST_GAP_CHARS),
    "other_documents": ProseKey(r"其他(?:政府)?文件", units=_DOCUMENT_UNITS, gap=8, gap_chars=_LIST_GAP_CHARS),
    "appointments": ProseKey(
        r"人事任免(?:文件|信息|事项)?", units=_DOCUMENT_UNITS + "|条", gap=8, gap_chars=_LIST_GAP_CHARS
    ),
    # Releases on the standing meeting, not the meetings held.
    "standing_meeting_releases": ProseKey(
        r"常务会议[^,，。;；\n\d]{0,15}?(?:发布|解读|公开)", units="次|期|场|条|篇|个", gap=4
    ),
    "gazette_issues": ProseKey(r"公报", units="期"),
    "press_conferences": ProseKey(r"新闻发布会|发布会", units="场|次|期"),
    "websites_checked": ProseKey(
        "", units="家|个", follow=r"(?:政府)?(?:门户)?网站[^,，。;；\n]{0,10}?(?:检查|巡查|抽查|监测|普查)"
    ),
    "online_service_cases": ProseKey(
        r"全年办理|网上办理|办件|办理(?:各类)?(?:政务服务)?(?:业务|事项)", units="件|笔|项"
    ),
    "mailbox_letters": ProseKey(r"(?:领导|书记|区长|市长|县长|主任|局长)信箱", units="件|封|条"),
    "online_interviews": ProseKey(r"在线访谈|网上访谈|访谈节目", units="期|次|场"),
    "reading_room_visits": ProseKey(r"查阅(?:场所|室|点)?", units="人次|次|人"),
    # Not 回应咨询: hotline consultations are a different figure.
    "questions_answered": ProseKey(r"解答(?:群众|公众|企业)?(?:咨询|询问|询|问题)?"),
    "proposal_results": ProseKey(r"提案(?:的)?(?:办理结果|办理复文|答复)"),
    "timeliness_limit_workdays": ProseKey(
        r"(?:形成|产生|制作)(?:或|和|、)?(?:变更|更新)?(?:之日起|后|的)?", units="个?工作日", gap=10
    ),
    # Section 三 and 四 figures restated in prose (compared with the tables).
    "applications_received": ProseKey(
        rf"(?:受理|收到|新收|接收|接到){_APPLICATIONS}", units=_CASE_UNITS, gap=_RESULT_GAP
    ),
    # A bare 答复 only when the figure follows at once ("答复 3050 件"), not "答复留言120条".
    "applications_answered": ProseKey(
        rf"(?:答复|办结)(?:了)?{_APPLICATIONS}|答复(?=\s*\d)", units=_CASE_UNITS, gap=_RESULT_GAP,
        context=_APPLICATION_CONTEXT,
    ),
    **{
        key: ProseKey(phrase, units=_CASE_UNITS, gap=_RESULT_GAP, context=_APPLICATION_CONTEXT)
        for key, phrase in (
            ("applications_granted", r"予以公开(?:及|和|与|、|或)部分公开"),
            ("applications_disclosed", r"予以公开(?!(?:及|和|与|、|或)部分公开)"),
            ("applications_partly_disclosed", r"(?<![及和与、或])部分公开"),
            ("applications_refused", r"不予公开"),
            ("applications_unavailable", r"无法提供"),
            ("applications_not_processed", r"不予处理"),
            ("applications_other_handling", r"其他处理"),
        )
    },
    "review_cases": ProseKey(r"行政复议", units=_CASE_UNITS, gap=6),
    "litigation_cases": ProseKey(r"(?:行政)?诉讼", units=_CASE_UNITS, gap=6),
}


def _pattern(spec: ProseKey) -> re.Pattern:
    """The regular expression of one prose key."""
    if spec.follow:
        # Empty pre and tail groups: such a figure carries no qualifier to read.
        return re.compile(f"(?P<pre>){_ARABIC}{_POST}(?P<unit>{spec.units})(?P<tail>)(?:{spec.follow})")
    return re.compile(
        f"(?:{spec.phrase}){spec.gap_chars}{{0,{spec.gap}}}?{_PRE}{_NUM}{_POST}(?P<unit>{spec.units}){_TAIL}"
    )


_PATTERNS = {key: _pattern(spec) for key, spec in PROSE_KEYS.items()}
_LOWER_WORDS = ("超过", "逾")
_APPROX_WORDS = ("近", "约")
_SENTENCE_END = "。；;！!？?\n"
_CLAUSE_END = _SENTENCE_END + ",，"
_HEADING_START = re.compile(r"^\s*#")
# Lines shorter than this are titles or headings, never half of a broken sentence.
_MIN_BROKEN_LINE = 40
# A sentence longer than this is quoted by its clauses only.
_MAX_QUOTE = 120


def _bound(match: re.Match) -> str | None:
    """``lower`` for 余/多/超过/逾, ``approx`` for 近/约/左右, None for an exact figure."""
    pre = match.group("pre") or ""
    if match.group("post") or any(word in pre for word in _LOWER_WORDS):
        return "lower"
    if match.group("tail") or any(word in pre for word in _APPROX_WORDS):
        return "approx"
    return None


def _span_around(text: str, start: int, end: int, stops: str) -> tuple[int, int]:
    """The span from just after the last stop before ``start`` to the first stop from ``end``."""
    left = max(text.rfind(stop, 0, start) for stop in stops) + 1
    rights = [pos for pos in (text.find(stop, end) for stop in stops) if pos >= 0]
    right = min(rights) + 1 if rights else len(text)
    return left, right


def _clean_quote(text: str) -> str:
    """A quote without Markdown marks or surplus whitespace."""
    return collapse(text.replace("**", "").lstrip("#").strip())


def _claim(key: str, value: int | None, *, approx=False, bound=None, unit=None, quote="", readable=True) -> dict:
    """One claim in the documented shape."""
    return {
        "key": key, "value": value, "approx": approx, "bound": bound,
        "unit": unit, "quote": quote, "readable": readable,
    }


def _quote_span(text: str, match: re.Match) -> str:
    """The sentence a figure stands in; just its clauses when the sentence runs long."""
    start, end = _span_around(text, match.start(), match.end(), _SENTENCE_END)
    if end - start > _MAX_QUOTE:
        start, end = _span_around(text, match.start(), match.end(), _CLAUSE_END)
    return _clean_quote(text[start:end])


def _prose_claim(key: str, prose: str, folded: str) -> dict | None:
    """The first statement of ``key`` in the report, or None when the report has none.

    ``folded`` is ``prose`` made half-width (same offsets) for matching; the quote is
    taken from ``prose`` so it reads as the report does.
    """
    spec = PROSE_KEYS[key]
    for match in _PATTERNS[key].finditer(folded):
        clause_start, _clause_end = _span_around(folded, match.start(), match.end(), _CLAUSE_END)
        if spec.exclude and re.search(spec.exclude, folded[clause_start : match.end()]):
            continue
        if spec.context and not re.search(spec.context, folded[folded.rfind("\n", 0, match.start()) + 1 : match.start()]):
            continue
        quote = _quote_span(prose, match)
        unit = re.sub(r"^个(?=工作日)", "", match.group("unit"))
        value = parse_number(match.group("num"))
        if value is None:
            return _claim(key, None, unit=unit, quote=quote, readable=False)
        bound = _bound(match)
        return _claim(key, value, approx=bound is not None, bound=bound, unit=unit, quote=quote)
    return None


def _joins_next(line: str, following: str) -> bool:
    """True when ``line`` is the first half of a sentence a converter broke in two."""
    line, following = line.strip(), following.strip()
    return (
        len(line) >= _MIN_BROKEN_LINE
        and line[-1] not in _SENTENCE_END + ":："
        and "\t" not in line + following
        and not _HEADING_START.match(line)
        and not _HEADING_START.match(following)
    )


def prose_text(lines: list[str]) -> str:
    """The report's lines with sentences that a converter broke across lines joined again."""
    out: list[str] = []
    content = [line for line in lines if line.strip()]
    for index, line in enumerate(content):
        nxt = content[index + 1] if index + 1 < len(content) else ""
        out.append(line.strip() + ("" if nxt and _joins_next(line, nxt) else "\n"))
    return "".join(out)


# --- year -----------------------------------------------------------------------------

_YEAR = r"((?:19|20)\d{2}|[〇零一二三四五六七八九]{4})"
_TITLE_YEAR = re.compile(_YEAR + r"\s*年度?\s*[^\n。,，]{0,20}?政府信息公开(?:工作)?(?:年度)?报告")
_PERIOD_YEAR = re.compile(r"自\s*" + _YEAR + r"\s*年\s*1\s*月\s*1\s*日")


def report_year(prose: str) -> int | None:
    """The year a report covers: from its title, else from its statistics period."""
    for pattern in (_TITLE_YEAR, _PERIOD_YEAR):
        match = pattern.search(prose)
        year = parse_number(match.group(1)) if match else None
        if year is not None:
            return year
    return None


# --- table claims ---------------------------------------------------------------------


def _row_claim(key: str, row: Row | None) -> dict | None:
    """A section 三 row's 总计 as a claim; unreadable when the row has no total."""
    if row is None:
        return None
    total = row.values[-1]
    return _claim(key, total, unit="件", quote=row.quote, readable=total is not None)


def _lawsuits(row: Row) -> int | None:
    """Lawsuits the table states: both lawsuit groups' 总计 added up.

    A group left blank entirely (复议后起诉 often is) states no lawsuit and adds
    nothing; a group with figures but a blank 总计 leaves the total unknown.
    """
    groups = [review_group(row, key) for key in LAWSUIT_GROUPS]
    stated = [cells for cells in groups if any(value is not None for value in cells)]
    if not stated or any(cells[-1] is None for cells in stated):
        return None
    return sum(cells[-1] for cells in stated)


def _review_claims(row: Row | None) -> list[dict]:
    """review_total, each lawsuit group's total and litigation_total from section 四."""
    if row is None:
        return []
    figures = {
        "review_total": review_group(row, "review")[-1],
        "litigation_direct_total": review_group(row, "direct_litigation")[-1],
        "litigation_after_review_total": review_group(row, "litigation_after_review")[-1],
        "litigation_total": _lawsuits(row),
    }
    return [_claim(key, value, unit="件", quote=row.quote, readable=value is not None) for key, value in figures.items()]


def extract_claims(text: str) -> dict:
    """The year, claims, table consistency results and findings of a report's text.

    ``text`` is what :func:`report_text` returns. Returns ``{"year", "claims",
    "consistency", "findings", "carried"}``: claims only for keys the report states, each
    ``{"key", "value", "approx", "bound", "unit", "quote", "readable"}``; consistency
    rules each ``{"rule", "figures", "passed", "detail"}`` with ``passed`` None when
    they cannot be checked (the table rules, then ``prose_table:<key>`` for each prose
    figure that restates a table figure); findings each ``{"kind", "key", "detail",
    "prose_quote", "table_quote"}`` for a prose figure that differs from the table
    (kind ``prose_table_mismatch``); ``carried`` the carried-over rows per applicant
    column (:func:`_carried_by_applicant`). Never raises.
    """
    lines = text.splitlines() if isinstance(text, str) else []
    prose = prose_text(lines)
    # to_halfwidth maps character for character, so offsets in both strings agree.
    folded = to_halfwidth(prose)
    claims = [claim for key in PROSE_KEYS if (claim := _prose_claim(key, prose, folded))]
    section3, section4 = sections(lines)
    table = applications_table(section3)
    review = review_row(section4)
    claims += [claim for key in MAIN_ROWS if (claim := _row_claim(key, table[key]))]
    claims += _review_claims(review)
    restated, findings = prose_table_rules(claims, table, review)
    return {
        "year": report_year(folded),
        "claims": claims,
        "consistency": table_rules(table, review) + restated,
        "findings": findings,
        "carried": _carried_by_applicant(table),
    }


def _carried_by_applicant(table: dict) -> dict:
    """二、上年结转 and 四、结转下年度继续办理 per applicant column, each ``{column: value}``
    with None for a blank or unplaced cell; ``{}`` for a row the report does not have."""
    return {key: dict(zip(APPLICANT_COLUMNS, row.values)) if (row := table[key]) else {}
            for key in ("applications_carried_over", "applications_carried_forward")}


def read_report(data: bytes, kind: str | None = None) -> dict:
    """:func:`extract_claims` of a report file's bytes, for commands that were given one.

    Raises :class:`UnreadableReport` when the file cannot be read, and when it holds no
    figure and no statistics table at all: that is no annual report, and empty claims
    would read as a report that claims nothing.
    """
    if not bytes(data).strip():
        raise UnreadableReport(_("the file is empty"))
    result = extract_claims(report_text(data, kind))
    if not result["claims"]:
        raise UnreadableReport(_("no figures and no statistics tables found in it (is it an annual report?)"))
    return result
