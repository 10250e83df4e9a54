"""Each data-quality check on a small real database with one planted defect per check."""

import pytest

from crawler.parsing import PARSER_VERSION
from monitor.audit import findings
from storage.db import open_db
from storage.documents import store_documents
from tests.storage.test_documents import record


def doc(n, index_no, published="2020-05-06", **changes):
    return record(url=f"http://portal/info/1/{n}.htm", index_no=index_no, published_on=published, **changes)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    database = open_db(tmp_path_factory.mktemp("findings") / "govwatch.db")
    store_documents(database, [
        doc(1, "jingkaiquczj/2020-0000001"),
        doc(2, "jingkaiquczj/2020-0000002"),
        doc(3, "jingkaiquczj/2020-0000005"),            # 3 and 4 missing
        doc(4, "jingkaiquczj/2020-0000002"),            # duplicate of 2
        doc(5, "2020年第5号"),                           # malformed
        doc(6, "jingkaiquczj/2019-0000009"),            # index year 2019, published 2020
        doc(7, "jingkaiquczj/2020-0000006", publisher=""),
        doc(8, "jingkaiquczj/2020-0000007", published="2099-01-01"),
        doc(9, "jingkaiquczj/2020-0000008", created_on="2020-06-01"),
        doc(10, "11341702486344515H/202110-00013", published="2021-10-08"),
    ], crawl_id=1, seen_at="2026-01-01T00:00:00Z", parser_version=PARSER_VERSION)
    yield database
    database.close()


def run(db, check):
    return check(db, "2020-01-01", "2099-12-31", "2026-11-29")


def test_duplicate_index_numbers(db):
    assert {f["url"][-5:] for f in run(db, findings.duplicate_index_numbers)} == {"2.htm", "4.htm"}


def test_malformed_index_numbers(db):
    (finding,) = run(db, findings.malformed_index_numbers)
    assert finding["index_no"] == "2020年第5号"


def test_index_year_mismatch(db):
    found = {f["url"][-5:]: f["detail"] for f in run(db, findings.index_year_mismatches)}
    # 8.htm is dated 2099 under a 2020 index number: a mismatch too.
    assert set(found) == {"6.htm", "8.htm"}
    assert found["6.htm"] == "index number year 2019 but published 2020-05-06"


def test_index_with_year_and_month_is_well_formed(db):
    assert all(f["url"][-6:] != "10.htm" for f in run(db, findings.index_year_mismatches)
               + run(db, findings.malformed_index_numbers))


def test_serial_gaps(db):
    (finding,) = run(db, findings.index_serial_gaps)
    assert finding["index_no"] == "jingkaiquczj/2020" and finding["detail"].startswith("serials 3–4 missing")


def test_missing_publisher(db):
    (finding,) = run(db, findings.missing_publisher_or_date)
    assert finding["kind"] == "missing_publisher" and finding["url"].endswith("/7.htm")


def test_future_and_before_formation(db):
    kinds = {f["kind"]: f["url"][-5:] for f in run(db, findings.impossible_dates)}
    assert kinds == {"published_in_future": "8.htm", "published_before_formed": "9.htm"}
