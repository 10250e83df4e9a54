"""Run labels (``索引号：… 发布日期：…``) are looked for only where a label can start; that
must find exactly what the full pattern finds scanning every position."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.parsing import _RUN_LABEL_RE, KNOWN_LABELS, _run_label_matches
from crawler.text.decoding import decode_body
from crawler.text.html import document_lines

FILES = Path(__file__).parents[1] / "files"
PAGES = sorted([*FILES.glob("*.html"), *FILES.glob("real/pages/*.html")])


def spans(matches) -> list[tuple]:
    return [(match.span(), match.group("label"), match.group("bracketed")) for match in matches]


def test_every_line_of_the_saved_pages_gives_the_full_patterns_matches():
    lines = [line for path in PAGES for line in document_lines(decode_body(path.read_bytes())[0])]
    found = [spans(_run_label_matches(line)) for line in lines]
    assert found == [spans(_RUN_LABEL_RE.finditer(line)) for line in lines]
    assert sum(map(len, found)) > 50  # the pages do hold run labels


# Labels, their pieces, separators and the characters the generic labels must not follow.
PIECES = st.sampled_from(sorted(KNOWN_LABELS) + ["：", ":", "【", "】", "[", "]", " ", "\u3000", "截止", "按", "2021-03-05",
                                                 "发", "文", "号", "期"])


@settings(max_examples=150, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_any_line_gives_the_full_patterns_matches(line):
    assert spans(_run_label_matches(line)) == spans(_RUN_LABEL_RE.finditer(line))
