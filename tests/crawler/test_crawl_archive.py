"""The crawl's WARC archive, read back with warcio, and what is built on it: ``govwatch
reparse`` and ``govwatch evidence``, over real crawls of the sample portal."""

import hashlib
import io
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from w3lib.url import canonicalize_url
from warcio.archiveiterator import ArchiveIterator

from crawler import reparse as reparse_module
from crawler.reparse import reparse
from monitor.demo.sample_portal.model import REMOVAL_DAY, build_portal
from monitor.demo.sample_portal.server import serve
from storage.db import open_db
from tests.conftest import govwatch
from tests.sqlite_rows import query

# Crawls a portal served on 127.0.0.1, in a subprocess.
pytestmark = pytest.mark.slow

SIZE = 300


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """A crawl of a small sample portal, then one on the day documents are removed that
    re-verifies everything (conditional requests: 304s, 404s, edits)."""
    db = tmp_path_factory.mktemp("archive") / "govwatch.db"
    with serve(size=SIZE) as portal:
        for extra in ((), ("--reverify-days", "1")):
            result = govwatch("crawl", "--start-url", portal.url + "/", "--db", db, *extra)
            assert result.returncode == 0, result.stderr
            portal.set_day(REMOVAL_DAY)
    return db


def copy(db: Path, tmp_path: Path) -> Path:
    """The database and its archive copied, for a test that writes."""
    target = tmp_path / "govwatch.db"
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").connection.close()
    shutil.copy(db, target)
    shutil.copytree(str(db) + ".warc", str(target) + ".warc")
    return target


def warc_records(db: Path) -> list:
    """Every record of every WARC file of the archive: (file, offset, type, target URI, headers, payload)."""
    found = []
    for path in sorted(Path(str(db) + ".warc").iterdir()):
        with open(path, "rb") as file:
            records = ArchiveIterator(file)
            for record in records:
                payload = record.content_stream().read()
                found.append((path.name, records.get_record_offset(), record.rec_type,
                              record.rec_headers.get_header("WARC-Target-URI"), record, payload))
    return found


def test_every_response_of_both_crawls_is_a_record_with_its_request(crawled):
    records = warc_records(crawled)
    answers = [r for r in records if r[2] in ("response", "revisit")]
    fetched = sum(count for (count,) in query(crawled, "SELECT pages_fetched FROM crawl_runs"))
    assert len(answers) == fetched > SIZE
    requests = {r[4].rec_headers.get_header("WARC-Concurrent-To") for r in records if r[2] == "request"}
    assert {r[4].rec_headers.get_header("WARC-Record-ID") for r in answers} == requests
    assert all(r[4].http_headers.get_statuscode() for r in answers)


def test_every_document_and_every_fetched_url_is_in_the_archive(crawled):
    archived = {canonicalize_url(r[3]) for r in warc_records(crawled) if r[2] in ("response", "revisit")}
    indexed = {url for (url,) in query(crawled, "SELECT url FROM archive_records")}
    documents = {url for (url,) in query(crawled, "SELECT url FROM documents")}
    assert archived == indexed and documents <= archived
    assert any(url.endswith("/robots.txt") for url in archived)


def test_each_file_begins_with_its_warcinfo(crawled):
    records = warc_records(crawled)
    starts = [r for r in records if r[1] == 0]
    assert starts and all(r[2] == "warcinfo" for r in starts)
    assert [r for r in records if r[2] == "warcinfo"] == starts
    assert query(crawled, "SELECT count(*) FROM document_versions WHERE warc_file IS NULL") == [(0,)]


def test_the_index_points_at_records_holding_the_bytes_it_hashed(crawled):
    by_place = {(r[0], r[1]): r for r in warc_records(crawled)}
    rows = query(crawled, "SELECT url, warc_file, warc_offset, record_type, status, payload_sha256 FROM archive_records")
    for url, name, offset, kind, status, digest in rows:
        _, _, rec_type, target, record, payload = by_place[(name, offset)]
        assert (canonicalize_url(target), rec_type, record.http_headers.get_statuscode()) == (url, kind, str(status))
        if kind == "response":
            assert hashlib.sha256(payload).hexdigest() == digest


def test_a_304_is_a_revisit_naming_the_earlier_record_of_the_bytes(crawled):
    revisits = query(crawled, "SELECT r.url, e.url, e.status, e.record_type FROM archive_records AS r"
                              " JOIN archive_records AS e ON (e.warc_file, e.warc_offset) = (r.refers_file, r.refers_offset)"
                              " WHERE r.status = 304")
    assert revisits and all(row == (row[0], row[0], 200, "response") for row in revisits)
    profiles = {r[4].rec_headers.get_header("WARC-Profile") for r in warc_records(crawled) if r[2] == "revisit"}
    assert profiles == {"http://netpreserve.org/warc/1.1/revisit/server-not-modified"}


def test_error_pages_are_archived_too(crawled):
    assert query(crawled, "SELECT count(*) FROM archive_records WHERE status = 404")[0][0] > 0


def test_attachments_are_archived_with_their_digest(crawled):
    rows = query(crawled, "SELECT a.sha256, r.payload_sha256 FROM attachments AS a JOIN archive_records AS r"
                          " ON (r.warc_file, r.warc_offset) = (a.warc_file, a.warc_offset)")
    assert rows and all(mine == archived for mine, archived in rows)
    # Only the attachment the portal no longer serves (a planted dead link) has no digest.
    unfetched = {parse_qs(urlsplit(url).query)["wbfileid"][0]
                 for (url,) in query(crawled, "SELECT url FROM attachments WHERE sha256 IS NULL")}
    gone = {str(a.file_id) for doc in build_portal(size=SIZE).documents for a in doc.attachments if not a.served}
    assert unfetched == gone and len(gone) == 1


def counts(db):
    return query(db, "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM document_versions),"
                     " (SELECT count(*) FROM alerts), (SELECT group_concat(content_hash) FROM documents)")[0]


def test_reparse_with_the_same_parser_changes_nothing_and_records_no_event(crawled, tmp_path):
    db = copy(crawled, tmp_path)
    before = counts(db)
    result = govwatch("reparse", "--db", db, "--workers", "2")
    assert result.returncode == 0, result.stderr
    documents = query(db, "SELECT count(*) FROM documents")[0][0]
    assert f"Re-parsed {documents} of {documents} documents" in result.stdout
    assert "0 read differently" in result.stdout
    assert counts(db) == before


def test_a_changed_parser_records_parser_changes_only_even_for_removed_documents(crawled, tmp_path, monkeypatch):
    db = copy(crawled, tmp_path)
    removed = {url for (url,) in query(db, "SELECT url FROM documents WHERE removed_at IS NOT NULL")}
    assert removed, "the second crawl should have found removed documents"
    events, versions, alerts, _ = counts(db)

    def changed_parser(*args, **kwargs):
        record = parse_page(*args, **kwargs)
        record["title"] = f"{record['title']}（新解析）"
        return record

    parse_page = reparse_module.parse_page
    monkeypatch.setattr(reparse_module, "parse_page", changed_parser)
    monkeypatch.setattr(reparse_module, "PARSER_VERSION", 99)
    handle = open_db(db)
    try:
        result = reparse(handle, Path(str(db) + ".warc"), workers=1)
    finally:
        handle.close()
    documents = query(db, "SELECT count(*) FROM documents")[0][0]
    assert result["changed"] == documents and result["without_bytes"] == 0
    after = counts(db)
    assert (after[0], after[2]) == (events, alerts)
    assert after[1] == versions + documents
    assert query(db, "SELECT DISTINCT reason, parser_version, changed_fields FROM document_versions"
                     " WHERE id > ?", versions) == [("parser", 99, '["title"]')]
    retitled = {url for (url,) in query(db, "SELECT url FROM documents WHERE title LIKE '%（新解析）'"
                                            " AND removed_at IS NOT NULL")}
    assert retitled == removed


def test_an_evidence_pack_verifies(crawled, tmp_path):
    (url, versions), = query(crawled, "SELECT url, count(*) FROM document_versions GROUP BY url"
                                      " ORDER BY count(*) DESC, url LIMIT 1")
    assert versions > 1, "an edited document has more than one version"
    out = tmp_path / "pack.zip"
    result = govwatch("evidence", url, "--db", crawled, "--out", out)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as pack:
        files = {name: pack.read(name) for name in pack.namelist()}
    sums = dict(reversed(line.split("  ")) for line in files.pop("SHA256SUMS").decode().splitlines())
    assert sums == {name: hashlib.sha256(body).hexdigest() for name, body in files.items()}
    listed = json.loads(files["versions.json"])
    assert len(listed) == versions and all(v["record"]["url"] == url for v in listed)
    payloads = {hashlib.sha256(r.content_stream().read()).hexdigest()
                for r in ArchiveIterator(io.BytesIO(files["archive.warc.gz"])) if r.rec_type == "response"}
    assert {v["payload_sha256"] for v in listed} <= payloads
    fetches = json.loads(files["fetches.json"])
    assert [f["fetched_at"] for f in fetches] == sorted(f["fetched_at"] for f in fetches) and len(fetches) >= versions
    manifest = files["MANIFEST.txt"].decode("utf-8")
    assert "证据包" in manifest and "Evidence pack" in manifest and url in manifest


def test_evidence_for_an_unknown_url_is_one_line(crawled, tmp_path):
    result = govwatch("evidence", "http://127.0.0.1:1/nothing.htm", "--db", crawled, "--out", tmp_path / "p.zip")
    assert (result.returncode, result.stderr.count("\n")) == (2, 1)
    assert "no document" in result.stderr and not (tmp_path / "p.zip").exists()
