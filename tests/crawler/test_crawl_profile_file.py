"""A site profile from a TOML file crawls and audits the sample portal as ``--site leda`` does."""

import json
import sqlite3
from importlib.resources import files

import pytest

from tests.conftest import govwatch


@pytest.fixture(scope="module")
def profile_file(small_portal, tmp_path_factory):
    """leda's bundled entry as a profile file of its own, renamed, with the sample portal as its start URL."""
    leda = files("crawler").joinpath("sites/bundled.toml").read_text(encoding="utf-8")
    text = leda.replace("[[sites]]\n", "").replace("[sites.claims]", "[claims]").replace('name = "leda"', 'name = "leda-file"').replace(
        '"http://www.leda.gov.cn/"', json.dumps(small_portal.url + "/"))
    assert text.count("leda-file") == 1 and small_portal.url in text
    path = tmp_path_factory.mktemp("profile") / "leda-file.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def crawled_from_file(profile_file, tmp_path_factory):
    path = tmp_path_factory.mktemp("from-file") / "govwatch.db"
    result = govwatch("crawl", "--profile", profile_file, "--db", path)
    assert result.returncode == 0, result.stderr
    return path


def documents(path) -> set:
    connection = sqlite3.connect(path)
    try:
        return set(connection.execute("SELECT url, content_hash, published_on, column_path FROM documents"))
    finally:
        connection.close()


def test_a_profile_file_crawls_the_same_documents_as_the_named_site(crawled_from_file, small_crawled_db):
    assert documents(crawled_from_file) == documents(small_crawled_db)
    assert len(documents(small_crawled_db)) > 100


def test_the_crawl_is_recorded_under_the_files_name(crawled_from_file):
    site, = sqlite3.connect(crawled_from_file).execute("SELECT site FROM crawl_runs").fetchone()
    assert site == "leda-file"


def test_the_audit_observes_claims_as_the_file_says(crawled_from_file, profile_file, tmp_path):
    # Count policy interpretations under 重点领域 instead: the audit must follow the file.
    moved = tmp_path / "moved.toml"
    moved.write_text(profile_file.read_text(encoding="utf-8").replace(
        'interpretations = { observe = "column", column = "政策解读", gloss = "policy interpretation" }',
        'interpretations = { observe = "column", column = "重点领域" }'), encoding="utf-8")
    audits = {}
    for name, path in (("named", None), ("file", profile_file), ("moved", moved)):
        result = govwatch("audit", "--db", crawled_from_file, "--year", 2020, "--json",
                          *(("--profile", path) if path else ()))
        assert result.returncode == 0, result.stderr
        audits[name] = {claim["key"]: claim for claim in json.loads(result.stdout)["claims"]}
    assert audits["file"] == audits["named"]
    assert audits["moved"]["interpretations"]["observed"] == audits["named"]["key_area_items"]["observed"]
    assert audits["moved"]["interpretations"]["observed"] != audits["named"]["interpretations"]["observed"]
    assert audits["moved"]["interpretations"]["observes"] == "documents under a 重点领域 column"
