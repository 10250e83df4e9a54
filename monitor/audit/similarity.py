"""How much of one annual report's prose is last year's: a pure comparison of two texts.

Digits are removed first (a copied report changes its year and its figures), and only
prose lines count (a sentence, not a table row or a heading), so the template's tables,
the same every year by law, do not make two reports similar. Lines are compared as
units with difflib, which is linear enough for reports of tens of thousands of characters
where a character-level comparison is quadratic.
"""

import difflib
import re

_DIGITS = re.compile(r"[0-9０-９〇一二三四五六七八九十]+(?=年|月|日)|[0-9０-９]+")
# A prose line: at least this many characters once digits and spaces are gone, with a
# sentence mark.
_MIN_PROSE = 15


def prose_lines(text: str) -> list[str]:
    """The report's prose lines, digits and whitespace removed."""
    lines = []
    for line in (text or "").splitlines():
        if "\t" in line:
            continue
        bare = re.sub(r"\s+", "", _DIGITS.sub("", line))
        if len(bare) >= _MIN_PROSE and ("。" in bare or "，" in bare):
            lines.append(bare)
    return lines


def similarity(text: str, previous: str) -> tuple[float, str] | None:
    """The share of ``text``'s prose also in ``previous`` (0–1) and the longest passage they
    share, or None when either has no prose to compare."""
    ours, theirs = prose_lines(text), prose_lines(previous)
    if not ours or not theirs:
        return None
    matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
    shared = sum(len("".join(ours[block.a:block.a + block.size])) for block in matcher.get_matching_blocks())
    longest = max(matcher.get_matching_blocks(), key=lambda block: len("".join(ours[block.a:block.a + block.size])))
    return shared / len("".join(ours)), "".join(ours[longest.a:longest.a + longest.size])
