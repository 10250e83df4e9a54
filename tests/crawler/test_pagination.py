from crawler.pagination import MAX_GENERATED_PAGES, trs_pages, vsb_pages


def test_vsb_count_down_pages_from_newest_page():
    pages = vsb_pages("http://h/zfxxgk/zcjd.htm", ["http://h/zfxxgk/zcjd/3.htm", "http://h/zfxxgk/zcjd/1.htm"])
    assert pages == [f"http://h/zfxxgk/zcjd/{n}.htm" for n in (1, 2, 3)]


def test_vsb_ignores_other_columns_and_hosts():
    links = ["http://h/zfxxgk/other/9.htm", "http://evil/zfxxgk/zcjd/9.htm"]
    assert vsb_pages("http://h/zfxxgk/zcjd.htm", links) == []


def test_vsb_without_page_links_yields_nothing():
    assert vsb_pages("http://h/zfxxgk/zcjd.htm", ["http://h/info/1/2.htm"]) == []


def test_trs_create_page_html():
    text = '<script>createPageHTML(3, 0, "index", "shtml");</script>'
    assert trs_pages("http://h/col/index.shtml", text) == [
        "http://h/col/index.shtml",
        "http://h/col/index_1.shtml",
        "http://h/col/index_2.shtml",
    ]


def test_trs_page_count_is_bounded():
    text = "createPageHTML(99999999, 0, 'index', 'html')"
    assert len(trs_pages("http://h/col/", text)) == MAX_GENERATED_PAGES
