"""The links a page carries inside the portal, for the link graph (``storage.links``).

Only what a reader can follow counts: ``<a href>`` links in the markup a browser shows
(comments are dropped by the parser), resolved against the page and kept when they are
web links to one of the portal's hosts (host and port), attachments included. A link is
named by its text, else its title attribute. Each target is listed once per page, with
the first text that names it; a link to the page itself (an anchor on it) is no link.
"""

from urllib.parse import urlsplit

from w3lib.url import canonicalize_url

from crawler.text.html import collapse, read_tree, text_of
from crawler.text.urls import web_url

# Longer link text is cut: a link swallowing a page (an unclosed <a>) must not be stored whole.
MAX_TEXT = 200


def page_links(html: str, url: str, netlocs: set[str] | frozenset[str]) -> list[tuple[str, str]]:
    """``(target, text)`` of each distinct link of the page ``html`` at ``url`` to a host of
    ``netlocs``; targets canonical (:func:`w3lib.url.canonicalize_url`), in page order."""
    root = read_tree(html)
    if root is None:
        return []
    here = canonicalize_url(url)
    found: dict[str, str] = {}
    for anchor in root.iter("a"):
        href = anchor.get("href")
        absolute = web_url(href, url) if href else None
        if absolute is None or urlsplit(absolute).netloc not in netlocs:
            continue
        try:
            target = canonicalize_url(absolute)
        except ValueError:  # a malformed host or port: no link a browser could follow
            continue
        text = collapse(text_of(anchor)) or collapse(anchor.get("title") or "")
        if target != here and (target not in found or (text and not found[target])):
            found[target] = text[:MAX_TEXT]
    return list(found.items())
