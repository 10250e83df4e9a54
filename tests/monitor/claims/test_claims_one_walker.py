"""A report read from its file and the same report crawled as a page give the same claims.

Both go through the one HTML-to-lines walk of ``crawler.parsing``; a row label broken
by ``<br>`` inside its cell stays one table row in both.
"""

from pathlib import Path

import pytest

from crawler.parsing import parse_page
from monitor.claims.extract import extract_claims, report_text

REPORT = Path(__file__).parents[2] / "files" / "reports" / "alpha-2021-annual-report.html"


def _with_broken_labels(html: str) -> str:
    """The report with its row labels hard-broken inside their cells, as Word exports do."""
    return html.replace("本年新收", "本年<br>新收").replace("上年结转", "上年<br/>结转").replace("总计", "总<br>计")


@pytest.fixture(scope="module", params=["as published", "labels broken by <br>"])
def html(request) -> str:
    text = REPORT.read_text(encoding="utf-8")
    return text if request.param == "as published" else _with_broken_labels(text)


def test_file_and_crawled_page_give_the_same_claims(html):
    from_file = extract_claims(report_text(html.encode("utf-8")))
    record = parse_page(html.encode("utf-8"), "http://portal.example/info/1/2.htm")
    from_crawl = extract_claims(report_text(record["body_text"], "text"))
    assert from_crawl["claims"] == from_file["claims"]
    assert from_crawl["consistency"] == from_file["consistency"]


def test_a_br_inside_a_cell_keeps_the_row_on_one_line(html):
    lines = report_text(html.encode("utf-8")).splitlines()
    row = next(line for line in lines if "新收" in line)
    assert row.split("\t") == ["一、本年新收政府信息公开申请数量", "8", "3", "0", "0", "0", "0", "12"]
