"""When a response is a page cut short (the crawls over real HTTP are in test_crawl_faults)."""

import pytest

from crawler.middlewares import cut_short

PAGE = "<!DOCTYPE html>\n<html><head><title>通知</title></head><body><p>索引号：x/2020-0001</p></body></html>\n".encode()
HTML = "text/html; charset=utf-8"


def test_a_body_shorter_than_its_length_is_cut_short_whatever_it_holds():
    assert cut_short(PAGE, HTML, length_lost=True, close_delimited=False)


@pytest.mark.parametrize("body", [PAGE, PAGE.replace(b"</html>", b""), PAGE.replace(b"</body></html>", b"</BODY >")])
def test_a_close_delimited_page_that_reaches_its_end_is_whole(body):
    assert not cut_short(body, HTML, length_lost=False, close_delimited=True)


@pytest.mark.parametrize("cut", [len(PAGE) // 2, len(PAGE) - 15, 0])
def test_a_close_delimited_page_without_its_end_is_cut_short(cut):
    assert cut_short(PAGE[:cut], HTML, length_lost=False, close_delimited=True)


def test_html_under_another_type_is_judged_by_its_markup():
    assert cut_short(PAGE[: len(PAGE) // 2], "application/octet-stream", length_lost=False, close_delimited=True)
    assert not cut_short(PAGE, "application/octet-stream", length_lost=False, close_delimited=True)


def test_what_is_not_html_cannot_be_judged_without_a_length():
    assert not cut_short(b"User-agent: *\nDisallow: /se", "text/plain", length_lost=False, close_delimited=True)
    assert not cut_short(b"%PDF-1.4\n", "application/pdf", length_lost=False, close_delimited=True)


def test_a_page_of_its_stated_length_is_whole_even_without_closing_tags():
    assert not cut_short(PAGE[: len(PAGE) // 2], HTML, length_lost=False, close_delimited=False)
