"""A small portal whose 年报 column publishes annual reports as files, served on 127.0.0.1.

``tests/files/report_site/`` holds its pages. What it serves:

- ``/xxgk/nb.htm``: the column's listing, linking the report pages, the 2018 report's
  file directly (through ``download.jsp``, under a shortened title), a spreadsheet and
  a notice that is not a report;
- report pages saying only 详见附件: 2020 attaches the report through ``download.jsp``
  (``SiteFiles.report_2020``, served as ``application/octet-stream`` the way download
  endpoints do), 2021's attachment answers 404, 2017's is disallowed by robots.txt and
  2016's is larger than the crawl's limit for report files;
- the notice attaches a PDF that is not a report.

``requests`` counts what was asked for, so tests can tell what the crawl never fetched.
"""

from collections import Counter
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template
from urllib.parse import quote

from monitor.demo.sample_portal.routes import Response

PAGES = Path(__file__).parent / "files" / "report_site"
REPORT_2020 = files("monitor.demo.sample_portal").joinpath("annual_report_2020.md").read_bytes()
REPORT_2018 = (PAGES / "report-2018.txt").read_bytes()
DOWNLOAD = "/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1&wbfileid="
REPORT_2020_FILE = DOWNLOAD + "20"
REPORT_2018_FILE = DOWNLOAD + "18"
MISSING_FILE = DOWNLOAD + "21"
PRIVATE_FILE = "/private/2017.pdf"
HUGE_FILE = "/uploadfiles/2017/0322/" + quote("2016年报.pdf")
NOTICE_FILE = "/uploadfiles/2021/notice.pdf"
SPREADSHEET = "/uploadfiles/2021/tables.xls"
HUGE_BYTES = 60 * 1024 * 1024
ROBOTS = "User-agent: *\nDisallow: /private/\n"


@dataclass(frozen=True)
class Page:
    """A report page (or the notice) of the column, rendered from ``detail.html``."""

    path: str
    title: str
    published: str
    href: str
    name: str
    column: str = "政府信息公开年报"

    def html(self) -> bytes:
        template = Template((PAGES / "detail.html").read_text(encoding="utf-8"))
        index_no = f"sampleqzf/{self.published[:4]}-{self.path[-8:-4]}"
        return template.substitute(
            title=self.title, published=self.published, href=self.href.replace("&", "&amp;"), name=self.name,
            column=self.column, index_no=index_no,
        ).encode("utf-8")


DETAILS = [
    Page("/info/1061/2021.htm", "示例区2021年政府信息公开工作年度报告", "2022-01-20", MISSING_FILE,
         "示例区2021年政府信息公开工作年度报告.pdf"),
    Page("/info/1061/2020.htm", "示例区2020年政府信息公开工作年度报告", "2021-01-28", REPORT_2020_FILE,
         "示例区2020年政府信息公开工作年度报告"),
    Page("/info/1061/2017.htm", "示例区2017年政府信息公开工作年度报告", "2018-03-20", PRIVATE_FILE,
         "2017年报.pdf"),
    Page("/info/1061/2016.htm", "示例区2016年政府信息公开工作年度报告", "2017-03-22", HUGE_FILE, "2016年报.pdf"),
    Page("/info/1062/3001.htm", "关于开展2020年度企业年报公示工作的通知", "2021-03-01", NOTICE_FILE,
         "附件：公示流程.pdf", column="通知公告"),
]


class ReportSite:
    """The site, as a ``faults`` callable of the sample portal's server that answers every
    request itself: ``serve(faults=ReportSite())``. ``report_2020`` may be replaced while
    it is served."""

    def __init__(self, report_2020: bytes = REPORT_2020):
        self.report_2020 = report_2020
        self.requests: Counter[str] = Counter()

    def __call__(self, target: str) -> Response:
        self.requests[target] += 1
        html = "text/html; charset=utf-8"
        if target == HUGE_FILE:
            # Announced larger than the crawl accepts; the crawl hangs up on the header.
            return Response(200, "application/pdf", b"%PDF-1.4\n", declared_length=HUGE_BYTES)
        routes = {
            "/": (html, '<html><body><a href="/xxgk/nb.htm">年报</a></body></html>'.encode("utf-8")),
            "/robots.txt": ("text/plain", ROBOTS.encode("ascii")),
            "/xxgk/nb.htm": (html, (PAGES / "listing.html").read_bytes()),
            REPORT_2020_FILE: ("application/octet-stream", self.report_2020),
            REPORT_2018_FILE: ("application/octet-stream", REPORT_2018),
            PRIVATE_FILE: ("application/pdf", b"%PDF-1.4\n%%EOF\n"),
            NOTICE_FILE: ("application/pdf", b"%PDF-1.4\n%%EOF\n"),
            SPREADSHEET: ("application/vnd.ms-excel", b"not a report"),
            **{page.path: (html, page.html()) for page in DETAILS},
        }
        if target not in routes:
            return Response(404, html, b"<html><body>404</body></html>")
        return Response(200, *routes[target])
