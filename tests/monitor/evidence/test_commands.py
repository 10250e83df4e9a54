"""``govwatch reparse`` and ``evidence`` refuse bad input in one line (exit 2), in-process."""

import pytest

from monitor.cli.main import main
from storage.db import open_db


@pytest.fixture
def empty_db(tmp_path):
    path = tmp_path / "govwatch.db"
    open_db(path).close()
    return path


@pytest.mark.parametrize("command", [["reparse"], ["evidence", "http://portal/1.htm", "--out", "p.zip"]])
def test_a_missing_database_is_named_before_the_archive(tmp_path, capsys, command):
    assert main([*command, "--db", str(tmp_path / "none.db")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no database at" in err


@pytest.mark.parametrize("command", [["reparse"], ["evidence", "http://portal/1.htm", "--out", "p.zip"]])
def test_a_database_without_its_archive_is_one_line(empty_db, capsys, command):
    assert main([*command, "--db", str(empty_db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"no archive at {empty_db}.warc" in err


def test_evidence_for_a_document_not_stored_writes_nothing(empty_db, tmp_path, capsys):
    (tmp_path / "govwatch.db.warc").mkdir()
    out = tmp_path / "p.zip"
    assert main(["evidence", "http://portal/1.htm", "--db", str(empty_db), "--out", str(out)]) == 2
    assert "no document http://portal/1.htm" in capsys.readouterr().err and not out.exists()


def test_reparse_needs_a_worker(empty_db, capsys):
    assert main(["reparse", "--db", str(empty_db), "--workers", "0"]) == 2
    assert "--workers must be at least 1" in capsys.readouterr().err
