"""What a listing page links to, and whether a script renders its list.

Links are read from the markup a browser shows and from the markup it hides: HTML
comments (the whole static list can sit inside ``<!-- -->`` while a script renders the
live one) and Hanweb's XML data islands (``<script type="text/xml"><datastore>…
<record><![CDATA[<li>…</li>]]>``), plus the page URLs of ``<select>`` page lists.

A listing whose shown markup has no document link (a link beside a date) but carries a
list-rendering script is rendered by JavaScript: a crawler reading HTML sees only what
the page hides, or nothing. That is a finding about the column, never an empty column.
"""

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from scrapy import Selector

from crawler.parsing import is_attachment_url
from crawler.text.dates import find_dates

# Scripts that render a disclosure list from an API: Gansu's platform, Hanweb's jpage.
_RENDERER_SRC = re.compile(r"xxgkPage\.js|/jpage/|jquery\.page|dataproxy\.jsp", re.IGNORECASE)
_TEMPLATE_ATTRIBUTES = {"v-for": "a Vue v-for template", "ng-repeat": "an Angular ng-repeat template",
                        "data-ng-repeat": "an Angular ng-repeat template"}
_PLACEHOLDER = re.compile(r"\{\{.+?\}\}", re.DOTALL)
_CDATA = re.compile(r"<!\[CDATA\[|\]\]>")
# What a CMS shows in an empty column.
BLANK_MARKERS = ("暂无信息", "暂无数据", "暂无内容", "暂无记录", "暂无相关信息", "没有记录", "没有找到相关", "无相关信息")


@dataclass(frozen=True)
class Link:
    """One link of a listing: its absolute URL, the date shown beside it, and whether it
    sits in markup the browser does not show (a comment or a data island). A link to a
    file (an attachment URL) also carries its text and title attribute, which name the file."""

    url: str
    listed_on: str | None
    hidden: bool
    text: str | None = None
    tooltip: str | None = None


@dataclass(frozen=True)
class Listing:
    """A listing page as the spider follows it; ``rendered_by`` names the sign of a
    list-rendering script when the shown markup has no document link, else None."""

    links: tuple[Link, ...]
    title: str | None
    rendered_by: str | None


def read_listing(html: str, url: str) -> Listing:
    """The links, title and list-rendering sign of the listing ``html`` found at ``url``."""
    page = Selector(text=html or "<html></html>")
    shown = _links(page, url, hidden=False)
    hidden = [link for fragment in _hidden_fragments(page) for link in _links(Selector(text=fragment), url, hidden=True)]
    options = [Link(urljoin(url, value.strip()), None, False)
               for value in page.xpath("//select/option/@value").getall() if _is_page_url(value)]
    documents_shown = any(link.listed_on for link in shown)
    title = " ".join(" ".join(page.xpath("//title//text()").getall()).split()) or None
    return Listing(tuple(shown + options + hidden), title, None if documents_shown else _renderer(page))


def blank_marker(listing: Listing, html: str) -> str | None:
    """The words (暂无信息 …) a listing that shows no document and no list script says it is empty with, or None."""
    if listing.rendered_by is not None or any(link.listed_on for link in listing.links if not link.hidden):
        return None
    shown = "".join(Selector(text=html or "<html></html>").xpath(
        "//body//text()[not(ancestor::script) and not(ancestor::style)]").getall())
    return next((marker for marker in BLANK_MARKERS if marker in shown), None)


def shown_dates(listing: Listing) -> list[str]:
    """The distinct dates a page shows beside its links, newest first."""
    return sorted({link.listed_on for link in listing.links if link.listed_on and not link.hidden}, reverse=True)


def javascript_finding(listing: Listing) -> str | None:
    """The crawl-health sentence for a listing rendered by JavaScript, or None."""
    if listing.rendered_by is None:
        return None
    hidden = sum(1 for link in listing.links if link.hidden and link.listed_on)
    read = (f"{hidden} document links were read from markup the page hides (HTML comments, data islands)"
            if hidden else "its documents are not in the static page and were not crawled")
    return f"the list is rendered by JavaScript ({listing.rendered_by}); {read}"


def _links(page: Selector, base: str, *, hidden: bool) -> list[Link]:
    links = []
    for anchor in page.xpath("//a[@href]"):
        url = urljoin(base, anchor.attrib["href"].strip())
        link = Link(url, _listed_date(anchor), hidden)
        if is_attachment_url(url):  # most links are pages: spare them the text extraction
            text = " ".join(" ".join(anchor.xpath(".//text()").getall()).split())
            link = Link(url, link.listed_on, hidden, text, anchor.attrib.get("title"))
        links.append(link)
    return links


def _listed_date(anchor: Selector) -> str | None:
    """The date a listing shows beside a link (in the same list item or table row)."""
    row = anchor.xpath("ancestor::*[self::li or self::tr][1]")
    text = " ".join((row[0] if row else anchor).xpath(".//text()").getall())
    dates = find_dates(text)
    return dates[0] if dates else None


def _hidden_fragments(page: Selector) -> list[str]:
    """Markup the browser does not show: comment bodies and XML data islands holding tags."""
    comments = [comment.root.text or "" for comment in page.xpath("//comment()")]
    islands = [_CDATA.sub("", text) for text in page.xpath("//script[@type='text/xml']/text()").getall()]
    return [fragment for fragment in comments + islands if "<" in fragment]


def _is_page_url(value: str) -> bool:
    """An option value that is a page address (``index_2.shtml``), not a bare page number."""
    value = value.strip()
    return bool(value) and not value.isdigit() and ("." in value or "/" in value or "?" in value) \
        and not value.lower().startswith("javascript:")


def _renderer(page: Selector) -> str | None:
    """The first sign that a script renders the page's list, in words, or None."""
    for src in page.xpath("//script/@src").getall():
        if _RENDERER_SRC.search(src):
            return f"script {src.strip().rsplit('/', 1)[-1] or src.strip()}"
    inline = "\n".join(page.xpath("//script[not(@src)]/text()").getall())
    if "dataproxy.jsp" in inline or ".jpage(" in inline:
        return "Hanweb jpage list"
    if re.search(r"[?&]uid=", inline) and "pageNum" in inline:
        return "a ?uid=…&pageNum= list API"
    for attribute, sign in _TEMPLATE_ATTRIBUTES.items():
        if page.xpath(f"//*[@{attribute}]"):
            return sign
    shown_text = " ".join(page.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall())
    if _PLACEHOLDER.search(shown_text):
        return "{{ }} template placeholders"
    for container in page.xpath("//*[@id][not(*)][normalize-space() = '']"):
        element_id = container.attrib["id"]
        if "list" in element_id.lower() and re.search(rf"(?<![\w-]){re.escape(element_id)}(?![\w-])", inline):
            return f"an empty list container #{element_id} filled by a script"
    return None
