"""Listing pages a portal announces without linking each one.

Plain numbered, 下一页 and 尾页 links are ordinary links and are followed as such. Two
CMS families need more: VSB lists count *down* (``col.htm`` is the newest page, then
``col/N.htm`` … ``col/1.htm``) and usually link only a few of them; TRS writes its
page links with JavaScript, ``createPageHTML(total, current, prefix, suffix)``.
"""

import re
from urllib.parse import urljoin, urlsplit

_TRS_CALL = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([\w-]+)[\"']\s*,\s*[\"'](\w+)[\"']")
# Generated pages are bounded so a page that claims a million pages cannot flood the queue.
MAX_GENERATED_PAGES = 5000


def vsb_pages(url: str, links: list[str]) -> list[str]:
    """All count-down pages of a VSB listing, given its newest page and its links.

    ``http://h/zfxxgk/zcjd.htm`` linking ``http://h/zfxxgk/zcjd/158.htm`` yields
    ``…/zcjd/1.htm`` through ``…/zcjd/158.htm``. Anything else yields nothing.
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
    last = min(max(numbers), MAX_GENERATED_PAGES)
    return [urljoin(url, f"{match.group(2)}/{n}.htm") for n in range(1, last + 1)]


def trs_pages(url: str, text: str) -> list[str]:
    """The pages a TRS ``createPageHTML(total, current, prefix, suffix)`` call describes.

    Page 0 is ``prefix.suffix`` and page i is ``prefix_i.suffix``, beside ``url``.
    """
    match = _TRS_CALL.search(text)
    if not match:
        return []
    total, _current, prefix, suffix = match.groups()
    total = min(int(total), MAX_GENERATED_PAGES)
    names = [f"{prefix}.{suffix}"] + [f"{prefix}_{i}.{suffix}" for i in range(1, total)]
    return [urljoin(url, name) for name in names]
