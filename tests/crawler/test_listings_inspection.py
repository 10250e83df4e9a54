"""What a listing tells the inspection checks: that it lists nothing, and the dates it shows."""

from crawler.listings import blank_marker, read_listing, shown_dates

URL = "http://portal/zfxxgk/yjya.htm"


def listing(body: str) -> tuple:
    html = f"<html><head><title>应急预案</title></head><body>{body}</body></html>"
    return read_listing(html, URL), html


def test_an_empty_listing_that_says_so_is_blank():
    assert blank_marker(*listing('<ul><li class="empty">暂无信息</li></ul><a href="/index.htm">首页</a>')) == "暂无信息"


def test_a_listing_with_documents_or_without_the_words_is_not_blank():
    assert blank_marker(*listing('<li><a href="/info/1/2.htm">通知</a><span>2021-03-01</span></li>'
                                 "<p>暂无信息</p>")) is None
    # A column index linking its sub-columns shows no dates and says nothing of being empty.
    assert blank_marker(*listing('<a href="/zfxxgk/a.htm">财政信息</a><a href="/zfxxgk/b.htm">公共监管</a>')) is None


def test_words_in_a_script_or_a_list_a_script_renders_are_not_blank():
    assert blank_marker(*listing('<script>var empty = "暂无信息";</script>')) is None
    assert blank_marker(*listing('<div id="list">暂无数据</div><script src="/js/xxgkPage.js"></script>')) is None


def test_shown_dates_are_the_dates_beside_shown_links_newest_first():
    found, _ = listing('<li><a href="/info/1/2.htm">甲</a><span>2021-03-01</span></li>'
                       '<li><a href="/info/1/3.htm">乙</a><span>2021-05-01</span></li>'
                       '<!-- <li><a href="/info/1/4.htm">丙</a><span>2022-01-01</span></li> -->')
    assert shown_dates(found) == ["2021-05-01", "2021-03-01"]
