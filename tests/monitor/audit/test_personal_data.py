"""Resident ID and mobile numbers: GB 11643 check digits, birth dates, standing alone, masking."""

import datetime as dt

import pytest

from monitor.audit.personal_data import find_numbers, id_check_digit, is_resident_id, mask, mask_all, mask_text

AS_OF = dt.date(2021, 12, 31)


def test_check_digit_follows_gb_11643():
    # The standard's own example: 11010519491231002X.
    assert id_check_digit("11010519491231002") == "X"
    assert is_resident_id("11010519491231002X", AS_OF) and is_resident_id("11010519491231002x", AS_OF)


@pytest.mark.parametrize("number, why", [
    ("110105194912310021", "wrong check digit"),
    ("110105194913310028", "month 13"),
    ("110105203001010026", "born after the as-of date"),
    ("110105180001010026", "born before 1900"),
])
def test_not_resident_ids(number, why):
    assert not is_resident_id(number, AS_OF), why


def test_found_numbers_stand_alone():
    text = ("身份证号：371302198503127717；电话13912345678。账号6222371302198503127717001，"
            "索引号 org/13912345678，座机0539-13912345678，热线12345，传真0539-8712345，"
            "临经开社发〔2021〕12号，2021年6月15日")
    assert find_numbers(text, AS_OF) == [("id", "371302198503127717"), ("mobile", "13912345678")]


def test_an_id_number_is_not_also_a_mobile():
    assert find_numbers("13130219850312771X", AS_OF) == []
    assert [kind for kind, _ in find_numbers("身份证371302198503127717", AS_OF)] == ["id"]


def test_masks_keep_only_the_ends():
    assert mask("371302198503127717") == "3713**********7717"
    assert mask("13912345678") == "139****5678"
    assert mask_text("电话13912345678，证号371302198503127717，证号371302198503127715") == (
        "电话139****5678，证号3713**********7717，证号371302198503127715")


def test_mask_all_reaches_every_string():
    value = {"a": ["13912345678", {"b": ("x 13912345678",)}], "n": 13912345678}
    assert mask_all(value) == {"a": ["139****5678", {"b": ["x 139****5678"]}], "n": 13912345678}
