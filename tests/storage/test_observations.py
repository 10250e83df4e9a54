"""The SQL that observes a claim, from a profile's description of it, on a real database file."""

import pytest

from crawler.parsing import PARSER_VERSION
from storage.db import open_db
from storage.documents import store_documents
from storage.observations import observation, observed
from storage.runs import start_run


def record(url: str, column: str, published_on: str) -> dict:
    return {"url": url, "title": url, "is_disclosure": True, "published_on": published_on,
            "breadcrumb": ["首页", column], "fields": {}, "attachments": [], "warnings": [], "body_text": url}


@pytest.fixture
def db(tmp_path):
    db = open_db(tmp_path / "govwatch.db")
    run = start_run(db, site="test", start_urls=[])
    store_documents(db, [record("http://a/1", "政策解读", "2020-03-01"), record("http://a/2", "政策解读", "2021-03-01"),
                         record("http://a/3", "重点领域", "2020-05-01"), record("http://a/4", "It's", "2020-05-02")],
                    crawl_id=run, seen_at="2021-06-01T00:00:00Z", parser_version=PARSER_VERSION)
    yield db
    db.close()


def test_each_kind_counts_what_it_says(db):
    def count(spec):
        return observed(db, observation(spec)[1], "2020-01-01", "2020-12-31")

    assert count({"observe": "documents"}) == 3
    assert count({"observe": "column", "column": "政策解读"}) == 1
    assert count({"observe": "column", "column": "It's"}) == 1  # a quote in the name stays text


def test_the_meaning_names_the_column_and_its_gloss():
    meaning, sql = observation({"observe": "column", "column": "政策解读", "gloss": "policy interpretation"})
    assert meaning == "documents under a 政策解读 (policy interpretation) column"
    assert "column_path LIKE '%政策解读%'" in sql and ":date_from" in sql and ":date_to" in sql


def test_nothing_to_take_the_maximum_of_is_none(db):
    assert observed(db, observation({"observe": "max_workdays"})[1], "2020-01-01", "2020-12-31") is None


@pytest.mark.parametrize("spec, message", [
    ({}, "'observe' must be one of column, documents, max_workdays, not None"),
    ({"observe": "column", "column": ""}, "must be non-empty text"),
    ({"observe": "column", "column": "a", "colour": "b"}, "unknown colour"),
])
def test_a_bad_description_is_a_value_error(spec, message):
    with pytest.raises(ValueError, match=message):
        observation(spec)
