"""Links a listing shows and hides, and the signs that a script renders its list."""

from crawler.listings import javascript_finding, read_listing
from monitor.demo.sample_portal import pages
from monitor.demo.sample_portal.model import build_portal

URL = "http://h/col/index.shtml"


def page(head="", body=""):
    return f"<html><head><title>通知公告</title>{head}</head><body>{body}</body></html>"


def test_sample_portal_listing_with_static_links_is_not_flagged():
    portal = build_portal(size=200)
    listing = read_listing(pages.render_listing(portal, "tzgg", 1), "http://h/zfxxgk/tzgg.htm")
    assert listing.rendered_by is None
    assert javascript_finding(listing) is None
    assert any(link.listed_on for link in listing.links)


def test_static_dated_links_beside_a_list_script_are_not_flagged():
    html = page('<script src="/js/xxgkPage.js"></script>',
                '<ul><li><a href="/col/202501/1.shtml">通知</a><span>2025-01-02</span></li></ul>')
    assert read_listing(html, URL).rendered_by is None


def test_a_page_without_documents_or_list_script_is_not_flagged():
    assert read_listing(page(body='<a href="/col/a.shtml">机构设置</a>'), URL).rendered_by is None


def test_links_in_a_comment_are_hidden_links_with_their_dates():
    html = page(body='<ul><!-- <li><a href="202501/1.shtml">通知</a><b>2025-01-02</b></li> --></ul>')
    links = read_listing(html, URL).links
    assert [(link.url, link.listed_on, link.hidden) for link in links] == [
        ("http://h/col/202501/1.shtml", "2025-01-02", True)]


def test_hanweb_data_island_records_are_hidden_links():
    island = ('<div id="4421"><script type="text/xml"><datastore><recordset>'
              '<record><![CDATA[<li><a href="/art/2021/3/5/art_12_345.html">公告</a><span>2021-03-05</span></li>]]>'
              '</record></recordset></datastore></script></div>'
              '<script src="/module/jslib/jquery/jpage/jquery.page.min.js"></script>')
    listing = read_listing(page(body=island), URL)
    assert [(link.url, link.listed_on, link.hidden) for link in listing.links] == [
        ("http://h/art/2021/3/5/art_12_345.html", "2021-03-05", True)]
    assert listing.rendered_by == "script jquery.page.min.js"


def test_select_option_page_urls_are_links():
    html = page(body='<select onchange="location=this.value"><option value="index.shtml">1</option>'
                     '<option value="index_1.shtml">2</option><option value="2">x</option></select>')
    assert [link.url for link in read_listing(html, URL).links] == [URL, "http://h/col/index_1.shtml"]


def test_hanweb_dataproxy_inline_script_is_a_sign():
    html = page(body="<div id='x'></div><script>$('#x').jpage({dataproxy:'/module/web/jpage/dataproxy.jsp'})</script>")
    assert read_listing(html, URL).rendered_by == "Hanweb jpage list"


def test_uid_page_num_api_is_a_sign():
    html = page(body="<script>load('/api/list?uid=5ac2&pageNum=' + n)</script>")
    assert read_listing(html, URL).rendered_by == "a ?uid=…&pageNum= list API"


def test_vue_v_for_is_a_sign():
    html = page(body='<ul><li v-for="item in list"><a :href="item.url">{{ item.title }}</a></li></ul>')
    assert read_listing(html, URL).rendered_by == "a Vue v-for template"


def test_placeholders_alone_are_a_sign():
    assert read_listing(page(body="<ul><li>{{ doc.title }}</li></ul>"), URL).rendered_by == "{{ }} template placeholders"


def test_placeholders_inside_scripts_are_not_a_sign():
    assert read_listing(page(body="<script>var t = '{{x}}';</script>"), URL).rendered_by is None


def test_empty_list_container_filled_by_a_script_is_a_sign():
    html = page(body='<ul id="newsList"></ul><script>$("#newsList").html(render(data))</script>')
    assert read_listing(html, URL).rendered_by == "an empty list container #newsList filled by a script"


def test_empty_list_container_no_script_mentions_is_not_a_sign():
    assert read_listing(page(body='<ul id="newsList"></ul>'), URL).rendered_by is None


def test_finding_without_hidden_links_says_nothing_was_crawled():
    listing = read_listing(page(body="<ul><li ng-repeat='d in docs'>{{d.title}}</li></ul>"), URL)
    assert javascript_finding(listing) == ("the list is rendered by JavaScript (an Angular ng-repeat template); "
                                           "its documents are not in the static page and were not crawled")


def test_empty_and_declared_encoding_pages_are_read():
    assert read_listing("", URL).links == ()
    declared = '<?xml version="1.0" encoding="gbk"?><html><body><a href="a.shtml">a</a></body></html>'
    assert [link.url for link in read_listing(declared, URL).links] == ["http://h/col/a.shtml"]
