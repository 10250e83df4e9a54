"""``govwatch evidence``: one document's evidence pack, a zip an auditor attaches to a memo or complaint.

The pack holds the document's versions as parsed (``versions.json``), the archived
records of every fetch of it and of its attachments as one small WARC
(``archive.warc.gz``, the records copied byte for byte from the crawl's archive, so a
replay tool reads them as the crawl wrote them), the events and findings that cite it,
a bilingual manifest and ``SHA256SUMS`` (checked with ``sha256sum -c SHA256SUMS``).
Building the files is pure (:func:`pack_files`); reading the database and the archive
and writing the zip are at the edges.
"""

import hashlib
import json
import zipfile
from pathlib import Path

from crawler.archive import record_bytes

MANIFEST = """证据包 / Evidence pack

文件 / Document: {url}
标题 / Title: {title}
生成时间 / Made at: {made_at} (UTC)，govwatch {version}

各文件说明 / What each file is:
- document.json      数据库中该文件的当前记录 / the document's current row in the database
- versions.json      该文件每个版本的解析结果、抓取时间、解析器版本、记录原因（new 新增、portal 网站修改、parser 解析器变化）
                     及其原始字节的 SHA-256 / every version as parsed, when fetched, by which parser version, why it was
                     recorded (new, portal: the portal changed the page, parser: the parser read it differently), and the
                     SHA-256 of the bytes it was read from
- fetches.json       每次抓取（含 304 未修改、错误页）的时间、HTTP 状态码、在 WARC 中的位置和内容的 SHA-256 /
                     every fetch (304 not-modified and error pages included): time, HTTP status, WARC record, SHA-256
- attachments.json   附件及其下载内容的 SHA-256 / the attachments and the SHA-256 of what was downloaded
- archive.warc.gz    网站返回的原始字节（含 HTTP 头），WARC 格式（ISO 28500），可用 warcio、pywb 等工具打开 /
                     the bytes exactly as the portal served them, with the HTTP headers, as WARC (ISO 28500), read by
                     warcio, pywb and other web-archiving tools
- events.json        引用该文件的事件（新增、修改、删除、恢复、倒签、日期修改）/ the events recorded on it (new,
                     changed, removed, restored, backdated, date_changed)
- findings.json      引用该文件的审计结论 / the audit findings that cite it
- SHA256SUMS         以上每个文件的 SHA-256，可用 `sha256sum -c SHA256SUMS` 核验 / the SHA-256 of each file above,
                     checked with `sha256sum -c SHA256SUMS`

版本数 / Versions: {versions}; 抓取次数 / Fetches: {fetches}; 存档记录 / Archived records: {records}
{missing}"""

MISSING = ("注意：{count} 条抓取记录的存档文件已不在 {archive}，未能放入 archive.warc.gz /"
           " Note: the archive files of {count} fetches are no longer in {archive} and are not in archive.warc.gz\n")


def _json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _versions(rows: list[dict]) -> list[dict]:
    """Versions with their parsed record and changed fields as JSON, not JSON text."""
    return [{**row, "record": json.loads(row["record"]),
             "changed_fields": json.loads(row["changed_fields"]) if row["changed_fields"] else None}
            for row in rows]


def pack_files(evidence: dict, warc: bytes, *, made_at: str, version: str, missing: int, archive: str) -> dict:
    """The files of the pack, by name, ``SHA256SUMS`` and the manifest included."""
    files = {
        "document.json": _json(evidence["document"]),
        "versions.json": _json(_versions(evidence["versions"])),
        "fetches.json": _json(evidence["fetches"]),
        "attachments.json": _json(evidence["attachments"]),
        "archive.warc.gz": warc,
        "events.json": _json(evidence["events"]),
        "findings.json": _json(evidence["findings"]),
    }
    files["MANIFEST.txt"] = MANIFEST.format(
        url=evidence["document"]["url"],
        # Portal text: a line break in the title must not forge a line of the manifest.
        title=" ".join((evidence["document"]["title"] or "-").split()), made_at=made_at,
        version=version, versions=len(evidence["versions"]), fetches=len(evidence["fetches"]),
        records=sum(1 for _ in _pointers(evidence)) - missing,
        missing=MISSING.format(count=missing, archive=archive) if missing else "",
    ).encode("utf-8")
    files["SHA256SUMS"] = "".join(
        f"{hashlib.sha256(body).hexdigest()}  {name}\n" for name, body in files.items()).encode("utf-8")
    return files


def _pointers(evidence: dict):
    """The archived records the pack copies: each fetch of the page, then each downloaded attachment."""
    seen = set()
    for row in evidence["fetches"] + evidence["attachments"]:
        pointer = (row["warc_file"], row["warc_offset"])
        if row["warc_file"] and pointer not in seen:
            seen.add(pointer)
            yield pointer


def copy_records(evidence: dict, archive: Path) -> tuple[bytes, int]:
    """The records the pack holds, concatenated (gzip members make a valid WARC one after another),
    and how many could not be copied because their file is gone."""
    parts, missing = [], 0
    for name, offset in _pointers(evidence):
        path = archive / name
        if not path.is_file():
            missing += 1
            continue
        parts.append(record_bytes(path, offset))
    return b"".join(parts), missing


def write_pack(path: Path, files: dict) -> None:
    """The zip; written beside ``path`` and moved into place, so a failed write leaves no half pack."""
    partial = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        for name, body in files.items():
            pack.writestr(name, body)
    partial.replace(path)
