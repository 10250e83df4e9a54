"""Which links are web links: what a browser would make of an ``href`` a portal wrote."""

import re
from urllib.parse import urljoin, urlsplit

WEB_SCHEMES = ("http", "https")
# The URL standard strips C0 controls and spaces from both ends of a URL and removes
# tabs and line breaks inside it, so a browser runs "java\tscript:" as javascript:.
_ENDS = "".join(map(chr, range(0x21)))
_INSIDE = str.maketrans("", "", "\t\n\r")
# Any control character left after that: no real link has one.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def web_url(href: str, base: str | None = None) -> str | None:
    """``href`` as the http(s) URL a browser would follow, or None when it is not a web link.

    ``href`` is cleaned as a browser cleans it, then resolved against ``base`` (the
    page's URL). Any scheme but http and https (``javascript:``, ``data:``,
    ``vbscript:`` …, however it is spaced or cased) gives None, as does a link still
    holding a control character or a base that is not a web page. Without ``base`` a
    relative link is returned as it is: it names no scheme.
    """
    cleaned = href.strip(_ENDS).translate(_INSIDE)
    if _CONTROL.search(cleaned):
        return None
    try:
        absolute = urljoin(base, cleaned) if base else cleaned
        scheme = urlsplit(absolute).scheme.lower()
    except ValueError:
        return None  # e.g. a malformed IPv6 host
    return absolute if scheme in WEB_SCHEMES or not (scheme or base) else None


def web_attachments(record: dict) -> dict:
    """``record`` keeping only attachments whose URL is a web link: never a javascript: or data: URL."""
    attachments = record.get("attachments") or []
    kept = [{**item, "url": url} for item in attachments if (url := web_url(item.get("url") or ""))]
    return record if kept == attachments else {**record, "attachments": kept}
