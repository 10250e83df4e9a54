"""Listing pages a portal announces without linking each one.

Plain numbered, 下一页 and 尾页 links are ordinary links and are followed as such; the
functions here add the pages a listing announces but does not link:

- VSB lists count *down* (``col.htm`` is the newest page, then ``col/N.htm`` …
  ``col/1.htm``) and usually link only a few of them;
- ``createPageHTML`` writes the page links with JavaScript, in two signatures. TRS's
  ``createPageHTML(25, 0, "index", "shtml")`` counts the current page from 0: the pages
  are ``index.shtml``, ``index_1.shtml`` … ``index_24.shtml``. The container-first
  ``createPageHTML('page_div', 10, 1, 'zwgklist', 'shtml', 200)`` (10 pages, current page
  counted from 1, 200 records) names page N ``zwgklist_N.shtml`` from N = 2, as its
  ``page.js`` writes the links: ``zwgklist.shtml``, ``zwgklist_2.shtml`` …
  ``zwgklist_10.shtml``, and there is no ``zwgklist_1``;
- a page count (``共5页``, or a ``<select>`` of page numbers) beside a few links such as
  ``index_4.shtml`` or ``?page=2``: every page up to the count, in the links' scheme.

Each function gives the pages in reading order, newest first (the order an incremental
crawl reads them in, stopping early). The functions are pure; each is bounded by ``MAX_GENERATED_PAGES`` so a page that claims
a million pages cannot flood the queue. :func:`listing_pages` combines them.
"""

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

MAX_GENERATED_PAGES = 5000

_CREATE_PAGE_HTML = re.compile(r"createPageHTML\s*\(([^()]*)\)")
# A file name or path on the listing's own host: never a scheme or a //host.
_PAGE_FILE = re.compile(r"/?[\w-]+(?:/[\w-]+)*")
_SUFFIX = re.compile(r"\w+")
# Markup and spaces a page puts between 共, the number and 页: 共<b>5</b>页, 共&nbsp;5&nbsp;页.
_GAP = r"(?:\s|&nbsp;|&#160;|<[^<>]*>)*"
_TOTAL_PAGES = re.compile(rf"共{_GAP}(\d+){_GAP}页")
_SELECT = re.compile(r"<select\b[^>]*>(.*?)</select>", re.IGNORECASE | re.DOTALL)
_OPTION_TEXT = re.compile(r"<option\b[^>]*>([^<]*)", re.IGNORECASE)
_OPTION_NUMBER = re.compile(r"第?\s*(\d+)\s*页?")
_NUMBERED_NAME = re.compile(r"(?P<stem>.+?)_(?P<number>\d+)\.(?P<ext>\w+)")
_PAGE_PARAMETER = re.compile(r"page|pageno|pagenum|pagenumber|pageindex|curpage|currentpage", re.IGNORECASE)


def _number(text: str) -> int | None:
    """A non-negative integer written in ASCII digits, else None (``'²'.isdigit()`` is true)."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _first_pages(first: int, last: int) -> range:
    """Page numbers ``first`` … ``last``, no more than the bound."""
    return range(first, min(last, first + MAX_GENERATED_PAGES - 1) + 1)


def vsb_pages(url: str, links: list[str]) -> list[str]:
    """All count-down pages of a VSB listing, given its newest page and its links, newest first.

    ``http://h/zfxxgk/zcjd.htm`` linking ``http://h/zfxxgk/zcjd/158.htm`` yields
    ``…/zcjd/158.htm`` down to ``…/zcjd/1.htm``. Anything else yields nothing.
    """
    parts = urlsplit(url)
    match = re.fullmatch(r"(.*/)([\w-]+)\.htm", parts.path)
    if not match:
        return []
    page = re.compile(re.escape(match.group(1) + match.group(2)) + r"/(\d+)\.htm")
    numbers = [int(m.group(1)) for link in links if (m := page.fullmatch(urlsplit(link).path))
               and urlsplit(link).netloc == parts.netloc]
    if not numbers:
        return []
    newest = max(numbers)
    return [urljoin(url, f"{match.group(2)}/{n}.htm") for n in range(newest, max(newest - MAX_GENERATED_PAGES, 0), -1)]


def create_page_html_pages(url: str, text: str) -> list[str]:
    """The pages every ``createPageHTML(…)`` call in ``text`` describes, beside ``url``.

    Quotes, spaces and a missing record count do not matter; a call whose arguments are
    not literal (the function's own definition) describes nothing.
    """
    pages: list[str] = []
    for call in _CREATE_PAGE_HTML.finditer(text):
        arguments = [argument.strip().strip("'\"").strip() for argument in call.group(1).split(",")]
        pages += [urljoin(url, name) for name in _create_page_html_names(arguments)]
    return list(dict.fromkeys(pages))


def _create_page_html_names(arguments: list[str]) -> list[str]:
    """The page file names of one call: TRS's (pages, current from 0, prefix, suffix) or
    the container-first (container, pages, current from 1, prefix, suffix, records)."""
    if len(arguments) >= 5 and _number(arguments[0]) is None:
        count, prefix, suffix, second = arguments[1], arguments[3], arguments[4], 2
    elif len(arguments) >= 4:
        count, prefix, suffix, second = arguments[0], arguments[2], arguments[3], 1
    else:
        return []
    total = _number(count)
    if not total or not _PAGE_FILE.fullmatch(prefix) or not _SUFFIX.fullmatch(suffix):
        return []
    rest = [f"{prefix}_{n}.{suffix}" for n in _first_pages(second, second + total - 2)]
    return ([f"{prefix}.{suffix}"] + rest)[:MAX_GENERATED_PAGES]


def declared_page_count(text: str) -> int | None:
    """How many pages a listing says it has: ``共5页``, or the last of a ``<select>`` of
    page numbers 1 … N; None when it says nothing."""
    counts = [int(match.group(1)) for match in _TOTAL_PAGES.finditer(text)]
    for select in _SELECT.finditer(text):
        options = [_OPTION_NUMBER.fullmatch(option.strip()) for option in _OPTION_TEXT.findall(select.group(1))]
        numbers = [int(option.group(1)) if option else None for option in options]
        # Only a list of consecutive page numbers is a page list (not years, not departments).
        if len(numbers) >= 2 and numbers == list(range(1, len(numbers) + 1)):
            counts.append(len(numbers))
    return max(counts) if counts else None


def numbered_pages(url: str, links: list[str], count: int | None = None) -> list[str]:
    """``index_N.shtml`` pages of the listing at ``url``: every page up to the last one linked,
    or up to ``count`` pages.

    Only the listing's own name in its own directory counts (``index`` for ``…/index.shtml``,
    ``…/index_3.shtml`` and ``…/``). Whether the second page is ``_1`` (TRS counts from 0) or
    ``_2`` (others count from 1) is read from the links: a link to ``_1``, or with ``共5页``
    a last link ``index_4`` (pages ``index``, ``index_1`` … ``index_4``) rather than
    ``index_5`` (``index``, ``index_2`` … ``index_5``).
    """
    own = urlsplit(url)
    directory, _, name = own.path.rpartition("/")
    numbered = _NUMBERED_NAME.fullmatch(name)
    stem = numbered.group("stem") if numbered else (name.rpartition(".")[0] or name or "index")
    pattern = re.compile(re.escape(f"{directory}/{stem}_") + r"(\d+)\.(\w+)")
    by_ext: dict[str, set[int]] = {}
    for link in links:
        parts = urlsplit(link)
        if parts.netloc == own.netloc and not parts.query and (match := pattern.fullmatch(parts.path)):
            by_ext.setdefault(match.group(2), set()).add(int(match.group(1)))
    pages = []
    for ext, numbers in by_ext.items():
        zero_based = 1 in numbers or (count is not None and max(numbers) == count - 1)
        last = max(numbers) if count is None else max(max(numbers), count - 1 if zero_based else count)
        first = 1 if zero_based else 2
        pages += [urlunsplit((own.scheme, own.netloc, f"{directory}/{stem}_{n}.{ext}", "", ""))
                  for n in _first_pages(first, last)]
    return pages


def query_pages(url: str, links: list[str], count: int | None = None) -> list[str]:
    """``?page=N`` (``pageNo``, ``pageNum``, ``pageIndex`` …) pages: for every linked query
    that numbers its pages, each page from the first to the highest linked, or to ``count``
    pages for the listing's own path (a count on the page is about its own list)."""
    own = urlsplit(url)
    groups: dict[tuple, set[int]] = {}
    for link in links:
        parts = urlsplit(link)
        if parts.netloc != own.netloc:
            continue
        params = parse_qsl(parts.query, keep_blank_values=True)
        for position, (key, value) in enumerate(params):
            if _PAGE_PARAMETER.fullmatch(key) and (number := _number(value)) is not None:
                others = tuple(params[:position] + params[position + 1:])
                groups.setdefault((parts.scheme, parts.path, others, position, key), set()).add(number)
                break
    pages = []
    for (scheme, path, others, position, key), numbers in groups.items():
        first = min(min(numbers), 1)  # a list whose first page is 0 links page 0
        last = max(numbers)
        if count and path == own.path:
            last = max(last, first + count - 1)
        for n in _first_pages(first, last):
            params = [*others[:position], (key, str(n)), *others[position:]]
            pages.append(urlunsplit((scheme, own.netloc, path, urlencode(params), "")))
    return pages


def listing_pages(url: str, text: str, links: list[str]) -> list[str]:
    """Every page of a listing's pagination that ``text`` (its HTML, comments included)
    and ``links`` (the absolute URLs it links) announce, newest first; each function
    keeps to the listing's own host."""
    count = declared_page_count(text)
    pages = (vsb_pages(url, links) + create_page_html_pages(url, text)
             + numbered_pages(url, links, count) + query_pages(url, links, count))
    return list(dict.fromkeys(pages))[:MAX_GENERATED_PAGES]
