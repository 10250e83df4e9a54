"""What a document's own text says about it, for pages without a metadata grid.

Gazette (政府公报) articles and many single-page-app detail pages show no labelled
metadata: the document stands as it was printed. An official document (公文) has a
fixed shape, and that shape is what is read here, from the body's lines:

    四川省交通运输厅                     <- title, sometimes over several lines,
    关于……的指导意见                        often led by the issuing body's name
    川交函〔2020〕281号                  <- the document number (文号)
    各市（州）交通运输局：                <- the addressees
    ……
    四川省交通运输厅                     <- the issuing body, signing
    2020年6月2日                         <- the signature date

Everything here is a pure function of text; a value the text does not show is None.
"""

import re

from crawler.text.dates import standalone_date

# 川交函〔2020〕281号, 国办发[2019]60号, 浙金罚决字（2024）52号: an issuer's abbreviation,
# the year in brackets, the serial.
DOC_NO_RE = re.compile(r"[\u4e00-\u9fff]{1,15}[〔［\[（(【]\s*(?:19|20)\d{2}\s*[〕］\]）)】]\s*第?\s*\d{1,5}\s*号")
# How many of the body's first lines the title and 文号 block may take.
_HEAD_LINES = 8
# A title line is short and is not a sentence.
_MAX_TITLE_LINE = 60
_SENTENCE_MARKS = "。；;！!？?："
# A letterhead line (发文机关标志) names the body and 文件, not the document.
_LETTERHEAD_RE = re.compile(r"(?:文件|公报)$")
# The name of a government body ends in one of these.
_BODY_SUFFIX_RE = re.compile(
    r"(?:政府|委员会|管委会|委|厅|局|办公室|办公厅|办|院|部|署|中心|会|处|所|站|队|室|监管局|分局|分行|公司)$"
)
_MAX_BODY_NAME = 30
# A gazette states its issue date as "2020年06月30日出版".
_ISSUE_DATE_RE = re.compile(r"((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*出版")
# The words by which a <title> names a site or a gazette rather than a document.
_SITE_NAME_RE = re.compile(r"(?:公报|网|网站|门户|人民政府|政府|首页|信息公开|政务公开|平台)$")


def doc_no_line(line: str) -> str | None:
    """The 文号 when ``line`` is a document number standing alone (spaces removed), else None."""
    compact = "".join(line.split())
    return compact if DOC_NO_RE.fullmatch(compact) else None


def _is_title_line(line: str) -> bool:
    """A line that can be part of a printed title: short, no sentence punctuation."""
    return len(line) <= _MAX_TITLE_LINE and not any(mark in line for mark in _SENTENCE_MARKS)


def head_doc_no(lines: list[str]) -> tuple[int, str] | None:
    """(index, 文号) of the document number among the body's first lines, or None."""
    for index, line in enumerate(lines[:_HEAD_LINES]):
        found = doc_no_line(line)
        if found:
            return index, found
    return None


def printed_title(lines: list[str]) -> str | None:
    """The title as printed at the head of the body, next to its 文号; None without one.

    The title is the run of short lines before the 文号 (a letterhead line ending in
    文件 left out) or, in the letterhead layout, the run after it up to the addressees.
    Lines are joined without spaces: a printed title breaks lines inside words.
    """
    head = head_doc_no(lines)
    if head is None:
        return None
    index, _ = head
    before = [line for line in lines[:index] if not _LETTERHEAD_RE.search(line)]
    if before and all(_is_title_line(line) for line in before):
        return "".join("".join(line.split()) for line in before)
    after = []
    for line in lines[index + 1 : index + 1 + _HEAD_LINES]:
        if not _is_title_line(line):
            break
        after.append(line)
    return "".join("".join(line.split()) for line in after) or None


def signature_block(lines: list[str], last: int) -> tuple[str | None, str | None]:
    """(issuing body, 文号) read from the lines just above the signature date at ``lines[last]``.

    Only a single body name counts: a joint document signed by several bodies gives
    no one issuing body.
    """
    body = doc_no = None
    for line in reversed(lines[max(0, last - 3) : last]):
        if doc_no is None and (found := doc_no_line(line)):
            doc_no = found
        elif body is None and is_body_name(line):
            body = line.strip()
    return body, doc_no


def is_body_name(line: str) -> bool:
    """True for a line that is one government body's name (no spaces inside, a body's ending)."""
    text = line.strip()
    return (
        0 < len(text) <= _MAX_BODY_NAME
        and not any(ch.isspace() for ch in text)
        and not any(mark in text for mark in _SENTENCE_MARKS + "，,、")
        and bool(_BODY_SUFFIX_RE.search(text))
    )


def title_issuer(title: str | None) -> str | None:
    """The issuing body a title starts with (``四川省交通运输厅关于…``), None for joint titles."""
    if not title or "关于" not in title:
        return None
    issuer = title.split("关于", 1)[0]
    return issuer if "等" not in issuer and is_body_name(issuer) else None


def signature_line(lines: list[str], within: int) -> int | None:
    """The index of the last line among the final ``within`` that is a date alone, or None."""
    for index in range(len(lines) - 1, max(-1, len(lines) - 1 - within), -1):
        if standalone_date(lines[index]):
            return index
    return None


def issue_date_text(text: str) -> str | None:
    """A gazette's issue date as written (``2020年06月30日``) in ``text``, or None."""
    match = _ISSUE_DATE_RE.search(text)
    return match.group(1) if match else None


def names_a_site(title: str | None) -> bool:
    """True when a page's ``<title>`` names the site or gazette, not the document."""
    return bool(title) and bool(_SITE_NAME_RE.search(title.strip()))
