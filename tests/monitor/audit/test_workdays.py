import datetime as dt

import pytest

from monitor.audit.workdays import (
    CalendarFileError,
    CalendarMissing,
    add_workdays,
    is_workday,
    load_calendar,
    workdays_between,
)

D = dt.date


def test_make_up_sunday_before_2020_spring_festival_is_a_workday():
    assert D(2020, 1, 19).weekday() == 6
    assert is_workday(D(2020, 1, 19))


def test_extended_2020_spring_festival_break_counts_no_days():
    # 2020-01-24 .. 2020-02-02 were all days off (the break was extended that year).
    assert workdays_between(D(2020, 1, 23), D(2020, 2, 2)) == 0
    assert workdays_between(D(2020, 1, 23), D(2020, 2, 3)) == 1


def test_starting_day_is_not_counted():
    # Monday to Tuesday of an ordinary week: one working day taken.
    assert workdays_between(D(2020, 10, 12), D(2020, 10, 13)) == 1
    assert workdays_between(D(2020, 10, 12), D(2020, 10, 12)) == 0


def test_national_day_week_2020():
    # 2020-10-01..08 off; Sunday 09-27 and Saturday 10-10 were make-up working days.
    assert workdays_between(D(2020, 9, 30), D(2020, 10, 9)) == 1
    assert is_workday(D(2020, 10, 10))
    assert workdays_between(D(2020, 9, 25), D(2020, 9, 27)) == 1


def test_across_a_year_boundary():
    assert workdays_between(D(2019, 12, 30), D(2020, 1, 2)) == 2


def test_publication_before_formation_is_negative():
    assert workdays_between(D(2020, 10, 13), D(2020, 10, 12)) == -1


def test_twenty_working_days_after_formation():
    formed = D(2020, 9, 21)
    deadline = add_workdays(formed, 20)
    assert workdays_between(formed, deadline) == 20
    assert is_workday(deadline)
    # 9-27 and 10-10 are make-up days; 10-01..08 are off.
    assert deadline == D(2020, 10, 23)


def test_unknown_year_is_never_guessed():
    with pytest.raises(CalendarMissing, match="calendar missing for 2027"):
        workdays_between(D(2026, 12, 30), D(2027, 1, 5))


def test_calendar_file_extends_a_year(tmp_path):
    path = tmp_path / "cal.toml"
    path.write_text('[2027]\nholidays = ["2027-01-01"]\nworkdays = [2027-01-03]\n', encoding="utf-8")
    calendar = load_calendar(path)
    # Fri 01-01 off, Sun 01-03 a make-up day, Mon 01-04 ordinary.
    assert workdays_between(D(2026, 12, 31), D(2027, 1, 4), calendar) == 2
    assert calendar.is_workday(D(2027, 1, 3))
    assert not calendar.is_workday(D(2027, 1, 2))


@pytest.mark.parametrize(
    "text, message",
    [
        ('[2027]\nholidays = ["2027-02-30"]\n', "is not a date"),
        ('[2027]\nholidays = ["2028-01-01"]\n', "is not in 2027"),
        ("holidays = []\n", "a table per year"),
        ("[2027\n", "cannot read calendar file"),
    ],
)
def test_bad_calendar_file_says_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "cal.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CalendarFileError, match=message):
        load_calendar(path)
