"""Calendar dates as Chinese government pages write them.

Pages write ``2020-10-23``, ``2020/10/23``, ``2020.10.23``, ``2020年10月23日``,
``二〇二〇年十月二十三日`` and the same with full-width digits, often followed by a
time. Index numbers such as ``2026-02-00018`` or ``jingkaiquqtfj/2020-0000202``
look similar and must not be read as dates.
"""

import datetime
import functools
import re

from crawler.text.numerals import parse_number, to_halfwidth

_CN_YEAR_DIGITS = "〇○零一二三四五六七八九"
_CN_YEAR = f"[{_CN_YEAR_DIGITS}]{{4}}"
_CN_SMALL = "[一二三四五六七八九十]{1,3}"

# The day group is bounded by (?!\d) so that ``2026-02-00018`` (an index number)
# never yields a date; the year by (?<!\d) so that longer digit runs are skipped.
_DATE_RE = re.compile(
    rf"(?<!\d)(?P<y1>\d{{4}})(?P<sep>[-/.])(?P<m1>\d{{1,2}})(?P=sep)(?P<d1>\d{{1,2}})(?!\d)"
    rf"|(?<!\d)(?P<y2>\d{{4}}|{_CN_YEAR})\s*年\s*(?P<m2>\d{{1,2}}|{_CN_SMALL})\s*月"
    rf"\s*(?P<d2>\d{{1,2}}|{_CN_SMALL})(?!\d)\s*日?"
)

# How much of an unreadable value a warning repeats; page cells can be huge.
_WARNING_EXCERPT = 60
# Pages of one portal repeat the same few hundred date values and signature lines, and a
# re-parse reads them all again; only short text is remembered, so hostile cells cannot
# fill the memory.
_REMEMBERED_CHARS = 80


def _match_to_iso(match: re.Match) -> tuple[str | None, str | None]:
    """Turn one regex match into (ISO date, None) or (None, 'impossible date' warning)."""
    year = match.group("y1") or match.group("y2")
    month = match.group("m1") or match.group("m2")
    day = match.group("d1") or match.group("d2")
    # Most dates are written in digits, which int() reads far faster than parse_number.
    numbers = [int(part) if part.isdecimal() else parse_number(part) for part in (year, month, day)]
    impossible = f"impossible date '{match.group(0).strip()}'"
    if None in numbers:
        return None, impossible
    try:
        return datetime.date(*numbers).isoformat(), None
    except ValueError:
        return None, impossible


def parse_date(text: str | None) -> tuple[str | None, str | None]:
    """Read the first date in ``text``: (``'YYYY-MM-DD'`` or None, warning or None).

    Empty text is simply absent (no warning); text with no date, or with a date
    that cannot exist on a calendar, gives None and a warning quoting it.
    """
    if not isinstance(text, str) or not text.strip():
        return None, None
    return _remembered_date(text) if len(text) <= _REMEMBERED_CHARS else _parse_date_text(text)


def _parse_date_text(text: str) -> tuple[str | None, str | None]:
    """``parse_date`` for non-blank text."""
    match = _DATE_RE.search(to_halfwidth(text))
    if match is None:
        excerpt = " ".join(text.split())[:_WARNING_EXCERPT]
        return None, f"unreadable date '{excerpt}'"
    return _match_to_iso(match)


def find_dates(text: str | None) -> list[str]:
    """Every possible calendar date in ``text`` as ISO strings, in order of appearance."""
    if not isinstance(text, str):
        return []
    found = (_match_to_iso(match)[0] for match in _DATE_RE.finditer(to_halfwidth(text)))
    return [iso for iso in found if iso is not None]


def standalone_date(line: str | None) -> str | None:
    """The ISO date when ``line`` holds a date and nothing else (a signature line), else None."""
    if not isinstance(line, str):
        return None
    # Every date starts with its year: skip the width conversion for lines (most body
    # paragraphs) that cannot be one. Full-width digits are decimal digits already.
    first = line.lstrip()[:1]
    if not (first.isdecimal() or (first and first in _CN_YEAR_DIGITS)):
        return None
    return _remembered_line(line) if len(line) <= _REMEMBERED_CHARS else _standalone_date_text(line)


def _standalone_date_text(line: str) -> str | None:
    """``standalone_date`` for a line that starts like a year."""
    match = _DATE_RE.fullmatch(to_halfwidth(line).strip())
    return None if match is None else _match_to_iso(match)[0]


_remembered_date = functools.lru_cache(maxsize=4096)(_parse_date_text)
_remembered_line = functools.lru_cache(maxsize=4096)(_standalone_date_text)
