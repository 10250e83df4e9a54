"""The bytes of a downloaded annual-report file: from the crawl's WARC archive, else the database.

A file the crawl archived is stored once, in the archive (``storage.report_files``); files
downloaded before the archive existed, or with archiving off, keep their bytes in
``report_files.body``. The archive is looked for where the crawl wrote it, then beside
the database (it may have been moved with it), and a record is used only if its bytes
have the digest the crawl stored, so a stale or foreign archive is never read as the report.
"""

import hashlib
from pathlib import Path

from crawler.archive import read_record
from storage.archive import database_archive_dir


class MissingFile(Exception):
    """The file's bytes are neither in the archive nor in the database; the message is for a person."""


def _archived(directory: Path | None, file: dict) -> bytes | None:
    """The file's payload from the record in ``directory``, when it is there with the stored digest."""
    if directory is None or not file.get("warc_file"):
        return None
    path = directory / file["warc_file"]
    try:
        kind, _, body = read_record(path, file["warc_offset"])
    # A missing, truncated or foreign WARC file is an archive that does not hold the file.
    except Exception:  # noqa: BLE001 - the audit falls back to the database, or says the file is missing
        return None
    if kind != "response" or hashlib.sha256(body).hexdigest() != file["sha256"]:
        return None
    return body


def file_bytes(db, file: dict) -> bytes:
    """The bytes of a ``report_files`` row (see ``storage.report_files._rows``); MissingFile when gone."""
    recorded = Path(file["archive_dir"]) if file.get("archive_dir") else None
    for directory in (recorded, database_archive_dir(db)):
        body = _archived(directory, file)
        if body is not None:
            return body
    if file.get("body") is not None:
        return file["body"]
    where = recorded or database_archive_dir(db)
    raise MissingFile(f"its bytes are not in the archive ({where}/{file['warc_file']}) nor in the database")
