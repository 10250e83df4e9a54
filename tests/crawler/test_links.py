"""The links a page carries inside the portal (``crawler.links``), read from saved pages."""

from crawler.links import page_links
from tests.responses import FILES

DETAIL_URL = "http://www.leda.gov.cn/info/1048/4263.htm"
HOST = {"www.leda.gov.cn"}


def test_a_saved_detail_pages_links_inside_the_portal_attachments_included():
    html = (FILES / "leda_vsb_detail.html").read_text(encoding="utf-8")
    assert page_links(html, DETAIL_URL, HOST) == [
        # The logo's link has no text; the 首页 link to the same page names it.
        ("http://www.leda.gov.cn/index.htm", "首页"),
        ("http://www.leda.gov.cn/zfxxgk.htm", "政府信息公开"),
        ("http://www.leda.gov.cn/zwdt.htm", "政务动态"),
        ("http://www.leda.gov.cn/files/zhinan.pdf", "公开指南"),
        ("http://www.leda.gov.cn/zfxxgk/bzjz.htm", "保障机制"),
        ("http://www.leda.gov.cn/zfxxgk/bzjz/zzgl.htm", "组织管理"),
        ("http://www.leda.gov.cn/zfxxgk/bzjz/zzgl/ywpx.htm", "业务培训"),
        # Canonical: the query's parameters sorted, as documents' URLs are stored.
        ("http://www.leda.gov.cn/system/_content/download.jsp?owner=1523867321&urltype=news.DownloadAttachUrl"
         "&wbfileid=3318806", "培训会议材料.docx"),
        ("http://www.leda.gov.cn/wzdt.htm", "网站地图"),
        ("http://www.leda.gov.cn/lxwm.htm", "联系我们"),
    ]


def test_links_off_the_portal_to_itself_in_comments_or_not_web_links_are_none():
    html = ('<html><body><a href="http://example.invalid/a.htm">away</a>'
            '<a href="http://www.leda.gov.cn:8080/b.htm">other port</a><a href="#top">top</a>'
            f'<a href="{DETAIL_URL}?">itself</a><a href="javascript:alert(1)">script</a>'
            '<a href="java\tscript:alert(1)">spaced script</a><!-- <a href="/hidden.htm">hidden</a> -->'
            '<a href="http://[::1/x">malformed</a><a href="c.htm" title="标题">  </a>'
            f'<a href="c.htm#part">{"长" * 300}</a></body></html>')
    assert page_links(html, DETAIL_URL, HOST) == [("http://www.leda.gov.cn/info/1048/c.htm", "标题")]


def test_a_link_swallowing_the_page_keeps_a_bounded_text_and_a_page_without_html_has_none():
    found = page_links(f'<a href="/x.htm">{"字" * 5000}', DETAIL_URL, HOST)
    assert found == [("http://www.leda.gov.cn/x.htm", "字" * 200)]
    assert page_links("", DETAIL_URL, HOST) == []
