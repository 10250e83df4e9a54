from crawler.pagination import (
    MAX_GENERATED_PAGES,
    create_page_html_pages,
    declared_page_count,
    listing_pages,
    numbered_pages,
    query_pages,
    vsb_pages,
)


def test_vsb_count_down_pages_from_newest_page():
    pages = vsb_pages("http://h/zfxxgk/zcjd.htm", ["http://h/zfxxgk/zcjd/3.htm", "http://h/zfxxgk/zcjd/1.htm"])
    # Reading order: the page after the index page is the highest number.
    assert pages == [f"http://h/zfxxgk/zcjd/{n}.htm" for n in (3, 2, 1)]


def test_vsb_bound_keeps_the_newest_pages():
    pages = vsb_pages("http://h/zfxxgk/zcjd.htm", ["http://h/zfxxgk/zcjd/99999.htm"])
    assert len(pages) == MAX_GENERATED_PAGES
    assert pages[0] == "http://h/zfxxgk/zcjd/99999.htm" and pages[-1].endswith(f"/{99999 - MAX_GENERATED_PAGES + 1}.htm")


def test_vsb_ignores_other_columns_and_hosts():
    links = ["http://h/zfxxgk/other/9.htm", "http://evil/zfxxgk/zcjd/9.htm"]
    assert vsb_pages("http://h/zfxxgk/zcjd.htm", links) == []


def test_vsb_without_page_links_yields_nothing():
    assert vsb_pages("http://h/zfxxgk/zcjd.htm", ["http://h/info/1/2.htm"]) == []


def test_trs_create_page_html_counts_from_zero():
    text = '<script>createPageHTML(3, 0, "index", "shtml");</script>'
    assert create_page_html_pages("http://h/col/index.shtml", text) == [
        "http://h/col/index.shtml",
        "http://h/col/index_1.shtml",
        "http://h/col/index_2.shtml",
    ]


def test_container_first_create_page_html_names_page_two_with_2():
    text = "<script>createPageHTML('page_div', 3, 1, 'zwgklist', 'shtml', 60);</script>"
    assert create_page_html_pages("http://h/col/zwgklist.shtml", text) == [
        "http://h/col/zwgklist.shtml",
        "http://h/col/zwgklist_2.shtml",
        "http://h/col/zwgklist_3.shtml",
    ]


def test_create_page_html_tolerates_spaces_quotes_and_a_missing_record_count():
    text = "createPageHTML ( \"page_div\" ,'2' ,1 , \"list\" , 'html' )"
    assert create_page_html_pages("http://h/c/", text) == ["http://h/c/list.html", "http://h/c/list_2.html"]


def test_create_page_html_definition_describes_no_page():
    text = ("function createPageHTML(divName,_nPageCount, _nCurrIndex, _sPageName, _sPageExt,_nPageSum){}"
            "function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){}")
    assert create_page_html_pages("http://h/c/", text) == []


def test_create_page_html_with_no_pages_describes_none():
    assert create_page_html_pages("http://h/c/", "createPageHTML('page_div', 0, 1, 'list', 'html', 0)") == []


def test_trs_page_count_is_bounded():
    text = "createPageHTML(99999999, 0, 'index', 'html')"
    assert len(create_page_html_pages("http://h/col/", text)) == MAX_GENERATED_PAGES


def test_container_first_page_count_is_bounded():
    text = "createPageHTML('d', 99999999, 1, 'index', 'html', 1)"
    assert len(create_page_html_pages("http://h/col/", text)) == MAX_GENERATED_PAGES


def test_declared_count_from_gong_n_ye_with_markup_and_spaces():
    assert declared_page_count("<span>共 5 页</span>") == 5
    assert declared_page_count("共<b>12</b>页 共200条") == 12


def test_record_count_is_not_a_page_count():
    assert declared_page_count("共200条 1/10页") is None


def test_declared_count_from_a_select_of_page_numbers():
    select = '<select onchange="go(this.value)"><option value="1">1</option><option>2</option><option>第3页</option></select>'
    assert declared_page_count(select) == 3


def test_a_select_of_years_is_not_a_page_list():
    assert declared_page_count("<select><option>2019</option><option>2020</option></select>") is None


def test_last_link_index_4_of_five_pages_counts_from_zero():
    pages = numbered_pages("http://h/col/index.shtml", ["http://h/col/index_4.shtml"], 5)
    assert pages == [f"http://h/col/index_{n}.shtml" for n in (1, 2, 3, 4)]


def test_last_link_index_5_of_five_pages_counts_from_one():
    pages = numbered_pages("http://h/col/index.shtml", ["http://h/col/index_5.shtml"], 5)
    assert pages == [f"http://h/col/index_{n}.shtml" for n in (2, 3, 4, 5)]


def test_numbered_pages_fill_the_gap_to_the_last_link_without_a_count():
    links = ["http://h/col/index_1.shtml", "http://h/col/index_2.shtml", "http://h/col/index_6.shtml"]
    assert numbered_pages("http://h/col/index_2.shtml", links) == [f"http://h/col/index_{n}.shtml" for n in range(1, 7)]


def test_numbered_pages_of_a_directory_listing_use_index():
    assert numbered_pages("http://h/col/", ["http://h/col/index_2.html"]) == ["http://h/col/index_2.html"]


def test_numbered_pages_ignore_documents_other_directories_and_hosts():
    links = ["http://h/col/art_12_345.html", "http://h/other/index_9.shtml", "http://evil/col/index_9.shtml"]
    assert numbered_pages("http://h/col/index.shtml", links, 9) == []


def test_query_pages_from_one_to_the_highest_linked():
    pages = query_pages("http://h/list.jsp?cid=3", ["http://h/list.jsp?cid=3&pageNum=3", "/other"])
    assert pages == [f"http://h/list.jsp?cid=3&pageNum={n}" for n in (1, 2, 3)]


def test_query_pages_reach_the_declared_count_on_the_listing_path():
    pages = query_pages("http://h/list.aspx", ["http://h/list.aspx?page=2"], 4)
    assert pages == [f"http://h/list.aspx?page={n}" for n in (1, 2, 3, 4)]


def test_query_pages_starting_at_zero_keep_page_zero():
    pages = query_pages("http://h/l", ["http://h/l?pageIndex=0", "http://h/l?pageIndex=2"])
    assert pages == [f"http://h/l?pageIndex={n}" for n in (0, 1, 2)]


def test_query_pages_ignore_other_hosts_and_non_page_parameters():
    links = ["http://evil/l?page=9", "http://h/l?id=9", "http://h/l?page=x"]
    assert query_pages("http://h/l", links) == []


def test_query_page_count_is_bounded():
    assert len(query_pages("http://h/l", ["http://h/l?pageNo=99999999"])) == MAX_GENERATED_PAGES


def test_listing_pages_stay_on_the_listing_host():
    text = "createPageHTML(2, 0, 'http://evil/x', 'html') createPageHTML(2, 0, '//evil/x', 'html')"
    links = ["http://evil/col/index_2.shtml", "http://evil/col/?page=2", "http://evil/col/9.htm"]
    assert listing_pages("http://h/col/", text, links) == []


def test_create_page_html_prefix_may_be_a_path_on_the_host():
    assert create_page_html_pages("http://h/a/b/", "createPageHTML(1, 0, '/col/index', 'html')") == [
        "http://h/col/index.html"]


def test_listing_pages_combine_and_deduplicate():
    text = "共3页 createPageHTML(3, 0, 'index', 'shtml')"
    pages = listing_pages("http://h/col/index.shtml", text, ["http://h/col/index_1.shtml"])
    assert pages == ["http://h/col/index.shtml", "http://h/col/index_1.shtml", "http://h/col/index_2.shtml"]
