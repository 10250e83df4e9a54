"""Attachment links that are scripts or inline data are never attachments, however they
are spelled: browsers strip controls and spaces at the ends and tabs and line breaks
inside before they read the scheme, and so does the parser."""

import pytest

from crawler.parsing import parse_page
from crawler.text.urls import web_url

PAGE_URL = "http://portal.example/info/1041/1.htm"
# As the page's HTML writes them (entities included), each ending like a document file.
HOSTILE_HREFS = [
    "javascript:alert(1)//a.pdf",
    " JaVaScRiPt:alert(1)//b.pdf",
    "java&#x09;script:alert(1)//c.pdf",
    "java&#10;script:alert(1)//d.doc",
    "jav&#x0D;ascript:alert(1)//e.xls",
    "&#x01;&#x20;javascript:alert(1)//f.pdf",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==#.pdf",
    "data:application/pdf;base64,JVBERi0xLjQ=.pdf",
    "DaTa:text/html,<script>alert(1)</script>.zip",
    "vbscript:msgbox(1)//g.doc",
    "VBScript&#x09;:msgbox(1)//h.docx",
    "file:///etc/passwd.pdf",
]


def page(hrefs) -> bytes:
    links = "".join(f'<p><a href="{href}">附件{n}.pdf</a></p>' for n, href in enumerate(hrefs))
    return (
        "<html><head><meta charset='utf-8'><title>通知</title></head><body><h1>关于印发通知的通知</h1>"
        "<table><tr><td>索引号</td><td>czj/2020-0001</td><td>发布机构</td><td>财政局</td>"
        f"<td>公开日期</td><td>2020-10-23</td></tr></table><div id='zoom'><p>正文。</p>{links}</div></body></html>"
    ).encode("utf-8")


def test_only_web_links_become_attachments():
    record = parse_page(page([*HOSTILE_HREFS, "/files/good.pdf", "https://cdn.example/ok.docx"]), PAGE_URL)
    assert [item["url"] for item in record["attachments"]] == [
        "http://portal.example/files/good.pdf", "https://cdn.example/ok.docx"]


@pytest.mark.parametrize("href", HOSTILE_HREFS)
def test_each_hostile_spelling_is_refused(href):
    assert parse_page(page([href]), PAGE_URL)["attachments"] == []


def test_without_a_page_url_relative_links_stay_and_scripts_still_go():
    record = parse_page(page(["files/a.pdf", *HOSTILE_HREFS]), None)
    assert [item["url"] for item in record["attachments"]] == ["files/a.pdf"]


@pytest.mark.parametrize("href, base, expected", [
    ("\x00\x1f javascript:x", None, None),
    ("java\x00script:x.pdf", PAGE_URL, None),   # a control character no real link holds
    ("http://host/\x07a.pdf", None, None),
    ("data:,x", PAGE_URL, None),
    ("\t/files/a.pdf\n", PAGE_URL, "http://portal.example/files/a.pdf"),
    ("ht\ntp://host/a.pdf", None, "http://host/a.pdf"),
    ("//host/a.pdf", PAGE_URL, "http://host/a.pdf"),
    ("a.pdf", "file:///tmp/page.htm", None),     # relative to a page that is not on the web
    ("http://[::1/a.pdf", None, None),           # malformed IPv6 host
])
def test_web_url_cleans_like_a_browser(href, base, expected):
    assert web_url(href, base) == expected
