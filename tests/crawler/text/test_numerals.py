import pytest

from crawler.text.numerals import cn_digits_to_int, parse_number, to_halfwidth


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2763", 2763),
        ("2,763", 2763),
        ("21,469", 21469),
        ("２７６３", 2763),
        (" 43 ", 43),
        ("四十三", 43),
        ("十三", 13),
        ("二千七百六十三", 2763),
        ("一千零三", 1003),
        ("两万", 20000),
        ("一万二千", 12000),
        ("二〇二〇", 2020),
        ("一", 1),
        ("〇", 0),
    ],
)
def test_parse_number_reads(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["", "若干", "XX", "12a", "2,76", "三四十", None])
def test_parse_number_refuses_to_guess(text):
    assert parse_number(text) is None


def test_to_halfwidth_converts_digits_colon_and_ideographic_space():
    assert to_halfwidth("２０２０：\u3000Ａ") == "2020: A"


def test_cn_digits_to_int_rejects_units():
    assert cn_digits_to_int("二十") is None
    assert cn_digits_to_int("二〇二一") == 2021
