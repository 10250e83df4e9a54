"""One site's view of a file holding several: every table and view shows its rows alone."""

import pytest

from storage.db import open_db
from storage.sites import SiteError, site_scope, sites_to_read


def two_sites(path):
    """A real database file holding one document of each of two sites, one named hostile SQL."""
    db = open_db(path)
    for site, url in (("alpha", "http://a.test/1"), ("b'; DROP TABLE documents; --", "http://b.test/1")):
        db["documents"].insert({"url": url, "site": site, "is_disclosure": 1, "published_on": "2020-03-01",
                                "title": site})
        db["attachments"].insert({"document_url": url, "name": "f", "url": url + ".pdf"})
    return db


def test_inside_a_scope_tables_and_views_show_one_sites_rows(tmp_path):
    db = two_sites(tmp_path / "two.db")
    with site_scope(db, "alpha"):
        assert db.execute("SELECT url FROM documents").fetchall() == [("http://a.test/1",)]
        assert db.execute("SELECT url FROM publications").fetchall() == [("http://a.test/1",)]
        # Rows that learnt their site from a trigger are filtered too.
        assert db.execute("SELECT document_url FROM attachments").fetchall() == [("http://a.test/1",)]
        assert db.execute("SELECT count(*) FROM main.documents").fetchone() == (2,)
    assert db.execute("SELECT count(*) FROM publications").fetchone() == (2,)
    with site_scope(db, "b'; DROP TABLE documents; --"):
        assert db.execute("SELECT title FROM timeliness").fetchall() == [("b'; DROP TABLE documents; --",)]
    assert db.execute("SELECT count(*) FROM temp.sqlite_master").fetchone() == (0,)


def test_a_scope_refuses_writes_and_works_on_a_read_only_connection(tmp_path):
    two_sites(tmp_path / "two.db").close()
    db = open_db(tmp_path / "two.db", read_only=True)
    with site_scope(db, "alpha"):
        assert db.execute("SELECT count(*) FROM documents").fetchone() == (1,)
    db = open_db(tmp_path / "two.db")
    with site_scope(db, "alpha"), pytest.raises(Exception, match="cannot modify documents because it is a view"):
        db.execute("DELETE FROM documents")
    assert db.execute("SELECT count(*) FROM documents").fetchone() == (2,)


def test_the_sites_a_command_reads(tmp_path):
    db = two_sites(tmp_path / "two.db")
    assert sites_to_read(db, None) == ["alpha", "b'; DROP TABLE documents; --"]
    assert sites_to_read(db, "alpha") == ["alpha"]
    with pytest.raises(SiteError, match="holds no site 'gamma'; it holds alpha, b'"):
        sites_to_read(db, "gamma")
    # A site whose crawl stored nothing (it was down) is still one of the file's.
    db["crawl_runs"].insert({"site": "gamma", "status": "finished", "pages_fetched": 0})
    assert sites_to_read(db, "gamma") == ["gamma"]
    one = open_db(tmp_path / "one.db")
    one["documents"].insert({"url": "http://a.test/1", "site": "alpha"})
    # A file of one site is read whole, as before fleets, whatever site is named.
    assert sites_to_read(one, "gamma") == sites_to_read(one, None) == [None]
