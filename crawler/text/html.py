"""HTML as the lines a person reads: the project's one HTML-to-lines walk.

A page is parsed once with lxml (:func:`parse_tree`); :func:`html_lines` turns any part
of it into collapsed lines, block elements and ``<br>`` breaking lines and each table
row one line of tab-separated cells, so the page parser, the annual-report reader and
anything else that reads a page see the same text.
"""

import threading

from lxml import etree

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "center", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "ol", "p", "pre", "section", "table", "tbody", "tfoot",
    "thead", "tr", "ul", "br", "html",
})
SKIP_TAGS = frozenset({"script", "style", "noscript", "nav", "iframe", "select", "template", "head", "title", "object"})
# Marks block boundaries while lxml serialises text: a Unicode noncharacter, which
# real pages do not use (one that did would only gain a line break).
_BREAK = "\ufdd0"
# Separates table cells, which become tab-separated on their row's line so tables in a
# body (an annual report's statistics) keep their rows.
_CELL = "\ufdd1"
_CELL_END_TAGS = frozenset({"td", "th"})
# The longest table cell (non-space characters) kept on one line; see _one_line_cell.
_MAX_CELL_LINE = 200
# Per-thread state: the reusable HTML parser (see html_parser).
_THREAD = threading.local()


def collapse(text: str) -> str:
    """Text on one line with whitespace runs made single spaces."""
    return " ".join(text.split())


def text_of(element) -> str:
    """All text below ``element``, without its tail (lxml's C serialiser does the walk)."""
    if not len(element):
        return element.text or ""  # most cells: no need to start the serialiser
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def _one_line_cell(element) -> bool:
    """True for a table cell whose text stays on its row's line despite ``<br>`` or blocks inside.

    A statistics table writes long row labels over several ``<br>`` lines; they are one
    cell and the row must stay one line. Layout tables that hold a whole article in a
    cell do not count: their text is long or holds a table of its own.
    """
    # iter() filters in C; find(".//table") runs ElementPath's Python generators.
    if not len(element) or next(element.iter("table"), None) is not None:
        return False
    return len("".join(text_of(element).split())) <= _MAX_CELL_LINE


def html_lines(root, skip: frozenset = frozenset()) -> list[str]:
    """The visible text under ``root`` as collapsed non-empty lines: the project's one HTML-to-lines walk.

    Block elements and ``<br>`` start new lines, except inside a short table cell (see
    :func:`_one_line_cell`); table cells end in a tab, so a table row is one line of
    tab-separated cells; scripts, styles, navigation and the elements in ``skip`` are
    left out (their tails stay). lxml's iterative walker does the traversal, so the tree
    is neither copied nor changed and nesting deeper than Python's recursion limit is fine.
    """
    parts = [_BREAK] if root.tag in BLOCK_TAGS else []
    if root.text:
        parts.append(root.text)
    if len(root):  # a leaf (a link, a cell) holds no more text: no walker to set up
        _add_descendants(root, skip, parts.append)
    # Source line breaks are plain whitespace in HTML; only markup breaks lines.
    text = "".join(parts)
    segments = text.split(_BREAK)
    if _CELL not in text:  # no table cells: each line is one collapsed run of text
        return [line for line in map(collapse, segments) if line]
    lines = (_row_line(segment) for segment in segments)
    return [line for line in lines if line.strip("\t")]


def _add_descendants(root, skip: frozenset, add) -> None:
    """``add`` the text pieces and line/cell marks of everything below ``root`` (see :func:`html_lines`)."""
    walker = etree.iterwalk(root, events=("start", "end"))
    next(walker)  # the root's own start: its text is the caller's
    skipped = None  # the element whose subtree was just skipped: its end adds only its tail
    one_line = None  # the table cell inside which blocks do not break lines
    for event, element in walker:
        if element is root:
            break  # the root's end: its tail is not its text
        tag = element.tag
        if event == "start":
            if tag in SKIP_TAGS or element in skip:
                walker.skip_subtree()
                skipped = element
                continue
            if one_line is None and tag in _CELL_END_TAGS and _one_line_cell(element):
                one_line = element
            elif tag in BLOCK_TAGS and one_line is None:
                add(_BREAK)
            # Read once: each read of .text or .tail decodes a new string from the tree.
            text = element.text
            if text:
                add(text)
            continue
        if element is not skipped:
            if element is one_line:
                one_line = None
                add(_CELL)
            elif tag in BLOCK_TAGS and one_line is None:
                add(_BREAK)
            elif tag in _CELL_END_TAGS:
                add(_CELL)
        tail = element.tail
        if tail:
            add(tail)


def _row_line(segment: str) -> str:
    """One line of cells joined by tabs; blank cells stay, even at the end, since a
    statistics row's figures are placed by position (a blank last cell is a blank 总计)."""
    cells = segment.split(_CELL)
    if len(cells) > 1 and not cells[-1].strip():
        cells.pop()  # what follows the last cell's end: the row's own whitespace
    return "\t".join(map(collapse, cells))


def html_parser() -> etree.HTMLParser:
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


def parse_tree(text: str, utf8: bytes | None = None):
    """One lxml parse of the decoded page; None when there is no document at all.

    ``utf8`` is ``text`` already encoded as UTF-8 (a page that came as valid UTF-8 is its
    own encoding), which spares encoding it again.
    """
    # Re-encoding lets lxml ignore the page's own (possibly wrong) charset declaration.
    return etree.fromstring(text.encode("utf-8", "replace") if utf8 is None else utf8, html_parser())


def read_tree(text: str):
    """:func:`parse_tree` for a page read outside ``parse_page`` (links, a report saved as
    HTML): None when lxml finds no document or refuses the text, never an exception."""
    try:
        return parse_tree(text)
    except (etree.ParserError, ValueError):
        return None


def document_lines(text: str) -> list[str]:
    """A whole HTML document as :func:`html_lines` gives it, its ``<title>`` first; [] when there is none.

    For reading a page as text elsewhere (an annual report saved as HTML), so a report
    read from a file and the same report crawled give the same lines.
    """
    root = read_tree(text)
    if root is None:
        return []
    title = root.find(".//title")
    heading = [collapse(text_of(title))] if title is not None and collapse(text_of(title)) else []
    return heading + html_lines(root)
