"""Turn one saved disclosure page into a flat record.

Portals built on different CMSs (VSB, Hanweb, TRS, home-grown) lay out the same
metadata in many ways, so every field is found by its *label* (索引号, 发布机构 …),
never by cell position. The module is pure: bytes in, dict out, no I/O, and it never
raises on bad input: problems become entries in the record's ``warnings``.

Speed matters (whole portals are re-parsed; ``bench/bench_parse.py`` measures it), so
the page is parsed once with lxml, one cheap Python pass over the elements notes the
few places that can hold labels, a title, the body or attachments, and every later
step looks only there. The tree is never copied or modified.
"""

import codecs
import functools
import re
import threading
from typing import NamedTuple
from urllib.parse import unquote

import charset_normalizer
from lxml import etree

from crawler import letterhead
from crawler.dates import parse_date, standalone_date
from crawler.urls import web_url

RECORD_KEYS = (
    "is_disclosure", "url", "title", "index_no", "doc_no", "publisher", "published_on",
    "created_on", "created_on_source", "expires_on", "category", "disclosure_method",
    "scope", "breadcrumb", "attachments", "body_text", "fields", "warnings",
)

# Record field -> the labels templates use for it, in order of preference. The
# generic labels at the end of a list (日期, 来源 …) stand on pages with no metadata
# grid; 来源 is the weakest: on a grid page it often names another office.
SYNONYMS = {
    "index_no": ("索引号",),
    "doc_no": ("文号", "发文字号", "发文文号"),
    "publisher": (
        "发布机构", "发文机关", "发文机构", "发布机关", "制发机关", "发文单位", "发布单位", "办文部门", "发布部门",
        "信息来源", "来源",
    ),
    "published_on": ("公开日期", "发布日期", "发布时间", "公开时间", "日期", "时间"),
    "created_on": ("成文日期", "生成日期", "发文日期", "成文时间", "形成日期", "印发日期"),
    "expires_on": ("失效日期",),
    "category": ("信息类别", "主题分类", "分类"),
    "disclosure_method": ("公开方式",),
    "scope": ("公开范围",),
    "title": ("标题", "名称", "公文名称", "文件名称"),
}
# Labels that name no record field but must still be recognised as labels, so that
# the cell after them is taken as their value and not as a value of the label before.
OTHER_LABELS = (
    "有效性", "依据", "记录形式", "载体类型", "存放位置", "公开程序",
    "主题词", "关键词", "体裁分类", "公开时限",
)
KNOWN_LABELS = frozenset(label for labels in SYNONYMS.values() for label in labels) | frozenset(OTHER_LABELS)
# Labels that are also the end of longer words (截止日期, 按文号, 开放时间): in running
# text they count only when no other Chinese character stands right before them.
GENERIC_LABELS = frozenset({"日期", "时间", "来源", "分类", "名称", "标题", "文号"})
# Labels only a disclosure metadata block carries: a page showing them (even blank)
# presents itself as a disclosure document. 来源, 日期, 标题 … stand on any news page.
DISCLOSURE_LABELS = frozenset({
    "索引号", "文号", "发文字号", "发文文号", "发布机构", "发文机关", "发文机构", "发布机关", "制发机关",
    "发文单位", "发布单位", "办文部门", "发布部门", "成文日期", "生成日期", "发文日期", "形成日期", "印发日期",
    "信息类别", "主题分类", "公开方式", "公开范围", "失效日期", "有效性",
})

# A label in free text may be padded with spaces (索 引 号) and must end in a colon.
_GAP = r"[\s\u3000\u00a0]*"


def _run_label_pattern(label: str) -> str:
    """The regex for one label in running text (see GENERIC_LABELS)."""
    spaced = _GAP.join(map(re.escape, label))
    return f"(?<![\u4e00-\u9fff]){spaced}" if label in GENERIC_LABELS else spaced


_RUN_LABEL_RE = re.compile(
    "(?P<label>"
    + "|".join(map(_run_label_pattern, sorted(KNOWN_LABELS, key=len, reverse=True)))
    + f"){_GAP}[:：]"
)
# Where a value in a run of text ends: at a further ``word：`` even if the word is not
# a known label (浏览次数：). The word may not start with a digit, so times survive.
_RUN_VALUE_END_RE = re.compile(r"\s[^\s:：\d][^\s:：]{0,7}[:：]")
# An Angular or Vue binding the server left for the browser to fill.
_PLACEHOLDER_RE = re.compile(r"\{\{.*?\}\}")
_INVISIBLE_RE = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
# A structural label not in KNOWN_LABELS is accepted only when it is this short and
# ends in a colon, so that a long value ending in a colon is not taken for a label.
_MAX_LABEL_CHARS = 8
# Longer text is never a label; checking this first keeps big cells cheap.
_MAX_LABEL_TEXT = 40

_CELL_TAGS = frozenset({"td", "th", "dt", "dd"})
_CONTROL_TAGS = frozenset({"input", "select", "textarea"})
_ROW_TAGS = frozenset({"tr", "dl"})
_LABEL_TAGS = frozenset({"span", "b", "strong", "label", "em", "font", "i"})
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "center", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "ol", "p", "pre", "section", "table", "tbody", "tfoot",
    "thead", "tr", "ul", "br", "html",
})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "nav", "iframe", "select", "template", "head", "title", "object"})
# Page furniture: its links are not attachments, its headings not the title, and its
# text not metadata (a footer's 发布日期 is the site's, not the document's).
_FURNITURE_TAGS = frozenset({"nav", "header", "footer"})
_FURNITURE_ATTR_RE = re.compile(r"(?:^|\s)(?:nav|menu|foot|header|copyright|daohang)", re.IGNORECASE)
# Tags whose whole subtree is furniture or invisible.
_UNSEEN_TAGS = _FURNITURE_TAGS | _SKIP_TAGS

_LABEL_FIRST_CHARS = frozenset(label[0] for label in KNOWN_LABELS)
_BODY_IDS = {"zoom": 0, "UCAP-CONTENT": 2}
_BODY_CLASSES = {"TRS_Editor": 1, "article_content": 3, "v_news_content": 5}
# A substring test that spares _container_rank the many class attributes naming none.
_BODY_CLASS_RE = re.compile("|".join(map(re.escape, _BODY_CLASSES)))
# 当前位置 and friends; a bare 位置 only with its colon and not ending a word (存放位置).
_BREADCRUMB_MARKER_RE = re.compile(
    r"(?:当前所在位置|您现在的位置|现在的位置|当前位置|所在位置|您的位置)\s*[:：]?|(?<![\u4e00-\u9fff])位置\s*[:：]"
)
_BREADCRUMB_SPLIT_RE = re.compile(r"\s*(?:>>|>|›|»|＞＞|＞|→)\s*")
# The crumb naming the page itself, not a column.
_BREADCRUMB_DROP = frozenset({"正文", "详情", "内容", "正文内容", "详细内容", "文章", "阅读", "查看"})
# id/class tokens of breadcrumb containers (breadcrumb, BreadcrumbNav, crumbs, dqwz,
# position, current-location …), checked token by token so position-relative is not one.
_CRUMB_TOKEN_RE = re.compile(
    r"(?i:.*crumb.*|dqwz.*|weizhi.*|curpos.*|mbx|wz"
    r"|(?:cur|current|page|site|my|lm|top)?[_-]?(?:position|location|place|path)(?:[_-]?(?:box|bar|nav|wrap|con|main|\d+))?)"
)
# A breadcrumb is a short trail of short names; anything longer is something else.
_MAX_CRUMBS = 10
_MAX_CRUMB_CHARS = 30
# Elements that hold one crumb of a trail rather than the trail.
_CRUMB_ITEM_TAGS = frozenset({"li", "span", "a", "b", "strong", "em", "i", "font", "label"})
_TITLE_SPLIT_RE = re.compile(r"\s*[-_|—–]+\s*")
_ATTACHMENT_RE = re.compile(
    r"(\.(pdf|docx?|xlsx?|wps|ofd|zip|rar)|(^|/)(download|downfile)\.jsp)$", re.IGNORECASE
)
# Marks block boundaries while lxml serialises text: a Unicode noncharacter, which
# real pages do not use (one that did would only gain a line break).
_BREAK = "\ufdd0"
# Separates table cells, which become tab-separated on their row's line so tables in a
# body (an annual report's statistics) keep their rows.
_CELL = "\ufdd1"
_CELL_END_TAGS = frozenset({"td", "th"})
# The longest table cell (non-space characters) kept on one line; see _one_line_cell.
_MAX_CELL_LINE = 200

_META_CHARSET_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb-2312", "gb_2312", "gb_2312-80", "gb2312-80", "x-gbk", "cp936", "csgb2312", "euc-cn", "936"})
# How far into the page a <meta charset> may appear; the HTML standard says 1024 bytes,
# real portals put long comments first.
_SNIFF_BYTES = 4096
# How many lines from the end of the body a signature date may stand on.
_SIGNATURE_LINES = 5
# A metadata block with this many disclosure labels, even all blank, is one.
_MIN_BLANK_GRID_LABELS = 2
# 页面生成时间 2025-03-27 09:36:38, in a meta tag or a comment.
_GENERATED_RE = re.compile(r"页面生成时间\s*[:：]?\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)")
# Per-thread state: the reusable HTML parser (see _parser).
_THREAD = threading.local()


def is_attachment_url(url: str) -> bool:
    """True for a link to a document file or a CMS download endpoint (not a page to crawl)."""
    return bool(_ATTACHMENT_RE.search(url.split("#", 1)[0].split("?", 1)[0].strip()))


def _empty_record(url: str | None) -> dict:
    """A record with every key present and nothing found."""
    record = dict.fromkeys(RECORD_KEYS)
    record.update(is_disclosure=False, url=url, breadcrumb=[], attachments=[], fields={}, warnings=[])
    return record


# --- text helpers -------------------------------------------------------------------


def normalize_label(text: str) -> str:
    """A label with every kind of whitespace and a trailing colon removed: ``索 引 号：`` -> ``索引号``."""
    return _INVISIBLE_RE.sub("", text).rstrip(":：")


def _collapse(text: str) -> str:
    """Text on one line with whitespace runs made single spaces."""
    return " ".join(text.split())


def _text_of(element) -> str:
    """All text below ``element``, without its tail (lxml's C serialiser does the walk)."""
    if not len(element):
        return element.text or ""  # most cells: no need to start the serialiser
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def _label_of(text: str) -> str | None:
    """The normalised label when ``text`` reads as a label, else None.

    Known labels count with or without a colon; an unknown one only if it is short and
    ends in a colon, because a value cell never ends that way.
    """
    if len(text) > _MAX_LABEL_TEXT:
        return None
    return _short_label(text)


@functools.lru_cache(maxsize=4096)
def _short_label(text: str) -> str | None:
    """``_label_of`` for short text, remembered: the same label cells recur on every page."""
    label = normalize_label(text)
    if label in KNOWN_LABELS:
        return label
    colon = text.strip()[-1:] in (":", "：")
    if colon and label and len(label) <= _MAX_LABEL_CHARS and not any(ch.isdigit() for ch in label):
        return label
    return None


def _one_line_cell(element) -> bool:
    """True for a table cell whose text stays on its row's line despite ``<br>`` or blocks inside.

    A statistics table writes long row labels over several ``<br>`` lines; they are one
    cell and the row must stay one line. Layout tables that hold a whole article in a
    cell do not count: their text is long or holds a table of its own.
    """
    if not len(element) or element.find(".//table") is not None:
        return False
    return len("".join(_text_of(element).split())) <= _MAX_CELL_LINE


def _lines(root, skip: frozenset = frozenset()) -> list[str]:
    """The visible text under ``root`` as collapsed non-empty lines: the project's one HTML-to-lines walk.

    Block elements and ``<br>`` start new lines, except inside a short table cell (see
    :func:`_one_line_cell`); table cells end in a tab, so a table row is one line of
    tab-separated cells; scripts, styles, navigation and the elements in ``skip`` are
    left out (their tails stay). lxml's iterative walker does the traversal, so the tree
    is neither copied nor changed and nesting deeper than Python's recursion limit is fine.
    """
    parts = [_BREAK] if root.tag in _BLOCK_TAGS else []
    if root.text:
        parts.append(root.text)
    walker = etree.iterwalk(root, events=("start", "end"))
    next(walker)  # the root's own start, handled above
    skipped = None  # the element whose subtree was just skipped: its end adds only its tail
    one_line = None  # the table cell inside which blocks do not break lines
    for event, element in walker:
        if element is root:
            break  # the root's end: its tail is not its text
        tag = element.tag
        if event == "start":
            if tag in _SKIP_TAGS or element in skip:
                walker.skip_subtree()
                skipped = element
                continue
            if one_line is None and tag in _CELL_END_TAGS and _one_line_cell(element):
                one_line = element
            elif tag in _BLOCK_TAGS and one_line is None:
                parts.append(_BREAK)
            if element.text:
                parts.append(element.text)
            continue
        if element is not skipped:
            if element is one_line:
                one_line = None
                parts.append(_CELL)
            elif tag in _BLOCK_TAGS and one_line is None:
                parts.append(_BREAK)
            elif tag in _CELL_END_TAGS:
                parts.append(_CELL)
        if element.tail:
            parts.append(element.tail)
    # Source line breaks are plain whitespace in HTML; only markup breaks lines.
    text = "".join(parts)
    segments = text.split(_BREAK)
    if _CELL not in text:  # no table cells: each line is one collapsed run of text
        return [line for line in map(_collapse, segments) if line]
    lines = (_row_line(segment) for segment in segments)
    return [line for line in lines if line.strip("\t")]


def _row_line(segment: str) -> str:
    """One line of cells joined by tabs; blank cells stay, even at the end, since a
    statistics row's figures are placed by position (a blank last cell is a blank 总计)."""
    cells = segment.split(_CELL)
    if len(cells) > 1 and not cells[-1].strip():
        cells.pop()  # what follows the last cell's end: the row's own whitespace
    return "\t".join(map(_collapse, cells))


def _ancestor(element, tags: frozenset, limit: int):
    """The nearest of ``element`` and its ``limit`` ancestors whose tag is in ``tags``."""
    for _ in range(limit + 1):
        if element is None or element.tag in tags:
            return element
        element = element.getparent()
    return None


# --- decoding ------------------------------------------------------------------------


def _codec(name: str | bytes | None) -> str | None:
    """A Python codec name for a declared charset (GB family -> gb18030), None if unknown."""
    if isinstance(name, bytes):
        name = name.decode("ascii", "ignore")
    if not isinstance(name, str):
        return None
    name = name.strip().strip("\"'").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        "".encode(name)  # rejects bytes-to-bytes codecs even on empty input, unlike decode
        canonical = codecs.lookup(name).name
    except (LookupError, TypeError, ValueError):
        return None  # unknown, or a bytes-to-bytes codec such as base64
    return "gb18030" if canonical in _GB_FAMILY else canonical


def _meta_charset(body: bytes) -> str | None:
    """The charset a ``<meta>`` tag declares near the top of the page."""
    match = _META_CHARSET_RE.search(body[:_SNIFF_BYTES])
    codec = _codec(match.group(1)) if match else None
    # The HTML standard: a page cannot declare itself UTF-16 from inside ASCII markup.
    return "utf-8" if codec and codec.startswith(("utf-16", "utf-32", "utf_16", "utf_32")) else codec


def _garbled(text: str) -> bool:
    """True when decoding clearly used the wrong charset (many replacement characters)."""
    bad = text.count("\ufffd")
    return bad > max(3, len(text) // 200)


def _detect(body: bytes) -> str:
    """Guess the charset of an undeclared page: UTF-8 when valid, else charset-normalizer."""
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body).best()
    return (_codec(best.encoding) if best is not None else None) or "utf-8"


def _declared(body: bytes, charset: str | None):
    """The distinct charsets the page declares as (source, codec): the header's, then the meta tag's.

    A generator, so that the page is searched for a meta tag only when the header
    names no charset or its charset garbles the page.
    """
    header = _codec(charset)
    if header:
        yield "header", header
    meta = _meta_charset(body)
    if meta and meta != header:
        yield "meta", meta


def _decode(body: bytes, charset: str | None) -> tuple[str, str, list[str]]:
    """Decode ``body``: (text, encoding, warnings). Header charset first, then meta, then detection."""
    declared: list[tuple[str, str]] = []
    for source, codec in _declared(body, charset):
        declared.append((source, codec))
        text = body.decode(codec, "replace")
        if not _garbled(text):
            warnings = []
            if len(declared) > 1:
                first_source, first_codec = declared[0]
                warnings.append(f"{first_source} charset {first_codec} garbles the page; decoded as {codec} from {source}")
            return text, codec, warnings
    detected = _detect(body)
    text = body.decode(detected, "replace")
    if not declared:
        return text, detected, []
    if not _garbled(text):
        return text, detected, [f"declared charset {declared[0][1]} garbles the page; detected {detected}"]
    codec = declared[0][1]
    return body.decode(codec, "replace"), codec, [f"page does not decode cleanly as {codec}"]


def decode_body(body: bytes, charset: str | None = None) -> tuple[str, str]:
    """Decode page bytes to text: (text, encoding used). Never raises; bad bytes are replaced."""
    if not isinstance(body, (bytes, bytearray)):
        return "", "utf-8"
    text, encoding, _ = _decode(bytes(body), charset)
    return text, encoding


def _parser() -> etree.HTMLParser:
    """This thread's HTML parser.

    Building a parser costs about a third of parsing a small page, so each thread keeps
    one (lxml parsers must not be shared between threads). A plain etree parser (not
    lxml.html's) skips a Python class lookup per element. It never touches the network
    and has no external entities to resolve.
    """
    parser = getattr(_THREAD, "parser", None)
    if parser is None:
        parser = _THREAD.parser = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, recover=True,
            huge_tree=True,  # else content nested past 256 levels is silently dropped
        )
    return parser


def _parse_tree(text: str):
    """One lxml parse of the decoded page; None when there is no document at all."""
    # Re-encoding lets lxml ignore the page's own (possibly wrong) charset declaration.
    return etree.fromstring(text.encode("utf-8", "replace"), _parser())


def document_lines(text: str) -> list[str]:
    """A whole HTML document as :func:`_lines` gives it, its ``<title>`` first; [] when there is none.

    For reading a page as text elsewhere (an annual report saved as HTML), so a report
    read from a file and the same report crawled give the same lines.
    """
    try:
        root = _parse_tree(text)
    except (etree.ParserError, ValueError):
        return []
    if root is None:
        return []
    title = root.find(".//title")
    heading = [_collapse(_text_of(title))] if title is not None and _collapse(_text_of(title)) else []
    return heading + _lines(root)


# --- metadata ------------------------------------------------------------------------


def _add_field(fields: dict, label: str, value: str) -> None:
    """Record a label's value (None when blank); the first non-blank occurrence on the page wins.

    A template placeholder (``{{data.docSource}}``) left unfilled in a page's raw HTML is blank.
    """
    if fields.get(label) is None:
        value = _collapse(value)
        fields[label] = None if not value or _PLACEHOLDER_RE.search(value) else value


def _cell_pairs(cells: list) -> list[tuple[str, str]]:
    """Label/value pairs from a row of cells.

    A label followed by another label has an empty value (the leda grid:
    ``信息类别 | 公开范围 | 全社会``).
    """
    texts = [_text_of(cell) for cell in cells]
    labels = [_label_of(text) for text in texts]
    pairs = []
    index = 0
    while index < len(cells):
        label = labels[index]
        if label is None:
            index += 1
            continue
        has_value = index + 1 < len(cells) and labels[index + 1] is None
        pairs.append((label, texts[index + 1] if has_value else ""))
        index += 2 if has_value else 1
    return pairs


def _metadata_groups(pairs_by_group: dict) -> dict:
    """The groups holding a known label: there, unknown colon labels are metadata too."""
    return {
        group: pairs
        for group, pairs in pairs_by_group.items()
        if any(label in KNOWN_LABELS for label, _ in pairs)
    }


def _table_fields(rows: list, fields: dict) -> list:
    """Fill ``fields`` from label/value cells; return the tables (or lists) holding metadata."""
    pairs_by_group: dict = {}
    for row in rows:
        pairs = _cell_pairs([child for child in row if child.tag in _CELL_TAGS])
        if pairs:
            # Rows of one table share a parent (<table> or <tbody>); a <dl> is its own group.
            group = row.getparent() if row.tag == "tr" and row.getparent() is not None else row
            pairs_by_group.setdefault(group, []).extend(pairs)
    tables = []
    for group, pairs in _metadata_groups(pairs_by_group).items():
        for label, value in pairs:
            _add_field(fields, label, value)
        table = group.getparent() if group.tag in ("tbody", "thead", "tfoot") else group
        tables.append(table if table is not None else group)
    return tables


def _label_element(element):
    """The outermost of nested label elements (``<span><b>发布机构：</b></span>``) with one label."""
    label = _label_of(_text_of(element))
    parent = element.getparent()
    while parent is not None and parent.tag in _LABEL_TAGS and _label_of(_text_of(parent)) == label:
        element, parent = parent, parent.getparent()
    return element, label


def _value_after(element) -> str:
    """The text following a label element inside its parent, up to the next label element."""
    parts = [element.tail or ""]
    for sibling in element.itersiblings():
        if sibling.tag in _LABEL_TAGS and _label_of(_text_of(sibling)):
            break
        parts.append(_text_of(sibling) if isinstance(sibling.tag, str) else "")
        parts.append(sibling.tail or "")
    return "".join(parts)


def _inline_fields(elements: list, fields: dict) -> None:
    """Fill ``fields`` from ``<li><span>发布机构：</span>市政府办</li>``-style label elements."""
    pairs_by_group: dict = {}
    for element in elements:
        element, label = _label_element(element)
        parent = element.getparent()
        if label is None or parent is None:
            continue
        if parent.tag in _CELL_TAGS and normalize_label(_text_of(parent)) == label:
            continue  # the label fills its cell: a cell layout, read by _table_fields
        group = parent.getparent() if parent.getparent() is not None else parent
        pairs_by_group.setdefault(group, []).append((label, _value_after(element)))
    for pairs in _metadata_groups(pairs_by_group).values():
        for label, value in pairs:
            _add_field(fields, label, value)


def _run_fields(lines: list[str], fields: dict) -> None:
    """Fill ``fields`` from runs of text such as ``索引号：xxx  发布日期：2021-03-05``."""
    for line in lines:
        if _is_prose(line):
            continue
        matches = list(_RUN_LABEL_RE.finditer(line))
        for match, following in zip(matches, matches[1:] + [None]):
            end = following.start() if following is not None else len(line)
            value = _RUN_VALUE_END_RE.split(line[match.end():end], 1)[0]
            _add_field(fields, normalize_label(match.group("label")), value)


def _is_prose(line: str) -> bool:
    """True for a sentence of running text (a guide page's 索引号由……组成。), not a metadata run."""
    return len(line) > _MAX_LABEL_TEXT and any(mark in line for mark in "。；")


class _Sites(NamedTuple):
    """What one pass over the tree found, each list in page order."""

    labels: list  # (element owning the text, the text, is-a-tail) for text that may hold a label
    containers: list  # (rank, element) known article containers
    headings: list  # h1, h2 and class="title" elements
    links: list  # <a> elements whose href looks like a document
    crumbs: list  # elements whose id or class names a breadcrumb
    controls: list  # form controls (input, select, textarea): labels beside them are a search form's
    furniture: set  # every element in or below navigation, headers, footers, menus, scripts ...
    # Every element. lxml makes a Python object for an element each time Python code
    # reaches one nobody holds; holding them all lets later passes reuse them.
    elements: list


def _container_rank(element) -> int | None:
    """The priority of a known article container (lower is better), None if it is not one."""
    ranks = [_BODY_IDS.get(element.get("id"))]
    for name in (element.get("class") or "").split():
        rank = _BODY_CLASSES.get(name)
        if rank == _BODY_CLASSES["v_news_content"] and any(a.get("id") == "vsb_content" for a in element.iterancestors()):
            rank -= 1  # VSB's own nesting is the surer sign
        ranks.append(rank)
    return min((rank for rank in ranks if rank is not None), default=None)


class _Hints(NamedTuple):
    """What an element's id and class attributes say about it."""

    container: bool  # may be a known article container (_container_rank decides)
    furniture: bool  # navigation, header, footer, menu ...
    title: bool  # has class="title"
    crumb: bool  # names a breadcrumb container


@functools.lru_cache(maxsize=4096)
def _attribute_hints(element_id: str | None, classes: str | None) -> _Hints:
    """The hints for one id/class pair, remembered: templates repeat the same few on every page."""
    return _Hints(
        container=bool(classes and _BODY_CLASS_RE.search(classes)) or element_id in _BODY_IDS,
        furniture=bool(_FURNITURE_ATTR_RE.search(f"{element_id or ''} {classes or ''}")),
        title=bool(classes) and "title" in classes.split(),
        crumb=any(map(_CRUMB_TOKEN_RE.fullmatch, f"{element_id or ''} {classes or ''}".split())),
    )


@functools.lru_cache(maxsize=4096)
def _is_attachment_href(href: str) -> bool:
    """``is_attachment_url`` remembered: most links (navigation, columns) recur on every page."""
    return is_attachment_url(href)


def _scan(root) -> _Sites:
    """One pass over every element, noting the few places later steps need to look at.

    This loop runs for every element of every page, so text gets only cheap inline
    tests (substring checks, no function calls) and attributes are judged once per
    distinct value. A single Python loop is several times faster here than one XPath
    per question, whose string tests copy every text node.
    """
    sites = _Sites([], [], [], [], [], [], set(), list(root.iter()))
    furniture_roots = []
    labels, first_chars = sites.labels, _LABEL_FIRST_CHARS
    for element in sites.elements:
        # Text that may hold a label or a breadcrumb marker (all markers contain 位置).
        # Whitespace between tags is most of the text; isspace() drops it first.
        text = element.text
        if text and not text.isspace() and (
            ":" in text or "：" in text or "位置" in text
            or (len(text) < _MAX_LABEL_TEXT and text.lstrip()[:1] in first_chars)
        ):
            labels.append((element, text, False))
        tail = element.tail
        if tail and not tail.isspace() and (
            ":" in tail or "：" in tail or "位置" in tail
            or (len(tail) < _MAX_LABEL_TEXT and tail.lstrip()[:1] in first_chars)
        ):
            labels.append((element.getparent(), tail, True))
        tag, element_id, classes = element.tag, element.get("id"), element.get("class")
        if element_id or classes:
            container, furniture, title, crumb = _attribute_hints(element_id, classes)
            if container:
                rank = _container_rank(element)
                if rank is not None:
                    sites.containers.append((rank, element))
            if crumb:
                sites.crumbs.append(element)
        else:
            furniture = title = False
        if furniture or tag in _UNSEEN_TAGS:
            furniture_roots.append(element)
        if title or tag == "h1" or tag == "h2":
            sites.headings.append(element)
        elif tag == "a" and _is_attachment_href(element.get("href") or ""):
            sites.links.append(element)
        elif tag in _CONTROL_TAGS:
            sites.controls.append(element)
    for element in furniture_roots:
        if element not in sites.furniture:  # else already added with an ancestor
            sites.furniture.update(element.iter())
    return sites


def _form_neighbourhoods(controls: list) -> set:
    """The rows and blocks holding a form control: a label there (按文号：) asks, it does not state."""
    around = set()
    for control in controls:
        parent = control.getparent()
        around.update(element for element in (_ancestor(control, _ROW_TAGS, 6), parent) if element is not None)
        # A search box often wraps its control in a div or two inside the labelled cell.
        cell = _ancestor(control, _CELL_TAGS, 4)
        if cell is not None and cell.getparent() is not None:
            around.add(cell.getparent())
    return around


def _label_sites(sites: _Sites, container) -> tuple[list, list, list]:
    """Where labels may be: (table rows, label elements, text blocks), deduplicated in page order.

    Text in the article body or in page furniture is left out.
    """
    rows, inline, blocks = {}, {}, {}
    # Set lookups: the ancestor walks they replace were most of the metadata step's time.
    excluded = sites.furniture.union(container.iter()) if container is not None else sites.furniture
    form_rows = _form_neighbourhoods(sites.controls)
    for owner, text, is_tail in sites.labels:
        if owner is None or owner in excluded or owner in form_rows or owner.getparent() in form_rows:
            continue
        row = _ancestor(owner, _ROW_TAGS, 4)
        if row is not None and row in form_rows:
            continue
        if row is not None:
            rows[row] = True
        if not is_tail and owner.tag in _LABEL_TAGS:
            inline[owner] = True
        if ":" in text or "：" in text:
            block = _ancestor(owner, _BLOCK_TAGS, 64)
            blocks[block if block is not None else owner] = True
    return list(rows), list(inline), list(blocks)


def _metadata(sites: _Sites, container) -> tuple[dict, list]:
    """Every label -> value on the page outside the body, and the metadata tables."""
    rows, inline, blocks = _label_sites(sites, container)
    fields: dict = {}
    tables = _table_fields(rows, fields)
    _inline_fields(inline, fields)
    skip = frozenset(tables + ([container] if container is not None else []))
    for block in blocks:
        _run_fields(_lines(block, skip), fields)
    return fields, tables


def _meta_tags(root) -> dict:
    """``<meta name=... content=...>`` pairs keyed by lower-cased name."""
    metas = {}
    for meta in root.iter("meta"):
        name, content = meta.get("name"), meta.get("content")
        if name and content is not None and not _PLACEHOLDER_RE.search(content):
            metas.setdefault(name.strip().lower(), _collapse(content))
    return metas


# --- page parts ----------------------------------------------------------------------


def _body_container(sites: _Sites):
    """The best-ranked known article container that holds text, or None."""
    ranked = [(rank, order, element) for order, (rank, element) in enumerate(sites.containers) if _collapse(_text_of(element))]
    return min(ranked, key=lambda item: item[:2])[2] if ranked else None


def _largest_block(root, skip: frozenset, furniture: set):
    """The element holding the most paragraph text, for pages without a known container."""
    scores: dict = {}
    for element in root.iter("p", "br", "div", "td", "article", "section", "main"):
        parent = element.getparent()
        if element in skip or parent is None:
            continue
        if element.tag == "p":
            # A paragraph's text counts for the block around it.
            scores[parent] = scores.get(parent, 0) + len(_text_of(element).strip())
        elif element.tag == "br":
            # Text split by <br> lines also counts for the block around it.
            scores[parent] = scores.get(parent, 0) + len((element.tail or "").strip())
        else:
            scores[element] = scores.get(element, 0) + len((element.text or "").strip())
    candidates = [(score, element) for element, score in scores.items() if score and element not in furniture]
    if not candidates:
        body = root.find("body")
        return body if body is not None else root
    return max(candidates, key=lambda pair: pair[0])[1]


def _crumbs(element) -> list[str] | None:
    """The trail an element shows, every crumb including 首页; None when it is not a trail.

    Crumbs are the parts of the line split at ``>``, ``»``, ``›`` …, or the lines of a
    list of links; when arrows are images the links' texts are the crumbs. The marker
    (当前位置：) and a last crumb naming the page itself (正文) are dropped.
    """
    lines = [_BREADCRUMB_MARKER_RE.sub(" ", line) for line in _lines(element, frozenset(element.iter("table")))]
    split = [[part for part in (p.strip(" :：") for p in _BREADCRUMB_SPLIT_RE.split(line)) if part] for line in lines]
    # A line with separators is the whole trail (an unclosed tag may drag the page in
    # after it); without separators each line is one crumb (a <ul> of links).
    pieces = next((parts for parts in split if len(parts) >= 2), None)
    if pieces is None:
        pieces = [parts[0] for parts in split if parts]
    if len(pieces) < 2:
        links = [text for text in (_collapse(_text_of(link)) for link in element.iter("a")) if text]
        pieces = links if len(links) >= 2 else pieces
    while pieces and pieces[-1] in _BREADCRUMB_DROP:
        pieces.pop()
    if not pieces or len(pieces) > _MAX_CRUMBS:
        return None
    if any(len(piece) > _MAX_CRUMB_CHARS or "{{" in piece for piece in pieces):
        return None  # prose, a menu, or an unfilled template
    return pieces


def _in_script(element) -> bool:
    """True inside a script, style or template: a trail in a script's JSON is no trail."""
    return element.tag in _SKIP_TAGS or any(a.tag in _SKIP_TAGS for a in element.iterancestors())


def _breadcrumb(sites: _Sites, container) -> list[str]:
    """The page's trail of columns (see :func:`_crumbs`); [] when it shows none.

    First the text marked 当前位置 (climbing from the marker to the element holding the
    trail), then elements whose class names a breadcrumb; never text in the body.
    """
    body = set(container.iter()) if container is not None else set()
    marked = [
        owner for owner, text, _ in sites.labels
        if owner is not None and owner not in body and _BREADCRUMB_MARKER_RE.search(text)
    ]
    for element in marked:
        if _in_script(element):
            continue
        # The marker may sit in its own <span> or in the first <li> of the trail; climb
        # until the trail itself is included, and past an item to the list holding it.
        best = None
        for _ in range(4):
            if element is None or element.tag in ("html", "body", "head", "title"):
                break
            found = _crumbs(element)
            if found and (best is None or len(found) > len(best)):
                best = found
            if best and element.tag not in _CRUMB_ITEM_TAGS:
                break
            element = element.getparent()
        if best:
            return best
    for element in sites.crumbs:
        found = None if element in body or _in_script(element) else _crumbs(element)
        if found and len(found) >= 2:
            return found
    return []


def _title(root, sites: _Sites, fields: dict, metas: dict, body_lines: list[str]) -> str | None:
    """The article title: 标题 field, ArticleTitle meta, a heading or <title>, else the printed title.

    A gazette's or single-page site's ``<title>`` names the site, and its heading, if
    any, the gazette: then the title printed at the head of the body is the document's.
    """
    labelled = _field_value(fields, "title") or metas.get("articletitle")
    if labelled:
        return labelled
    shown = _shown_title(root, sites)
    if shown is None or letterhead.names_a_site(shown):
        return letterhead.printed_title(body_lines) or shown
    return shown


def _shown_title(root, sites: _Sites) -> str | None:
    """The title a heading or the ``<title>`` shows (without the site's name)."""
    title_element = root.find(".//title")
    page_title = _collapse(_text_of(title_element)) if title_element is not None else ""
    headings = [_collapse(_text_of(h)) for h in sites.headings if h not in sites.furniture]
    headings = [h for h in headings if h and not _PLACEHOLDER_RE.search(h)]
    # A heading repeated in <title> is the article's, not the site banner's.
    for heading in headings:
        if page_title and heading in page_title:
            return heading
    if headings:
        return headings[0]
    if page_title:
        return max(_TITLE_SPLIT_RE.split(page_title), key=len)
    return None


def _attachments(sites: _Sites, url: str | None) -> list[dict]:
    """Links to documents (by extension or CMS download endpoint), absolute http(s) and deduplicated."""
    names: dict[str, str] = {}
    named: set[str] = set()
    for link in sites.links:
        # Only web links: a javascript: or data: "attachment" would run when clicked.
        absolute = None if link in sites.furniture else web_url(link.get("href"), url)
        if absolute is None:
            continue
        path = absolute.split("#", 1)[0].split("?", 1)[0]
        # Only the first line: an unclosed <a> can swallow the rest of the page.
        text_name = next(iter(_lines(link)), "")
        if absolute not in names or (text_name and absolute not in named):
            # An icon link often precedes the link that carries the file's name.
            names[absolute] = text_name or _collapse(link.get("title") or "") or unquote(path.rsplit("/", 1)[-1])
        if text_name:
            named.add(absolute)
    return [{"name": name, "url": link_url} for link_url, name in names.items()]


# --- record --------------------------------------------------------------------------


def _field_value(fields: dict, key: str) -> str | None:
    """The first non-blank synonym's value; None when the page shows none."""
    return next((fields[label] for label in SYNONYMS[key] if fields.get(label)), None)


def _date_field(record: dict, key: str, value: str | None) -> str | None:
    """Parse a date value, logging a warning on the record for bad ones."""
    iso, warning = parse_date(value)
    if warning:
        record["warnings"].append(f"{key}: {warning}")
    return iso


def _published_on(record: dict, fields: dict, metas: dict, page_text: str) -> str | None:
    """The publication date: the labelled one, a gazette's issue date, else the PubDate meta tag.

    PubDate is dropped when it is the time the page was generated (some CMSs write
    the generation time there and in a 页面生成时间 note), not the publication date.
    """
    labelled = _date_field(record, "published_on", _field_value(fields, "published_on"))
    if labelled:
        return labelled
    issued = letterhead.issue_date_text(page_text)
    if issued:
        return _date_field(record, "published_on", issued)
    pubdate = metas.get("pubdate")
    if pubdate and _is_generation_time(pubdate, page_text):
        record["warnings"].append(f"published_on: PubDate {pubdate} is the page generation time, not used")
        return None
    return _date_field(record, "published_on", pubdate)


def _is_generation_time(stamp: str, page_text: str) -> bool:
    """True when ``stamp`` is the page-generation time the page states (页面生成时间)."""
    generated = _GENERATED_RE.search(page_text)
    if generated is None:
        return False
    digits, generated_digits = re.sub(r"\D", "", stamp), re.sub(r"\D", "", generated.group(1))
    # A date alone that is the generation day cannot be told from it either.
    return bool(digits) and generated_digits.startswith(digits)


def _shows_label(fields: dict, key: str) -> bool:
    """True when the page shows a label for ``key``, even with a blank value."""
    return any(label in fields for label in SYNONYMS[key])


def _fill_metadata(record: dict, fields: dict, metas: dict, body_lines: list[str], page_text: str) -> None:
    """Map labelled fields onto the record's named fields, with the fallbacks below.

    A blank labelled value is null: the page states none. Only where the page shows
    no label at all do the meta tags (ContentSource) and the document's own printed
    form (文号 under the title, the signing body above the date) fill in.
    """
    for key in ("index_no", "doc_no", "category", "disclosure_method", "scope"):
        record[key] = _field_value(fields, key)
    record["published_on"] = _published_on(record, fields, metas, page_text)
    record["expires_on"] = _date_field(record, "expires_on", _field_value(fields, "expires_on"))
    signature = letterhead.signature_line(body_lines, _SIGNATURE_LINES)
    signer, signed_no = letterhead.signature_block(body_lines, signature) if signature is not None else (None, None)
    record["publisher"] = _field_value(fields, "publisher")
    if not _shows_label(fields, "publisher"):
        record["publisher"] = metas.get("contentsource") or signer or letterhead.title_issuer(record["title"])
    if not _shows_label(fields, "doc_no"):
        head = letterhead.head_doc_no(body_lines)
        record["doc_no"] = head[1] if head else signed_no
    created = _date_field(record, "created_on", _field_value(fields, "created_on"))
    source = "metadata" if created else None
    if created is None and signature is not None:
        created, source = standalone_date(body_lines[signature]), "body"
    record["created_on"], record["created_on_source"] = created, source
    record["is_disclosure"] = _is_disclosure(record, fields)


def _is_disclosure(record: dict, fields: dict) -> bool:
    """Whether the page presents itself as a disclosure document.

    An index number, or a disclosure-grid publisher and a date, make one; so does a
    disclosure metadata block shown with blank values (labels only such blocks carry)
    on a page with a title and a date, and a document printed with its 文号. Meta tags
    alone, or a news page's 来源 and 日期, do not.
    """
    if record["index_no"]:
        return True
    dated = bool(record["title"] and record["published_on"])
    grid_publisher = any(fields.get(label) for label in SYNONYMS["publisher"] if label in DISCLOSURE_LABELS)
    if grid_publisher and record["published_on"]:
        return True
    shown = sum(1 for label in fields if label in DISCLOSURE_LABELS)
    return dated and (shown >= _MIN_BLANK_GRID_LABELS or bool(record["doc_no"]))


def _build(record: dict, root, url: str | None, page_text: str) -> None:
    """Fill ``record`` from the parsed tree ``root``."""
    sites = _scan(root)
    metas = _meta_tags(root)
    known = _body_container(sites)
    fields, tables = _metadata(sites, known)
    container = known if known is not None else _largest_block(root, frozenset(tables), sites.furniture)
    body_lines = _lines(container, frozenset(tables))
    record["fields"] = fields
    record["body_text"] = "\n".join(body_lines)
    record["title"] = _title(root, sites, fields, metas, body_lines)
    # Only a known article container rules text out of the trail: on a short page the
    # largest block can be the breadcrumb itself.
    record["breadcrumb"] = _breadcrumb(sites, known) or ([metas["columnname"]] if metas.get("columnname") else [])
    record["attachments"] = _attachments(sites, url)
    _fill_metadata(record, fields, metas, body_lines, page_text)


def parse_page(body: bytes, url: str | None = None, charset: str | None = None) -> dict:
    """Parse one page into a record with exactly ``RECORD_KEYS``; never raises.

    ``charset`` is the HTTP header's; a page that cannot be parsed at all gives an
    empty record whose ``warnings`` say why.
    """
    record = _empty_record(url if isinstance(url, str) else None)
    if not isinstance(body, (bytes, bytearray)) or not body:
        record["warnings"].append("empty page")
        return record
    try:
        text, _, decode_warnings = _decode(bytes(body), charset)
        record["warnings"].extend(decode_warnings)
        root = _parse_tree(text)
        if root is None:
            record["warnings"].append("no HTML document in page")
            return record
        if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in _parser().error_log):
            # libxml2 stops at 2048 levels even with huge_tree; say so rather than lose text quietly.
            record["warnings"].append("page nested too deeply: content past 2048 levels was dropped")
        _build(record, root, record["url"], text)
    except Exception as error:  # noqa: BLE001 - the crawl must survive any page
        # A record with what was found so far beats losing the page.
        record["warnings"].append(f"parse failed: {type(error).__name__}: {error}")
    return record
