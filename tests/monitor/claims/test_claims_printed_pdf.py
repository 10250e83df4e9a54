"""The real Shanghai 2019 report printed to PDF by a browser reads as its HTML does.

``tests/files/reports/shanghai-2019-printed-by-chromium.pdf`` was made from the real
page (``tests/files/real/reports/shanghai-szfbgt-2019.html``) with the CSS
``table{border-collapse:collapse} td,th{border:1px solid #000;padding:2px}
body{font-size:15px;width:600px}`` added, by ``chromium --headless --no-sandbox
--print-to-pdf=… --no-pdf-header-footer file://…``. It differs from the WPS-made PDF
of the Huai'an report in each way a printed page can: ragged-right prose with no
paragraph indent, a table row cut by a page break with no rule drawn where it is cut
(so its cells never close), rowspan labels centred in the cut cell, and fonts that
pdfminer warns about.
"""

from pathlib import Path

import pytest

from monitor.claims.extract import extract_claims, report_text
from tests.conftest import govwatch

FILES = Path(__file__).parents[2] / "files"
PRINTED = FILES / "reports" / "shanghai-2019-printed-by-chromium.pdf"
PAGE = FILES / "real" / "reports" / "shanghai-szfbgt-2019.html"


@pytest.fixture(scope="module")
def printed():
    return report_text(PRINTED.read_bytes())


@pytest.fixture(scope="module")
def page():
    return report_text(PAGE.read_bytes())


def test_lines_are_those_of_the_page(printed, page):
    # The page repeats its title (<title> and <h1>); the print has it once.
    assert printed.splitlines() == page.splitlines()[1:]


def test_claims_rules_and_findings_are_those_of_the_page(printed, page):
    assert extract_claims(printed) == extract_claims(page)


def test_row_cut_by_the_page_break_keeps_its_cells(printed):
    assert "（三）不予公开\t1.属于国家秘密\t14\t\t\t\t\t\t" in printed.splitlines()


@pytest.mark.slow
def test_pdfminer_font_warnings_stay_off_stderr():
    result = govwatch("claims", PRINTED)
    assert result.returncode == 0 and result.stderr == ""
