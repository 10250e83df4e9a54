"""Which pages are annual reports on government information disclosure, and which links are their files.

The 政府信息公开工作年度报告 is often published as a file rather than a page: a detail
page that says 详见附件 and attaches a PDF or Word file, or a 年报 column whose listing
links the file itself. The spider downloads those files (only those: other attachments
are not the audit's business) so the audit can read the report.
"""

import re
from urllib.parse import unquote, urlsplit

from crawler.attachments import is_file_of

# 2020年政府信息公开工作年度报告, XX局2020年度政府信息公开年报, 关于2020年政府信息公开工作报告的公告 …
_REPORT_TITLE_RE = re.compile(r"(?:19|20)\d{2}\s*年.{0,40}?政府信息公开.{0,12}?(?:报告|年报)")
_YEAR_RE = re.compile(r"(?:19|20)\d{2}\s*年")
_REPORT_COLUMN_RE = re.compile(r"年报|年度报告")
# The formats reports are published in; spreadsheets and archives are not a report's text.
_REPORT_EXTENSIONS = frozenset({"pdf", "docx", "doc", "wps", "ofd"})


def is_annual_report(title: str | None, breadcrumb: list[str]) -> bool:
    """True for a page on one year's disclosure work: its title says so, or a year in a 年报 column.

    The same test as the audit's search for a year's report: a year in the title, and the
    title naming the report or the column being the annual reports'.
    """
    title = title or ""
    if _REPORT_TITLE_RE.search(title):
        return True
    return bool(_YEAR_RE.search(title)) and any(_REPORT_COLUMN_RE.search(crumb) for crumb in breadcrumb)


def is_report_file(url: str, name: str | None) -> bool:
    """True for a link that can be the report's document: a PDF, Word, WPS or OFD file, or a
    CMS download endpoint whose link text does not name another kind of file."""
    return is_file_of(url, name, _REPORT_EXTENSIONS)


def report_files(title: str | None, breadcrumb: list[str], attachments: list[dict]) -> list[dict]:
    """The attachments (``{name, url}``) of a page to download as its report's files; none
    unless the page is an annual report."""
    if not is_annual_report(title, breadcrumb):
        return []
    return [item for item in attachments if is_report_file(item["url"], item.get("name"))]


def listed_report_title(url: str, text: str, tooltip: str | None = None) -> str | None:
    """For a listing's link straight to a report file, the report's title: the link's
    ``tooltip`` (its title attribute, which listings fill when they cut the text short),
    its ``text`` or else its file name, whichever is an annual report's title. None for any
    other link."""
    if not is_report_file(url, text):
        return None
    candidates = (tooltip, text, unquote(urlsplit(url).path.rsplit("/", 1)[-1]))
    return next((name for name in candidates if name and _REPORT_TITLE_RE.search(name)), None)
