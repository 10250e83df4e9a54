"""Crawl notes: stored per crawl, and added to a database an older govwatch wrote."""

import sqlite3

import sqlite_utils

from storage.db import MIGRATIONS, SCHEMA_VERSION, open_db
from storage.runs import crawl_notes, record_crawl_note, start_run

# Schema version 4 (the alert queue) was the last one without crawl notes.
BEFORE_NOTES = 4


def test_notes_are_read_back_per_crawl_in_order(tmp_path):
    db = open_db(tmp_path / "govwatch.db")
    first, second = (start_run(db, site="leda", start_urls=[]) for _ in range(2))
    record_crawl_note(db, first, url="http://h/a", kind="rendered_by_javascript", title=None, detail="x")
    record_crawl_note(db, second, url="http://h/b", kind="rendered_by_javascript", title="栏目", detail="y")
    record_crawl_note(db, second, url="http://h/c", kind="rendered_by_javascript", title="栏目", detail="z")
    notes = crawl_notes(db, second)
    assert [(note["url"], note["title"], note["detail"]) for note in notes] == [
        ("http://h/b", "栏目", "y"), ("http://h/c", "栏目", "z")]
    assert all(note["at"].endswith("Z") for note in notes)
    db.close()


def test_a_database_written_before_crawl_notes_gains_the_table(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(sqlite3.connect(path))
    for step in MIGRATIONS[:BEFORE_NOTES]:
        step(old)
    assert "crawl_notes" not in old.table_names()
    old.execute(f"PRAGMA user_version = {BEFORE_NOTES}")
    old.conn.close()
    db = open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert set(db["crawl_notes"].columns_dict) == {"id", "crawl_id", "url", "kind", "title", "detail", "at", "site"}
    db.close()
