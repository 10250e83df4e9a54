"""What goes wrong with a database file, named for a person: a lock held too long, damage on disk."""

import sqlite3
import time

import pytest

from storage.alerts import queue_alert
from storage.db import DamagedDatabase, DatabaseError, check_sound, damage, explain, open_db
from tests.databases import damage_header, damage_tables, write_locked

AT = "2026-03-02T18:30:00Z"


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "govwatch.db"
    db = open_db(path)
    queue_alert(db, "health", "health:crawl_failed", subject="s", payload={}, at=AT)
    db.close()
    return path


def test_a_sound_database_has_no_damage(path):
    assert damage(path) is None
    check_sound(path)


def test_overwritten_pages_are_found_and_named(path):
    damage_tables(path, ["alerts"])
    found = damage(path)
    assert found and "***" not in found and "\n" not in found
    with pytest.raises(DamagedDatabase, match=rf"^the database {path} is damaged \("):
        check_sound(path)
    db = open_db(path, read_only=True)
    with pytest.raises(sqlite3.DatabaseError) as error:
        db.execute("SELECT * FROM alerts").fetchall()
    db.close()
    assert isinstance(explain(path, error.value, "read"), DamagedDatabase)


def test_a_file_that_is_no_database_fails_at_open(path):
    damage_header(path)
    with pytest.raises(DamagedDatabase, match=r"is damaged \(file is not a database\)"):
        open_db(path, read_only=True)


def test_a_write_lock_held_too_long_is_named_with_its_setting(path, monkeypatch):
    monkeypatch.setenv("GOVWATCH_BUSY_TIMEOUT", "0.5")
    db = open_db(path)
    with write_locked(path):
        began = time.monotonic()
        with pytest.raises(sqlite3.OperationalError) as error:
            queue_alert(db, "health", "health:error_rate", subject="s", payload={}, at=AT)
        waited = time.monotonic() - began
    db.close()
    assert 0.4 < waited < 5
    assert str(explain(path, error.value, "write to")) == (
        f"cannot write to {path}: the database is locked (another connection kept its write lock longer "
        "than 0.5 s, GOVWATCH_BUSY_TIMEOUT)")
    assert damage(path) is None


def test_a_busy_timeout_that_is_no_number_is_refused(path, monkeypatch):
    monkeypatch.setenv("GOVWATCH_BUSY_TIMEOUT", "soon")
    with pytest.raises(DatabaseError, match="GOVWATCH_BUSY_TIMEOUT must be a number of seconds, not 'soon'"):
        open_db(path)
