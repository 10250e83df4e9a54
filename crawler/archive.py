"""Every response the crawl receives, written to WARC files (ISO 28500) as the portal sent it.

:class:`WarcArchive` is a downloader middleware placed next to the downloader, so it
sees each response before decompression, redirects or retries touch it: listings,
detail pages, files, error pages and redirects alike. Each gets a ``request`` and a
``response`` record with the HTTP headers, gzip-compressed one record per member, so a
reader can seek straight to one; a 304 gets a ``revisit`` record (profile
server-not-modified) naming the earlier record that holds the bytes. Files rotate at
``GOVWATCH_ARCHIVE_ROTATE_BYTES``; they live in ``GOVWATCH_ARCHIVE_DIR`` (``<db>.warc``
by default, ``off`` for none) and are indexed in ``archive_records``
(:mod:`storage.archive`).

The record a response was written to is left in ``request.meta["warc"]`` (file name and
offset; a 304's points to the earlier record), where the spider finds it for the
document's version and an attachment's row.

Attachments (:func:`is_archived_file`) count against ``GOVWATCH_ARCHIVE_ATTACHMENTS_BYTES``
per crawl: one that would overrun it is not written and is flagged
``request.meta["archive_skipped"]`` for the spider to note.
"""

import datetime as dt
import hashlib
import http
import io
import zlib
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from w3lib.url import canonicalize_url
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler import __version__
from storage.archive import add_archive_records, default_archive_dir, latest_response
from storage.db import open_db

# Scrapy has removed the chunking; a replay tool told "chunked" would try to undo it again.
_DROPPED_HEADERS = {b"transfer-encoding"}
_BATCH = 200
_READ_CHUNK = 65536
# Makes records only; WarcFiles writes them.
_RECORDS = WARCWriter(None, warc_version="1.1")
SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


def archive_dir(settings) -> Path | None:
    """The directory the crawl archives into, or None when archiving is off."""
    value = (settings.get("GOVWATCH_ARCHIVE_DIR") or "").strip()
    if value.lower() == "off":
        return None
    return Path(value) if value else default_archive_dir(settings.get("GOVWATCH_DB"))


def _warc_date(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _headers(headers) -> list[tuple[str, str]]:
    """Scrapy's headers as (name, value) pairs of text, every value of a repeated header kept."""
    return [(name.decode("latin-1"), value.decode("latin-1"))
            for name, values in headers.items() if name.lower() not in _DROPPED_HEADERS for value in values]


class WarcFiles:
    """WARC files in one directory, written in turn: a new one when the current passes ``rotate_bytes``."""

    def __init__(self, directory: Path, prefix: str, rotate_bytes: int):
        self.directory = directory
        self.prefix = prefix
        self.rotate_bytes = rotate_bytes
        self.serial = 0
        self.file = None
        self.name = None
        self.writer = None

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.serial += 1
        self.name = f"{self.prefix}-{self.serial:05d}.warc.gz"
        # "x": never append to a file another crawl wrote (the prefix names the crawl).
        self.file = open(self.directory / self.name, "xb")
        self.writer = WARCWriter(self.file, gzip=True, warc_version="1.1")
        info = self.writer.create_warcinfo_record(self.name, {"software": f"govwatch/{__version__}",
                                                              "format": "WARC File Format 1.1"})
        self.writer.write_record(info)

    def write(self, records: list) -> tuple[str, int]:
        """Write ``records`` (a request and its response) together; the file and offset of the last."""
        if self.file is None or self.file.tell() >= self.rotate_bytes:
            self.close()
            self._open()
        offset = None
        for record in records:
            offset = self.file.tell()
            self.writer.write_record(record)
        self.file.flush()
        return self.name, offset

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


class WarcArchive:
    """The downloader middleware; see the module docstring."""

    def __init__(self, crawler, directory: Path):
        settings = crawler.settings
        self.crawler = crawler
        self.directory = directory
        self.db_path = settings.get("GOVWATCH_DB")
        self.rotate_bytes = settings.getint("GOVWATCH_ARCHIVE_ROTATE_BYTES")
        self.attachment_budget = settings.getint("GOVWATCH_ARCHIVE_ATTACHMENTS_BYTES")
        self.attachment_bytes = 0
        self.files = None
        self.db = None
        self.pending: list[dict] = []

    @classmethod
    def from_crawler(cls, crawler):
        directory = archive_dir(crawler.settings)
        if directory is None:
            raise NotConfigured("GOVWATCH_ARCHIVE_DIR is off")
        middleware = cls(crawler, directory)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(self, request, response):
        if self.files is None:
            crawl_id = getattr(self.crawler.spider, "crawl_id", None)
            started = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
            self.files = WarcFiles(self.directory, f"govwatch-{crawl_id}-{started}", self.rotate_bytes)
            self.db = open_db(self.db_path)
        if request.meta.get("attachment_of") or "report_file" in request.meta:
            if self.attachment_bytes + len(response.body) > self.attachment_budget:
                request.meta["archive_skipped"] = True
                return response
            self.attachment_bytes += len(response.body)
        request.meta["warc"] = self.archive(request, response)
        return response

    def archive(self, request, response) -> dict:
        """Write the request and its response (a revisit for a 304); index them; the record holding the bytes."""
        now = dt.datetime.now(dt.timezone.utc)
        url = canonicalize_url(response.url)
        status = response.status
        protocol = getattr(response, "protocol", None) or "HTTP/1.1"
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = ""
        http_headers = StatusAndHeaders(f"{status} {reason}".strip(), _headers(response.headers),
                                        protocol=protocol)
        date = _warc_date(now)
        earlier = self.earlier_response(url) if status == 304 else None
        if status == 304 and earlier:
            # The revisit holds no payload: the digest is the earlier record's, as the profile asks.
            record = _RECORDS.create_revisit_record(
                response.url, f"sha256:{earlier['payload_sha256']}", response.url, earlier["fetched_at"],
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": earlier["warc_record_id"]})
            record.rec_headers.replace_header("WARC-Profile", SERVER_NOT_MODIFIED)
        else:
            record = _RECORDS.create_warc_record(
                response.url, "response", payload=io.BytesIO(response.body), length=len(response.body),
                http_headers=http_headers, warc_headers_dict={"WARC-Date": date})
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        request_headers = StatusAndHeaders(f"{request.method} {_request_target(request.url)} {protocol}",
                                           _headers(request.headers), is_http_request=True)
        request_record = _RECORDS.create_warc_record(
            request.url, "request", payload=io.BytesIO(request.body or b""), length=len(request.body or b""),
            http_headers=request_headers,
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id})
        name, offset = self.files.write([request_record, record])
        row = {
            "url": url, "crawl_id": getattr(self.crawler.spider, "crawl_id", None), "fetched_at": date,
            "status": status, "record_type": record.rec_type,
            "content_type": (response.headers.get(b"Content-Type") or b"").decode("latin-1") or None,
            "warc_file": name, "warc_offset": offset, "warc_record_id": record_id,
            "payload_sha256": hashlib.sha256(response.body).hexdigest() if record.rec_type == "response" else None,
            "payload_size": len(response.body),
            "refers_file": earlier["warc_file"] if record.rec_type == "revisit" else None,
            "refers_offset": earlier["warc_offset"] if record.rec_type == "revisit" else None,
        }
        self.pending.append(row)
        if len(self.pending) >= _BATCH:
            self.flush()
        if row["refers_file"]:
            return {"warc_file": row["refers_file"], "warc_offset": row["refers_offset"]}
        return {"warc_file": name, "warc_offset": offset}

    def earlier_response(self, url: str) -> dict | None:
        """The newest 200 response of ``url`` archived, in this batch or before (what its 304 refers to)."""
        for row in reversed(self.pending):
            if row["url"] == url and row["record_type"] == "response" and row["status"] == 200:
                return row
        return latest_response(self.db, url)

    def flush(self) -> None:
        if self.pending:
            add_archive_records(self.db, self.pending)
            self.pending = []

    def spider_closed(self, spider, reason):
        if self.files is None:
            return
        try:
            self.flush()
        finally:
            self.files.close()
            self.db.close()


def _request_target(url: str) -> str:
    """The path and query a request line names."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def read_record(path: str | Path, offset: int) -> tuple[str, str | None, bytes]:
    """The record at ``offset`` of the WARC file ``path``: its type, the HTTP Content-Type and the payload.

    A ``response`` record's payload is the body as the portal sent it, less any
    Content-Encoding (decoded as a browser would). Re-parsing reads every document's
    record, and warcio's general reader costs two fifths of ``parse_page``; the records
    this archive writes (one gzip member each, headers then payload) are read directly,
    and anything else (a content-encoded body, a record another tool wrote) by warcio.
    """
    with open(path, "rb") as file:
        file.seek(offset)
        member = zlib.decompressobj(wbits=31)
        data = b""
        while not member.eof:
            chunk = file.read(_READ_CHUNK)
            if not chunk:
                break
            data += member.decompress(chunk)
        found = _split_record(data)
        if found is not None:
            return found
        file.seek(offset)
        record = next(iter(ArchiveIterator(file)))
        content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
        return record.rec_type, content_type, record.content_stream().read()


def _split_record(data: bytes) -> tuple[str, str | None, bytes] | None:
    """``read_record``'s answer from a record's decompressed bytes, or None to leave it to warcio."""
    head, _, block = data.partition(b"\r\n\r\n")
    warc = _header_lines(head)
    kind, length = warc.get("warc-type"), warc.get("content-length")
    if kind is None or length is None or not warc.get("content-type", "").startswith("application/http"):
        return None
    block = block[:int(length)]
    status, _, body = block.partition(b"\r\n\r\n")
    headers = _header_lines(status)
    if headers.get("content-encoding", "identity").lower() not in ("identity", ""):
        return None
    return kind, headers.get("content-type"), body


def _header_lines(head: bytes) -> dict[str, str]:
    """Header lines after the first (the status line), by lower-case name; the last of repeated ones."""
    headers = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return headers


def record_bytes(path: Path, offset: int) -> bytes:
    """The stored bytes of the record at ``offset`` (its whole gzip member), to copy into another WARC."""
    with open(path, "rb") as file:
        file.seek(offset)
        records = ArchiveIterator(file)
        next(iter(records)).content_stream().read()
        records.read_to_end()
        length = records.get_record_length()
        file.seek(offset)
        return file.read(length)
