import pytest

from crawler.text.dates import find_dates, parse_date, standalone_date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2020-10-23", "2020-10-23"),
        ("2020/10/23", "2020-10-23"),
        ("2020.10.23", "2020-10-23"),
        ("2020-1-5", "2020-01-05"),
        ("2020年10月23日", "2020-10-23"),
        ("2020年1月5日", "2020-01-05"),
        ("2021年 3月 5日", "2021-03-05"),
        ("二〇二〇年十月二十三日", "2020-10-23"),
        ("二〇二一年三月五日", "2021-03-05"),
        ("二〇二〇年十二月三十一日", "2020-12-31"),
        ("２０２０－１０－２３", "2020-10-23"),
        ("２０１９年０３月２０日", "2019-03-20"),
        ("2020-10-23 09:30:00", "2020-10-23"),
        ("2021-04-01 10:30", "2021-04-01"),
        ("发布日期：2021-03-05", "2021-03-05"),
    ],
)
def test_parse_date_reads_every_format(text, expected):
    assert parse_date(text) == (expected, None)


@pytest.mark.parametrize("text", ["2020-02-30", "2021年2月29日", "2020-13-01", "二〇二〇年十三月一日", "0000-01-01"])
def test_parse_date_flags_impossible_dates(text):
    iso, warning = parse_date(text)
    assert iso is None
    assert warning == f"impossible date '{text}'"


@pytest.mark.parametrize("text", [None, "", "   ", "\u3000"])
def test_parse_date_treats_empty_as_absent(text):
    assert parse_date(text) == (None, None)


@pytest.mark.parametrize(
    "text", ["2026-02-00018", "jingkaiquqtfj/2020-0000202", "014416330/2018-04736", "11341702486344515H/202110-00013"]
)
def test_index_numbers_are_not_dates(text):
    assert parse_date(text) == (None, f"unreadable date '{text}'")
    assert find_dates(text) == []


def test_parse_date_warns_on_nonsense():
    assert parse_date("长期有效") == (None, "unreadable date '长期有效'")


def test_parse_date_quotes_only_an_excerpt_of_long_text():
    _, warning = parse_date("无" * 500)
    assert warning.startswith("unreadable date '无")
    assert len(warning) < 100


def test_parse_date_rejects_mixed_separators():
    assert parse_date("2020-10/23")[0] is None


def test_find_dates_returns_all_valid_dates_in_order():
    line = "成文日期：2021年4月16日 发布日期：2021-04-23 无效：2020-02-30 索引号：2026-02-00018"
    assert find_dates(line) == ["2021-04-16", "2021-04-23"]


def test_find_dates_of_non_text_is_empty():
    assert find_dates(None) == []


@pytest.mark.parametrize(
    "line, expected",
    [
        ("二〇二一年三月五日", "2021-03-05"),
        ("  2021年4月16日 ", "2021-04-16"),
        ("2020-10-23", "2020-10-23"),
        ("临沂市人民政府办公室 2021年4月16日", None),
        ("2020-10-23 点击数:", None),
        ("2020-02-30", None),
        (None, None),
    ],
)
def test_standalone_date_needs_a_line_holding_only_a_date(line, expected):
    assert standalone_date(line) == expected
