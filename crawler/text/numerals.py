"""Numbers as Chinese government pages write them.

Portals and annual reports mix ASCII digits, full-width digits (２０２０), thousands
separators and Chinese numerals, both positional (二千七百六十三) and digit-by-digit
(二〇二〇, the way years are written in dates and signatures).
"""

import re

_CN_DIGITS = {
    "〇": 0, "零": 0, "○": 0, "Ｏ": 0,
    "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_MYRIADS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}

# Full-width forms U+FF01..U+FF5E map one-to-one onto ASCII 0x21..0x7E.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = 0x20

_ARABIC = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+$")


# str.translate with a dict looks every character up in Python; most text has nothing to map.
_FULLWIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")


def to_halfwidth(text: str) -> str:
    """Return ``text`` with full-width ASCII forms and the ideographic space made ASCII."""
    return text.translate(_HALFWIDTH) if _FULLWIDTH_RE.search(text) else text


def cn_digits_to_int(text: str) -> int | None:
    """Read digit-by-digit Chinese numerals (``二〇二〇`` -> 2020); None if any char is not a digit."""
    if not text or any(ch not in _CN_DIGITS for ch in text):
        return None
    value = 0
    for ch in text:
        value = value * 10 + _CN_DIGITS[ch]
    return value


def _cn_positional_to_int(text: str) -> int | None:
    """Read positional Chinese numerals (``二千七百六十三``, ``十三``, ``两万``)."""
    total = section = 0
    digit = None
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row without a unit: not positional
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            # A bare 十 at the start means 1×10 (十三 = 13).
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch in _CN_MYRIADS:
            total += (section + (digit or 0)) * _CN_MYRIADS[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def parse_number(text: str) -> int | None:
    """Read a whole number written in any of the ways portals write one, else None.

    Accepts ``2763``, ``2,763``, ``２７６３``, ``二千七百六十三``, ``四十三``, ``二〇二〇``.
    Surrounding whitespace is ignored; anything else unreadable returns None rather
    than a guess.
    """
    if not isinstance(text, str):
        return None
    cleaned = re.sub(r"\s+", "", to_halfwidth(text))
    if not cleaned:
        return None
    if _ARABIC.match(cleaned):
        return int(cleaned.replace(",", ""))
    if all(ch in _CN_DIGITS for ch in cleaned):
        # 一 alone is 1 either way; longer runs without units are digit-by-digit.
        return cn_digits_to_int(cleaned)
    return _cn_positional_to_int(cleaned)
