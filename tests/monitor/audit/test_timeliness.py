"""Timeliness over real SQLite: the workdays table, the timeliness view and the verdicts."""

import datetime as dt

import pytest

from crawler.parsing import PARSER_VERSION
from monitor.audit.timeliness import group_stats, p90, refresh_workdays, timeliness
from monitor.audit.workdays import WorkCalendar, workdays_between
from storage.db import open_db
from storage.documents import store_documents
from tests.storage.test_documents import record


def doc(n, created, published, source="metadata", publisher="甲局"):
    return record(url=f"http://portal/info/1/{n}.htm", created_on=created, published_on=published,
                  created_on_source=source if created else None, publisher=publisher)


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "govwatch.db")
    store_documents(database, [
        doc(1, "2020-01-23", "2020-02-03"),                       # across the extended Spring Festival: 1
        doc(2, "2020-09-21", "2020-10-26", source="body"),        # 21 working days: late for both limits
        doc(3, "2020-09-21", "2020-10-16"),                        # 15: on time
        doc(4, "2020-09-21", "2020-10-19", publisher="乙局"),      # 16: late against 15 only
        doc(5, None, "2020-05-06"),                                # formation date unknown
        doc(6, "2020-06-10", "2020-06-08"),                        # published before formed
    ], crawl_id=1, seen_at="2026-01-01T00:00:00Z", parser_version=PARSER_VERSION)
    refresh_workdays(database)
    yield database
    database.close()


def delays(db):
    return dict(db.execute("SELECT url, workdays FROM timeliness").fetchall())


def test_view_matches_the_calendar_module(db):
    for url, created, published in db.execute("SELECT url, created_on, published_on FROM documents"
                                              " WHERE created_on IS NOT NULL"):
        expected = workdays_between(dt.date.fromisoformat(created), dt.date.fromisoformat(published))
        assert delays(db)[url] == expected


def test_verdicts_per_limit(db):
    result = timeliness(db, "2020-01-01", "2020-12-31")
    assert (result["checked"], result["unknown"], result["negative"]) == (5, 1, 1)
    assert result["late"] == {"15": 2, "20": 1}
    assert result["unknown_reasons"] == {"formation date missing": 1}


def test_late_items_name_the_limits_they_break(db):
    items = {item["url"].rsplit("/", 1)[1]: item for item in timeliness(db, "2020-01-01", "2020-12-31")["late_items"]}
    assert set(items) == {"2.htm", "4.htm"}
    assert items["2.htm"]["late_for"] == [15, 20] and items["2.htm"]["created_on_source"] == "body"
    assert items["4.htm"]["late_for"] == [15]


def test_per_publisher_statistics(db):
    result = timeliness(db, "2020-01-01", "2020-12-31")
    assert result["by_publisher"]["乙局"]["checked"] == 1
    assert result["by_publisher"]["甲局"]["late"] == {"15": 1, "20": 1}


def test_configurable_limits(db):
    assert timeliness(db, "2020-01-01", "2020-12-31", limits=(10,))["late"] == {"10": 3}


def test_unknown_calendar_year_is_reported_not_counted(tmp_path):
    database = open_db(tmp_path / "g.db")
    store_documents(database, [doc(1, "2026-12-30", "2027-01-05")], crawl_id=1, seen_at="2026-01-01T00:00:00Z",
                    parser_version=PARSER_VERSION)
    assert refresh_workdays(database) == [2027]
    result = timeliness(database, "2027-01-01", "2027-12-31")
    assert result["checked"] == 0 and result["unknown_reasons"] == {"calendar missing for 2027": 1}


def test_calendar_file_years_are_counted(tmp_path):
    database = open_db(tmp_path / "g.db")
    store_documents(database, [doc(1, "2026-12-30", "2027-01-05")], crawl_id=1, seen_at="2026-01-01T00:00:00Z",
                    parser_version=PARSER_VERSION)
    calendar = WorkCalendar({2027: (frozenset({dt.date(2027, 1, 1)}), frozenset())})
    assert refresh_workdays(database, calendar) == []
    # 12-31 (Thu), 01-04 (Mon), 01-05 (Tue); 01-01 is a holiday in the file.
    assert timeliness(database, "2027-01-01", "2027-12-31")["late_items"] == []
    assert delays(database) == {"http://portal/info/1/1.htm": 3}


def test_group_stats_median_and_p90():
    stats = group_stats([1, 2, 3, 4, 30], (15, 20))
    assert stats["median"] == 3 and stats["late"] == {"15": 1, "20": 1}
    assert stats["late_share"]["15"] == pytest.approx(0.2)
    assert p90([]) is None and p90([7]) == 7.0
    assert p90(list(range(1, 11))) == pytest.approx(9.1)


def test_the_delays_need_no_workdays_table(db):
    stored = timeliness(db, "2020-01-01", "2020-12-31")
    db.execute("DELETE FROM workdays")
    assert timeliness(db, "2020-01-01", "2020-12-31") == stored
