"""A site profile's own article containers rank before the generic CMS ones."""

from crawler.parsing import BodyHints, parse_page

PAGE = """<html><head><title>关于印发某某办法的通知</title></head><body>
<table><tr><td>索引号：</td><td>11371300MB28569548/2020-00001</td></tr>
<tr><td>发布日期：</td><td>2020-03-02</td></tr></table>
<div class="TRS_Editor"><p>相关链接：本站的推荐阅读栏目，与正文无关的一段文字。</p></div>
<div class="wenzhang"><p>各有关单位：现将某某办法印发给你们，请认真贯彻执行。</p></div>
</body></html>""".encode()


def test_without_hints_the_generic_container_is_the_body():
    assert "推荐阅读" in parse_page(PAGE, "http://a.gov.cn/info/1.htm")["body_text"]


def test_a_profile_class_is_the_body():
    record = parse_page(PAGE, "http://a.gov.cn/info/1.htm", hints=BodyHints(classes=("wenzhang",)))
    assert record["body_text"] == "各有关单位：现将某某办法印发给你们，请认真贯彻执行。"


def test_a_profile_id_is_the_body():
    page = PAGE.replace(b'class="wenzhang"', b'id="art"')
    record = parse_page(page, "http://a.gov.cn/info/1.htm", hints=BodyHints(ids=("art",)))
    assert record["body_text"] == "各有关单位：现将某某办法印发给你们，请认真贯彻执行。"
