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

import functools
import re
from typing import NamedTuple
from urllib.parse import unquote


from crawler.text import letterhead
from crawler.text.dates import parse_date, standalone_date
from crawler.text.decoding import decode
from crawler.text.html import (
    BLOCK_TAGS, SKIP_TAGS, collapse, html_lines, html_parser, parse_tree, text_of,
)
from crawler.text.urls import web_url

# Which parser produced a record; storage.documents keeps it with every version. Bump it
# with any change to parse_page that alters the records of pages already stored: a
# re-crawl then records those differences as the parser's (a version with reason
# "parser"), not as the portal editing its pages (a "changed" event). 1 is the parser of
# govwatch 0.1.0 as first released (what databases from before schema 8 hold); 2 reads
# real portals' breadcrumbs, blank values as null, gazette letterheads (issue 9).
PARSER_VERSION = 2

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


_RUN_LABELS = "|".join(map(_run_label_pattern, sorted(KNOWN_LABELS, key=len, reverse=True)))
# ``发布机构：`` or, as some portals write it, ``[发布机构]`` / ``【发布机构】`` with or without a colon.
_RUN_LABEL_RE = re.compile(
    f"(?:[\\[【［]{_GAP}(?P<bracketed>{_RUN_LABELS}){_GAP}[\\]】］]{_GAP}[:：]?|(?P<label>{_RUN_LABELS}){_GAP}[:：])"
)
# Where a value in a run of text ends: at a further ``word：`` even if the word is not
# a known label (浏览次数：). The word may not start with a digit, so times survive.
_RUN_VALUE_END_RE = re.compile(r"\s[^\s:：\d][^\s:：]{0,7}[:：]")
# An Angular or Vue binding the server left for the browser to fill.
_PLACEHOLDER_RE = re.compile(r"\{\{.*?\}\}")
_INVISIBLE_RE = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
_BRACKETED_RE = re.compile(r"^[\[【［](.+)[\]】］]$")
# A structural label not in KNOWN_LABELS is accepted only when it is this short and
# ends in a colon, so that a long value ending in a colon is not taken for a label.
_MAX_LABEL_CHARS = 8
# Longer text is never a label; checking this first keeps big cells cheap.
_MAX_LABEL_TEXT = 40

_CELL_TAGS = frozenset({"td", "th", "dt", "dd"})
_CONTROL_TAGS = frozenset({"input", "select", "textarea"})
_ROW_TAGS = frozenset({"tr", "dl"})
_LABEL_TAGS = frozenset({"span", "b", "strong", "label", "em", "font", "i"})
# Page furniture: its links are not attachments, its headings not the title, and its
# text not metadata (a footer's 发布日期 is the site's, not the document's).
_FURNITURE_TAGS = frozenset({"nav", "header", "footer"})
_FURNITURE_ATTR_RE = re.compile(r"(?:^|\s)(?:nav|menu|foot|header|copyright|daohang)", re.IGNORECASE)
# Tags whose whole subtree is furniture or invisible.
_UNSEEN_TAGS = _FURNITURE_TAGS | SKIP_TAGS

_LABEL_FIRST_CHARS = frozenset(label[0] for label in KNOWN_LABELS) | frozenset("[【［")
# How an unknown label ends.
_LABEL_MARKS = frozenset({":", "：", "]", "】", "］"})
# Where a run label can start. _RUN_LABEL_RE's alternatives begin with groups, so Python's
# re cannot skip ahead by first character and tries all of them at every position of a
# line (17 µs for a 44-character line without a label); finding these first is one scan.
# A label's second character must follow too (after a gap), or the first be a bracket:
# 公, 发, 日 … alone start half the words of a Chinese line. The leading class lets re
# skip ahead by it.
_RUN_LABEL_START_RE = re.compile(
    "[" + re.escape("".join(sorted(_LABEL_FIRST_CHARS))) + "]"
    + "(?:(?<=[\\[【［])|" + _GAP + "[" + re.escape("".join(sorted({label[1] for label in KNOWN_LABELS}))) + "])"
)
# Article containers of the common CMSs, by rank (lower is surer); a site profile's own
# (BodyHints) rank before them all.
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

# How many lines from the end of the body a signature date may stand on.
_SIGNATURE_LINES = 5
# Meta tags that carry the publication date, in order of trust (lower-cased names).
_META_DATES = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time")
# A metadata block with this many disclosure labels, even all blank, is one.
_MIN_BLANK_GRID_LABELS = 2
# 页面生成时间 2025-03-27 09:36:38, in a meta tag or a comment.
_GENERATED_RE = re.compile(r"页面生成时间\s*[:：]?\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)")


def is_attachment_url(url: str) -> bool:
    """True for a link to a document file or a CMS download endpoint (not a page to crawl)."""
    return bool(_ATTACHMENT_RE.search(url.split("#", 1)[0].split("?", 1)[0].strip()))


def _empty_record(url: str | None) -> dict:
    """A record with every key present and nothing found."""
    record = dict.fromkeys(RECORD_KEYS)
    record.update(is_disclosure=False, url=url, breadcrumb=[], attachments=[], fields={}, warnings=[])
    return record


# --- labels ------------------------------------------------------------------------


def normalize_label(text: str) -> str:
    """A label without whitespace, trailing colon or brackets: ``索 引 号：``, ``【索引号】`` -> ``索引号``."""
    label = _INVISIBLE_RE.sub("", text).rstrip(":：")
    bracketed = _BRACKETED_RE.match(label)
    return bracketed.group(1) if bracketed else label


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
    marked = text.strip()[-1:] in _LABEL_MARKS
    if marked and label and len(label) <= _MAX_LABEL_CHARS and not any(ch.isdigit() for ch in label):
        return label
    return None


def _ancestor(element, tags: frozenset, limit: int):
    """The nearest of ``element`` and its ``limit`` ancestors whose tag is in ``tags``."""
    for _ in range(limit + 1):
        if element is None or element.tag in tags:
            return element
        element = element.getparent()
    return None


# --- metadata ------------------------------------------------------------------------


def _add_field(fields: dict, label: str, value: str) -> None:
    """Record a label's value (None when blank); the first non-blank occurrence on the page wins.

    A template placeholder (``{{data.docSource}}``) left unfilled in a page's raw HTML is blank.
    """
    if fields.get(label) is None:
        value = collapse(value)
        # "{{" first: the substring test spares nearly every value the regex.
        fields[label] = None if not value or ("{{" in value and _PLACEHOLDER_RE.search(value)) else value


def _cell_pairs(cells: list) -> list[tuple[str, str]]:
    """Label/value pairs from a row of cells.

    A label followed by another label has an empty value (the leda grid:
    ``信息类别 | 公开范围 | 全社会``).
    """
    texts = [text_of(cell) for cell in cells]
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
    label = _label_of(text_of(element))
    parent = element.getparent()
    while parent is not None and parent.tag in _LABEL_TAGS and _label_of(text_of(parent)) == label:
        element, parent = parent, parent.getparent()
    return element, label


def _value_after(element) -> str:
    """The text following a label element inside its parent, up to the next label element."""
    parts = [element.tail or ""]
    for sibling in element.itersiblings():
        if sibling.tag in _LABEL_TAGS and _label_of(text_of(sibling)):
            break
        parts.append(text_of(sibling) if isinstance(sibling.tag, str) else "")
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
        if parent.tag in _CELL_TAGS and normalize_label(text_of(parent)) == label:
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
        matches = _run_label_matches(line)
        for match, following in zip(matches, matches[1:] + [None]):
            end = following.start() if following is not None else len(line)
            value = _RUN_VALUE_END_RE.split(line[match.end():end], 1)[0]
            _add_field(fields, normalize_label(match.group("label") or match.group("bracketed")), value)


def _run_label_matches(line: str) -> list:
    """The matches ``_RUN_LABEL_RE.finditer(line)`` gives, tried only where a label can start."""
    matches = []
    position = 0
    # Every label ends before a colon or a closing bracket: none can start after the last.
    last = max(map(line.rfind, _LABEL_MARKS))
    while (start := _RUN_LABEL_START_RE.search(line, position, last)) is not None:
        match = _RUN_LABEL_RE.match(line, start.start())
        if match is None:
            position = start.start() + 1
        else:
            matches.append(match)
            position = match.end()
    return matches


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


class BodyHints(NamedTuple):
    """A site profile's own article containers: element ids and class names."""

    ids: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()


NO_HINTS = BodyHints()
_PROFILE_RANK = -1


def _container_rank(element, hints: BodyHints) -> int | None:
    """The priority of a known article container (lower is better), None if it is not one."""
    classes = (element.get("class") or "").split()
    if element.get("id") in hints.ids or any(name in hints.classes for name in classes):
        return _PROFILE_RANK
    ranks = [_BODY_IDS.get(element.get("id"))]
    for name in classes:
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
def _attribute_hints(element_id: str | None, classes: str | None, hints: BodyHints) -> _Hints:
    """The hints for one id/class pair, remembered: templates repeat the same few on every page."""
    return _Hints(
        container=bool(classes and _BODY_CLASS_RE.search(classes)) or element_id in _BODY_IDS
        or element_id in hints.ids or bool(classes and any(name in hints.classes for name in classes.split())),
        furniture=bool(_FURNITURE_ATTR_RE.search(f"{element_id or ''} {classes or ''}")),
        title=bool(classes) and "title" in classes.split(),
        crumb=any(map(_CRUMB_TOKEN_RE.fullmatch, f"{element_id or ''} {classes or ''}".split())),
    )


@functools.lru_cache(maxsize=4096)
def _is_attachment_href(href: str) -> bool:
    """``is_attachment_url`` remembered: most links (navigation, columns) recur on every page."""
    return is_attachment_url(href)


def _scan(root, hints: BodyHints) -> _Sites:
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
            ":" in text or "：" in text or "位置" in text or "】" in text or "]" in text
            or (len(text) < _MAX_LABEL_TEXT and text.lstrip()[:1] in first_chars)
        ):
            labels.append((element, text, False))
        tail = element.tail
        if tail and not tail.isspace() and (
            ":" in tail or "：" in tail or "位置" in tail or "】" in tail or "]" in tail
            or (len(tail) < _MAX_LABEL_TEXT and tail.lstrip()[:1] in first_chars)
        ):
            labels.append((element.getparent(), tail, True))
        tag = element.tag
        # Most elements carry no attribute: one keys() spares them two failing lookups.
        if element.keys():
            element_id, classes = element.get("id"), element.get("class")
        else:
            element_id = classes = None
        if element_id or classes:
            container, furniture, title, crumb = _attribute_hints(element_id, classes, hints)
            if container:
                rank = _container_rank(element, hints)
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


def _label_sites(sites: _Sites, body: frozenset) -> tuple[list, list, list]:
    """Where labels may be: (table rows, label elements, text blocks), deduplicated in page order.

    Text in the article body (the elements ``body``) or in page furniture is left out.
    """
    rows, inline, blocks = {}, {}, {}
    # Set lookups: the ancestor walks they replace were most of the metadata step's time.
    furniture = sites.furniture
    form_rows = _form_neighbourhoods(sites.controls)
    for owner, text, is_tail in sites.labels:
        if (owner is None or owner in furniture or owner in body or owner in form_rows
                or owner.getparent() in form_rows):
            continue
        row = _ancestor(owner, _ROW_TAGS, 4)
        if row is not None and row in form_rows:
            continue
        if row is not None:
            rows[row] = True
        if not is_tail and owner.tag in _LABEL_TAGS:
            inline[owner] = True
        if ":" in text or "：" in text or "】" in text or "]" in text:
            block = _ancestor(owner, BLOCK_TAGS, 64)
            blocks[block if block is not None else owner] = True
    return list(rows), list(inline), list(blocks)


def _metadata(sites: _Sites, container, body: frozenset) -> tuple[dict, list]:
    """Every label -> value on the page outside the body (``container``, its elements ``body``),
    and the metadata tables."""
    rows, inline, blocks = _label_sites(sites, body)
    fields: dict = {}
    tables = _table_fields(rows, fields)
    _inline_fields(inline, fields)
    skip = frozenset(tables + ([container] if container is not None else []))
    for block in blocks:
        _run_fields(html_lines(block, skip), fields)
    return fields, tables


def _meta_tags(root) -> dict:
    """``<meta name=… content=…>`` (or ``property=…``, Open Graph) pairs keyed by lower-cased name."""
    metas = {}
    for meta in root.iter("meta"):
        name, content = meta.get("name") or meta.get("property"), meta.get("content")
        if name and content is not None and not _PLACEHOLDER_RE.search(content):
            metas.setdefault(name.strip().lower(), collapse(content))
    return metas


# --- page parts ----------------------------------------------------------------------


def _holds_text(element) -> bool:
    """True when ``element`` shows any text (``collapse(text_of(element))`` without the copy)."""
    text = text_of(element)
    return bool(text) and not text.isspace()


def _body_container(sites: _Sites):
    """The best-ranked known article container that holds text, or None."""
    ranked = [(rank, order, element) for order, (rank, element) in enumerate(sites.containers) if _holds_text(element)]
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
            scores[parent] = scores.get(parent, 0) + len(text_of(element).strip())
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
    lines = [_BREADCRUMB_MARKER_RE.sub(" ", line) if "位置" in line else line
             for line in html_lines(element, frozenset(element.iter("table")))]
    split = [[part for part in (p.strip(" :：") for p in _BREADCRUMB_SPLIT_RE.split(line)) if part] for line in lines]
    # A line with separators is the whole trail (an unclosed tag may drag the page in
    # after it); without separators each line is one crumb (a <ul> of links).
    pieces = next((parts for parts in split if len(parts) >= 2), None)
    if pieces is None:
        pieces = [parts[0] for parts in split if parts]
    if len(pieces) < 2:
        links = [text for text in (collapse(text_of(link)) for link in element.iter("a")) if text]
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
    return element.tag in SKIP_TAGS or any(a.tag in SKIP_TAGS for a in element.iterancestors())


def _breadcrumb(sites: _Sites, body: frozenset) -> list[str]:
    """The page's trail of columns (see :func:`_crumbs`); [] when it shows none.

    First the text marked 当前位置 (climbing from the marker to the element holding the
    trail), then elements whose class names a breadcrumb; never text in the body.
    """
    marked = [
        owner for owner, text, _ in sites.labels
        # Every marker holds 位置: the substring test spares the regex nearly every label.
        if "位置" in text and owner is not None and owner not in body and _BREADCRUMB_MARKER_RE.search(text)
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
    title_element = next(root.iter("title"), None)
    page_title = collapse(text_of(title_element)) if title_element is not None else ""
    headings = [collapse(text_of(h)) for h in sites.headings if h not in sites.furniture]
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
        text_name = next(iter(html_lines(link)), "")
        if absolute not in names or (text_name and absolute not in named):
            # An icon link often precedes the link that carries the file's name.
            names[absolute] = text_name or collapse(link.get("title") or "") or unquote(path.rsplit("/", 1)[-1])
        if text_name:
            named.add(absolute)
    return [{"name": name, "url": link_url} for link_url, name in names.items()]


# --- record --------------------------------------------------------------------------


def _field_value(fields: dict, key: str) -> str | None:
    """The first non-blank synonym's value; None when the page shows none."""
    for label in SYNONYMS[key]:
        value = fields.get(label)
        if value:
            return value
    return None


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
    pubdate = next((metas[name] for name in _META_DATES if metas.get(name)), None)
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


def _build(record: dict, root, url: str | None, page_text: str, hints: BodyHints) -> None:
    """Fill ``record`` from the parsed tree ``root``."""
    sites = _scan(root, hints)
    metas = _meta_tags(root)
    known = _body_container(sites)
    # The known container's elements: no metadata and no trail is read inside it.
    body = frozenset(known.iter()) if known is not None else frozenset()
    fields, tables = _metadata(sites, known, body)
    container = known if known is not None else _largest_block(root, frozenset(tables), sites.furniture)
    body_lines = html_lines(container, frozenset(tables))
    record["fields"] = fields
    record["body_text"] = "\n".join(body_lines)
    record["title"] = _title(root, sites, fields, metas, body_lines)
    # Only a known article container rules text out of the trail: on a short page the
    # largest block can be the breadcrumb itself.
    record["breadcrumb"] = _breadcrumb(sites, body) or ([metas["columnname"]] if metas.get("columnname") else [])
    record["attachments"] = _attachments(sites, url)
    _fill_metadata(record, fields, metas, body_lines, page_text)


def parse_page(body: bytes, url: str | None = None, charset: str | None = None, hints: BodyHints = NO_HINTS) -> dict:
    """Parse one page into a record with exactly ``RECORD_KEYS``; never raises.

    ``charset`` is the HTTP header's, ``hints`` the site profile's own article containers; a page that cannot be parsed at all gives an
    empty record whose ``warnings`` say why.
    """
    record = _empty_record(url if isinstance(url, str) else None)
    if not isinstance(body, (bytes, bytearray)) or not body:
        record["warnings"].append("empty page")
        return record
    try:
        body = bytes(body)
        text, codec, decode_warnings = decode(body, charset)
        record["warnings"].extend(decode_warnings)
        # Decoding replaced no byte: the body is valid UTF-8, the very bytes encoding gives.
        root = parse_tree(text, body if codec == "utf-8" and "\ufffd" not in text else None)
        if root is None:
            record["warnings"].append("no HTML document in page")
            return record
        if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in html_parser().error_log):
            # libxml2 stops at 2048 levels even with huge_tree; say so rather than lose text quietly.
            record["warnings"].append("page nested too deeply: content past 2048 levels was dropped")
        _build(record, root, record["url"], text, hints)
    except Exception as error:  # noqa: BLE001 - the crawl must survive any page
        # A record with what was found so far beats losing the page.
        record["warnings"].append(f"parse failed: {type(error).__name__}: {error}")
    return record
