"""Which attachment links are files to keep in the archive, by their kind.

An auditor's case can rest on what a document attached (the signed PDF, the table in
Excel), so those are archived with the page: PDF, Word, WPS, Excel, OFD and archives.
Images and media are not evidence of what a document said and are left out.
"""

import re
from urllib.parse import unquote, urlsplit

from crawler.parsing import is_attachment_url

ARCHIVED_EXTENSIONS = frozenset({"pdf", "doc", "docx", "wps", "xls", "xlsx", "et", "ofd", "zip", "rar", "7z"})
ATTACHMENT_SKIPPED = "attachment_skipped"
_EXTENSION_RE = re.compile(r"\.([A-Za-z0-9]{2,5})\s*$")


def extension(text: str) -> str | None:
    """The lower-case extension ``text`` (a path or a file name) ends in, if any."""
    match = _EXTENSION_RE.search(text)
    return match.group(1).lower() if match else None


def is_file_of(url: str, name: str | None, extensions: frozenset) -> bool:
    """True for an attachment link to a file with one of ``extensions``, or to a CMS download
    endpoint whose link text does not name another kind of file."""
    if not is_attachment_url(url):
        return False
    found = extension(unquote(urlsplit(url).path))
    if found in extensions:
        return True
    if found == "jsp":  # download.jsp / downfile.jsp: the file's name is only in the link text
        named = extension(name or "")
        return named is None or named in extensions
    return False


def is_archived_attachment(url: str, name: str | None) -> bool:
    """True for an attachment the crawl downloads into the archive."""
    return is_file_of(url, name, ARCHIVED_EXTENSIONS)
