"""Bytes of a Chinese government page to text.

Modern pages are UTF-8; older ones declare ``gb2312``/``gbk`` (decoded as GB18030, a
superset), and some declare one charset in the header and another in ``<meta>``, or
the wrong one altogether. The header's charset is tried first, then the meta tag's,
then detection; a charset that garbles the page gives way to the next.
"""

import codecs
import functools
import re

import charset_normalizer

_META_CHARSET_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb-2312", "gb_2312", "gb_2312-80", "gb2312-80", "x-gbk", "cp936", "csgb2312", "euc-cn", "936"})
# How far into the page a <meta charset> may appear; the HTML standard says 1024 bytes,
# real portals put long comments first.
_SNIFF_BYTES = 4096


def _codec(name: str | bytes | None) -> str | None:
    """A Python codec name for a declared charset (GB family -> gb18030), None if unknown."""
    if isinstance(name, bytes):
        name = name.decode("ascii", "ignore")
    if not isinstance(name, str):
        return None
    return _codec_of(name)


@functools.lru_cache(maxsize=256)
def _codec_of(name: str) -> str | None:
    """``_codec`` for text, remembered: the codec registry lookups cost a tenth of a small page's parse."""
    name = name.strip().strip("\"'").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        "".encode(name)  # rejects bytes-to-bytes codecs even on empty input, unlike decode
        canonical = codecs.lookup(name).name
    except (LookupError, TypeError, ValueError):
        return None  # unknown, or a bytes-to-bytes codec such as base64
    return "gb18030" if canonical in _GB_FAMILY else canonical


def _meta_charset(body: bytes) -> str | None:
    """The charset a ``<meta>`` tag declares near the top of the page."""
    match = _META_CHARSET_RE.search(body[:_SNIFF_BYTES])
    codec = _codec(match.group(1)) if match else None
    # The HTML standard: a page cannot declare itself UTF-16 from inside ASCII markup.
    return "utf-8" if codec and codec.startswith(("utf-16", "utf-32", "utf_16", "utf_32")) else codec


def _garbled(text: str) -> bool:
    """True when decoding clearly used the wrong charset (many replacement characters)."""
    bad = text.count("\ufffd")
    return bad > max(3, len(text) // 200)


def _detect(body: bytes) -> str:
    """Guess the charset of an undeclared page: UTF-8 when valid, else charset-normalizer."""
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body).best()
    return (_codec(best.encoding) if best is not None else None) or "utf-8"


def _declared(body: bytes, charset: str | None):
    """The distinct charsets the page declares as (source, codec): the header's, then the meta tag's.

    A generator, so that the page is searched for a meta tag only when the header
    names no charset or its charset garbles the page.
    """
    header = _codec(charset)
    if header:
        yield "header", header
    meta = _meta_charset(body)
    if meta and meta != header:
        yield "meta", meta


def decode(body: bytes, charset: str | None) -> tuple[str, str, list[str]]:
    """Decode ``body``: (text, encoding, warnings). Header charset first, then meta, then detection."""
    declared: list[tuple[str, str]] = []
    for source, codec in _declared(body, charset):
        declared.append((source, codec))
        text = body.decode(codec, "replace")
        if not _garbled(text):
            warnings = []
            if len(declared) > 1:
                first_source, first_codec = declared[0]
                warnings.append(f"{first_source} charset {first_codec} garbles the page; decoded as {codec} from {source}")
            return text, codec, warnings
    detected = _detect(body)
    text = body.decode(detected, "replace")
    if not declared:
        return text, detected, []
    if not _garbled(text):
        return text, detected, [f"declared charset {declared[0][1]} garbles the page; detected {detected}"]
    codec = declared[0][1]
    return body.decode(codec, "replace"), codec, [f"page does not decode cleanly as {codec}"]


def decode_body(body: bytes, charset: str | None = None) -> tuple[str, str]:
    """Decode page bytes to text: (text, encoding used). Never raises; bad bytes are replaced."""
    if not isinstance(body, (bytes, bytearray)):
        return "", "utf-8"
    text, encoding, _ = decode(bytes(body), charset)
    return text, encoding
