"""The real 甘肃省教育厅 文件通知 listing: its list and pager sit inside an HTML comment."""

from pathlib import Path

import pytest

from crawler.listings import javascript_finding, read_listing
from crawler.pagination import listing_pages

FILE = Path(__file__).parent.parent / "files" / "real" / "pages" / "list-gansu-jyt-wjtz.html"
URL = "https://jyt.gansu.gov.cn/jyt/c110634/zwgklist.shtml"


@pytest.fixture(scope="module")
def html():
    return FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def listing(html):
    return read_listing(html, URL)


@pytest.fixture(scope="module")
def documents(listing):
    return [link for link in listing.links if link.listed_on]


def test_twenty_document_links(documents):
    assert len(documents) == 20


def test_every_document_link_is_inside_the_comment(documents):
    assert all(link.hidden for link in documents)


def test_first_document_link_and_its_date(documents):
    assert (documents[0].url, documents[0].listed_on) == (
        "https://jyt.gansu.gov.cn/jyt/c110634/202511/174240943.shtml", "2025-11-17")


def test_last_document_link_and_its_date(documents):
    assert (documents[-1].url, documents[-1].listed_on) == (
        "https://jyt.gansu.gov.cn/jyt/c110634/202506/174155064.shtml", "2025-06-09")


def test_document_links_are_in_the_column(documents):
    assert all(link.url.startswith("https://jyt.gansu.gov.cn/jyt/c110634/2025") for link in documents)


def test_ten_pages_from_the_commented_create_page_html(html, listing):
    pages = listing_pages(URL, html, [link.url for link in listing.links])
    assert pages == ["https://jyt.gansu.gov.cn/jyt/c110634/zwgklist.shtml"] + [
        f"https://jyt.gansu.gov.cn/jyt/c110634/zwgklist_{n}.shtml" for n in range(2, 11)]


def test_title_names_the_column(listing):
    assert listing.title == "文件通知 - 甘肃省教育厅"


def test_rendered_by_the_xxgk_page_script(listing):
    assert listing.rendered_by == "script xxgkPage.js"


def test_finding_says_the_documents_were_read_from_hidden_markup(listing):
    assert javascript_finding(listing) == (
        "the list is rendered by JavaScript (script xxgkPage.js); 20 document links were read from markup "
        "the page hides (HTML comments, data islands)")


def test_navigation_links_are_shown_links_without_dates(listing):
    shown = [link for link in listing.links if not link.hidden]
    assert "https://jyt.gansu.gov.cn/jyt/c107268/zwgk.shtml" in [link.url for link in shown]
    assert not any(link.listed_on for link in shown)
