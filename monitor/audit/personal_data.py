"""Personal data in published text: resident ID numbers and mainland mobile numbers.

Inspections count an unmasked 18-digit resident ID number (GB 11643: 6-digit region,
8-digit birth date, 3-digit serial, check digit) or mobile number in a published title,
body or attachment name as a finding. Only numbers that stand alone count: a run of
digits inside a longer one (an index number, a bank account, a 文号's serial) is not a
number of a person. A number found is never shown whole: :func:`mask` keeps the first
and last four digits of an ID number and the first three and last four of a mobile.
"""

import datetime as dt
import re

# Not preceded or followed by a digit or Latin letter: a number standing alone. A hyphen
# or slash before it makes it part of a landline (0539-…) or an index number (org/…).
_ID = re.compile(r"(?<![0-9A-Za-z/\-])\d{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z/\-])1[3-9]\d{9}(?![0-9A-Za-z])")
# GB 11643-1999: weights of the first 17 digits, and the check character per sum mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# Born no earlier than this: an older "birth date" is a coincidence of digits.
_EARLIEST_BIRTH = dt.date(1900, 1, 1)


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character of an ID number's first 17 digits."""
    return _CHECK[sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS)) % 11]


def is_resident_id(number: str, as_of: dt.date) -> bool:
    """An 18-character resident ID number with a valid check digit and a birth date a person can have."""
    if len(number) != 18 or not number[:17].isdigit() or number[0] == "0":
        return False
    if id_check_digit(number[:17]) != number[17].upper():
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return _EARLIEST_BIRTH <= born <= as_of


def mask(number: str) -> str:
    """``3201**********1234`` for an ID number, ``138****5678`` for a mobile."""
    if len(number) == 18:
        return number[:4] + "*" * 10 + number[-4:]
    return number[:3] + "*" * 4 + number[-4:]


def find_numbers(text: str, as_of: dt.date) -> list[tuple[str, str]]:
    """``(kind, number)`` of every personal number in ``text``: kind ``id`` or ``mobile``, in order."""
    found = [(match.start(), "id", match.group()) for match in _ID.finditer(text or "")
             if is_resident_id(match.group(), as_of)]
    found += [(match.start(), "mobile", match.group()) for match in _MOBILE.finditer(text or "")]
    return [(kind, number) for _, kind, number in sorted(found)]


def mask_text(text: str) -> str:
    """``text`` with every personal number in it masked (any birth date counts, to be safe)."""
    if not text:
        return text
    text = _ID.sub(lambda m: mask(m.group()) if is_resident_id(m.group(), dt.date.max) else m.group(), text)
    return _MOBILE.sub(lambda m: mask(m.group()), text)


def mask_all(value):
    """``value`` (a JSON-like structure of dicts, lists and strings) with every string masked."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: mask_all(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_all(item) for item in value]
    return value
