"""parse_page must survive anything a server can send: never raise, always a full record."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.parsing import RECORD_KEYS, parse_page
from crawler.text.decoding import decode_body

FILES = Path(__file__).parents[1] / "files"
FIXTURES = [path.read_bytes() for path in sorted([*FILES.glob("*.html"), *FILES.glob("real/pages/*.html")])]
CHARSETS = st.one_of(st.none(), st.sampled_from(["utf-8", "gbk", "gb2312", "latin-1", "base64", "bogus", ""]))


def assert_record(record: dict) -> None:
    assert tuple(record) == RECORD_KEYS
    assert isinstance(record["is_disclosure"], bool)
    assert isinstance(record["fields"], dict)
    assert isinstance(record["warnings"], list)
    assert all(set(attachment) == {"name", "url"} for attachment in record["attachments"])
    # The parser catches its own crashes so the crawl goes on; a test must still see them.
    assert not [warning for warning in record["warnings"] if warning.startswith("parse failed")]


def test_fixtures_are_present():
    assert len(FIXTURES) >= 11


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=4096), CHARSETS)
def test_arbitrary_bytes(body, charset):
    assert_record(parse_page(body, url="http://example.gov.cn/a/b.htm", charset=charset))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2048), CHARSETS)
def test_decode_body_always_returns_text(body, charset):
    text, encoding = decode_body(body, charset)
    assert isinstance(text, str)
    assert isinstance(encoding, str) and encoding


@st.composite
def mutated_fixture(draw):
    """A fixture page cut short, with random bytes inserted, or both."""
    page = draw(st.sampled_from(FIXTURES))
    cut = draw(st.integers(min_value=0, max_value=len(page)))
    at = draw(st.integers(min_value=0, max_value=cut))
    inserted = draw(st.binary(max_size=64))
    return page[:at] + inserted + page[at:cut]


@settings(max_examples=150, deadline=None)
@given(mutated_fixture(), st.sampled_from([None, "http://www.leda.gov.cn/info/1/2.htm", "http://[::1"]))
def test_mutated_fixtures(body, url):
    assert_record(parse_page(body, url=url))


def test_deeply_nested_divs():
    body = b"<html><body>" + b"<div>" * 5000 + "索引号：x/2020-1 正文".encode() + b"</div>" * 5000
    record = parse_page(body)
    assert_record(record)
    assert "page nested too deeply: content past 2048 levels was dropped" in record["warnings"]


def test_content_nested_hundreds_of_levels_deep_is_kept():
    body = b"<html><body>" + b"<div>" * 1500 + "索引号：x/2020-1".encode() + b"</div>" * 1500
    record = parse_page(body)
    assert record["index_no"] == "x/2020-1"
    assert not [warning for warning in record["warnings"] if "nested" in warning]


def test_deeply_nested_unclosed_tables():
    assert_record(parse_page(b"<table><tr><td>" * 3000 + "发布机构：".encode()))


def test_huge_attribute():
    body = b'<html><body><a href="x.pdf" title="' + b"a" * 5_000_000 + b'">f</a><p>text</p></body></html>'
    assert_record(parse_page(body))


def test_empty_and_non_bytes_input():
    for body in (b"", None, "a str, not bytes", 42):
        record = parse_page(body)
        assert_record(record)
        assert record["warnings"] == ["empty page"]


def test_whitespace_only_page_says_there_is_no_document():
    assert parse_page(b"   ")["warnings"] == ["no HTML document in page"]
