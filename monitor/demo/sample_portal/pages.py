"""HTML (and fake PDF) rendering of the sample portal, in the VSB template's shapes.

Pure functions from the model to text. Links are relative, as VSB writes them, so a
crawler must resolve them against the page URL; attachment links are absolute.
"""

import posixpath
import re
from html import escape

from .catalogue import OWNER, PAGE_SIZE, ROOT, Column
from .model import Attachment, Document, NewsItem, Portal
from .wording import arabic_date, cn_date

HOME = "/index.htm"
DISCLOSURE_INDEX = "/zfxxgk.htm"
ROBOTS = "User-agent: *\nDisallow: /system/resource/\n"
SITE = "临沂经济技术开发区"


def rel(here: str, target: str) -> str:
    """``target`` as a link relative to the page at ``here`` (both absolute paths)."""
    return posixpath.relpath(target, posixpath.dirname(here) or "/")


def listing_path(slug: str, page: int, total: int) -> str:
    """Path of display page ``page`` (1 = newest) of a column with ``total`` pages.

    The newest page is ``/zfxxgk/<slug>.htm``; older ones count down to ``<slug>/1.htm``.
    """
    return f"/zfxxgk/{slug}.htm" if page == 1 else f"/zfxxgk/{slug}/{total - page + 1}.htm"


def _layout(here: str, title: str, main: str, charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="{charset}">\n'
        f"<title>{escape(title)}-{SITE}</title>\n"
        '<script type="text/javascript" src="/system/resource/js/dynclicks.js"></script>\n'
        "</head><body>\n"
        f'<div class="header"><div class="logo">国家级{SITE}</div>\n'
        f'<ul class="nav"><li><a href="{rel(here, HOME)}">首页</a></li>'
        f'<li><a href="{rel(here, DISCLOSURE_INDEX)}">政府信息公开</a></li></ul></div>\n'
        f'<div class="main">\n{main}\n</div>\n'
        f'<div class="footer">主办：{SITE}党政办公室　地址：临沂市河东区沂河路3号</div>\n'
        "</body></html>\n"
    )


def render_home(portal: Portal) -> str:
    """Home: navigation, the news list and the newest notices."""
    news = "\n".join(f'<li><a href="{rel(HOME, item.url)}">{escape(item.title)}</a>'
                     f"<span>{item.published}</span></li>" for item in portal.news)
    notices = "\n".join(f'<li><a href="{rel(HOME, doc.url)}">{escape(doc.title)}</a>'
                        f"<span>{doc.published}</span></li>" for doc in portal.listings["tzgg"][:5])
    main = (f'<div class="news"><h2>新闻中心</h2><ul>\n{news}\n</ul></div>\n'
            f'<div class="notices"><h2>通知公告</h2><ul>\n{notices}\n</ul></div>\n'
            f'<div class="zfxxgk"><a href="{rel(HOME, DISCLOSURE_INDEX)}">政府信息公开专栏</a></div>')
    return _layout(HOME, "首页", main)


def render_disclosure_index(portal: Portal) -> str:
    """The disclosure section's column tree, each leaf linking to its newest listing page."""
    lines, opened = [], ()
    for column in portal.columns:
        # Print parent headings once, where the path first enters them.
        parents = column.path[1:-1]
        shared = 0
        while shared < min(len(parents), len(opened)) and parents[shared] == opened[shared]:
            shared += 1
        for depth in range(shared, len(parents)):
            lines.append(f'<li class="level{depth + 1}"><span>{escape(parents[depth])}</span></li>')
        opened = parents
        href = rel(DISCLOSURE_INDEX, listing_path(column.slug, 1, 1))
        lines.append(f'<li class="level{len(parents) + 1}"><a href="{href}">{escape(column.name)}</a></li>')
    main = f'<div class="xxgk_tree"><h2>{ROOT}</h2><ul>\n' + "\n".join(lines) + "\n</ul></div>"
    return _layout(DISCLOSURE_INDEX, ROOT, main)


def _breadcrumb(here: str, column: Column, tail: str) -> str:
    """``当前位置: 首页 >> 政府信息公开 >> … >> tail``; parent columns link to the index."""
    parts = [f'<a href="{rel(here, HOME)}">首页</a>']
    for position, name in enumerate(column.path):
        last = position == len(column.path) - 1
        target = listing_path(column.slug, 1, 1) if last else DISCLOSURE_INDEX
        parts.append(f'<a href="{rel(here, target)}">{escape(name)}</a>')
    if tail:
        parts.append(tail)
    return '<div class="breadcrumb">当前位置: ' + " &gt;&gt; ".join(parts) + "</div>"


def render_listing(portal: Portal, slug: str, page: int) -> str:
    """Display page ``page`` (1 = newest) of a column: 20 items, newest first, and pager."""
    column = portal.columns_by_slug[slug]
    docs = portal.listings[slug]
    total = portal.page_count(slug)
    here = listing_path(slug, page, total)
    items = "\n".join(
        f'<li><a href="{rel(here, doc.url)}" title="{escape(doc.title)}">{escape(doc.title)}</a>'
        f'<span class="date">{doc.published}</span></li>'
        for doc in docs[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]) or '<li class="empty">暂无信息</li>'
    main = (_breadcrumb(here, column, "")
            + f'\n<div class="list"><ul>\n{items}\n</ul></div>\n'
            + _pager(here, slug, page, total, len(docs)))
    return _layout(here, column.name, main)


def _pager(here: str, slug: str, page: int, total: int, count: int) -> str:
    def link(target: int, text: str) -> str:
        return f'<a href="{rel(here, listing_path(slug, target, total))}">{text}</a>'

    def plain(text: str) -> str:
        return f'<span class="p_no_d">{text}</span>'

    shown = sorted({1, total, *range(max(1, page - 2), min(total, page + 2) + 1)})
    numbers = []
    for previous, number in zip([0, *shown], shown):
        if number - previous > 1:
            numbers.append('<span class="p_dot">...</span>')
        numbers.append(plain(str(number)) if number == page else link(number, str(number)))
    return (
        '<div class="pagination">'
        f'<span class="p_t">共{count}条</span> <span class="p_t">{page}/{total}页</span> '
        + (plain("首页") + plain("上一页") if page == 1 else link(1, "首页") + link(page - 1, "上一页"))
        + " ".join(numbers)
        + (plain("下一页") + plain("尾页") if page == total else link(page + 1, "下一页") + link(total, "尾页"))
        + "</div>"
    )


def render_detail(doc: Document) -> str:
    """A disclosure detail page: breadcrumb, title, date line, metadata grid, body."""
    here = doc.url
    crumb = _breadcrumb(here, doc.column, "正文")
    formed_cells = (("成文日期", str(doc.formed)),) if doc.formed_source == "metadata" else ()
    rows = (
        (("索引号", doc.index_number), ("公开方式", "主动公开"), ("公开日期", str(doc.published))),
        (("文号", doc.docno), ("发布机构", doc.publisher), ("失效日期", "")),
        (("信息类别", doc.category), ("公开范围", "全社会"), *formed_cells),
        (("依据", ""), ("记录形式", "")),
        (("载体类型", ""), ("存放位置", "")),
        (("公开程序", ""),),
    )
    grid = "\n".join(
        "<tr>" + "".join(f'<td class="label">{label}</td><td>{escape(value)}</td>' for label, value in row) + "</tr>"
        for row in rows)
    main = (
        f"{crumb}\n<h1 class=\"title\">{escape(doc.title)}</h1>\n"
        f'<div class="info">{doc.published} 点击数: '
        f'<script>_showDynClicks("wbnews", {OWNER}, {doc.id})</script> '
        "[字号: <a>大</a> <a>中</a> <a>小</a>] 视力保护色</div>\n"
        f'<table class="xxgk_table">\n{grid}\n</table>\n'
        f'<div id="vsb_content"><div class="v_news_content">\n{_body(doc)}\n</div></div>\n'
        + _attachments(doc.attachments)
        + _related(doc)
    )
    return _layout(here, doc.title, main, charset=doc.encoding)


def _body(doc: Document) -> str:
    if doc.markdown:
        return render_markdown(doc.markdown)
    lines = [f"<p>{escape(text)}</p>" for text in doc.paragraphs]
    if doc.formed_source == "body":
        signed = cn_date(doc.formed) if doc.signature == "chinese" else arabic_date(doc.formed)
        lines += [f'<p style="text-align: right;">{escape(doc.publisher or doc.issuer)}</p>',
                  f'<p style="text-align: right;">{signed}</p>']
    return "\n".join(lines)


def _attachments(attachments: tuple[Attachment, ...]) -> str:
    if not attachments:
        return ""
    items = "".join(
        f'<li>附件【<a href="{escape(a.url)}" target="_blank">{escape(a.name)}</a>】已下载'
        f'<span><script>getClickTimes({a.file_id},{OWNER},"wbnewsfile","attach")</script></span>次</li>'
        for a in attachments)
    return f'<ul class="attachments">{items}</ul>\n'


def _related(doc: Document) -> str:
    """The 相关链接 block under the page (outside the body, so the body's text is the same with or without it)."""
    if not doc.links:
        return ""
    items = "".join(f'<li><a href="{escape(rel(doc.url, path))}">{escape(text)}</a></li>' for path, text in doc.links)
    return f'<div class="related"><span>相关链接</span><ul>{items}</ul></div>\n'


def render_image(path: str) -> bytes:
    """A tiny PNG-signed file standing for a 图解 image (a valid signature, not a full image)."""
    return b"\x89PNG\r\n\x1a\n" + f"sample portal image {path}".encode("ascii")


def render_news(item: NewsItem) -> str:
    """A plain news article: breadcrumb, title, date, paragraphs; no metadata grid."""
    here = item.url
    paragraphs = "\n".join(f"<p>{escape(text)}</p>" for text in item.paragraphs)
    main = (f'<div class="breadcrumb">当前位置: <a href="{rel(here, HOME)}">首页</a> &gt;&gt; 新闻中心 &gt;&gt; 正文</div>\n'
            f'<h1 class="title">{escape(item.title)}</h1>\n<div class="info">{item.published}</div>\n'
            f'<div id="vsb_content"><div class="v_news_content">\n{paragraphs}\n</div></div>')
    return _layout(here, item.title, main)


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_AUTOLINK = re.compile(r"&lt;(https?://[^&\s]+)&gt;")


def _inline(text: str) -> str:
    text = _BOLD.sub(r"<strong>\1</strong>", escape(text.strip(), quote=False))
    return _AUTOLINK.sub(r'<a href="\1">\1</a>', text)


def render_markdown(text: str) -> str:
    """The annual report's markdown as HTML: headings, paragraphs, tab-separated tables.

    Consecutive lines containing tabs form one table, one row per line, one cell per
    tab-separated field; a blank line ends it, as the report's page breaks do.
    """
    out, rows = [], []

    def flush() -> None:
        if rows:
            out.append("<table>" + "".join(rows) + "</table>")
            rows.clear()

    for line in text.splitlines():
        if "\t" in line:
            rows.append("<tr>" + "".join(f"<td>{_inline(cell)}</td>" for cell in line.split("\t")) + "</tr>")
            continue
        flush()
        heading = re.match(r"(#{1,6})\s+(.*)", line)
        if heading:
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif line.strip():
            out.append(f"<p>{_inline(line)}</p>")
    flush()
    return "\n".join(out)


def render_attachment(attachment: Attachment) -> bytes:
    """Small fake PDF bytes naming the attachment (a valid header, not a full document)."""
    return (b"%PDF-1.4\n% sample portal attachment\n"
            + f"% file {attachment.file_id} of document {attachment.document_id}\n".encode("ascii")
            + b"%%EOF\n")
