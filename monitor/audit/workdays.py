"""Working days on the official Chinese calendar.

Article 26 of the disclosure regulations counts its 20-day period in working days,
which follow the State Council's yearly holiday notices: holidays and the make-up
working weekends (调休) that pay for them. ``chinesecalendar`` encodes the notices it
knows (2004–2026); a calendar file can add later years. A year known to neither is
never guessed as plain Monday–Friday: the caller gets :class:`CalendarMissing`.

The period does not count its first day, as Chinese law counts periods: the working
days taken by a document formed on F and published on P are the working days d with
F < d <= P.
"""

import datetime as dt
import tomllib
from pathlib import Path

import chinese_calendar


class CalendarMissing(Exception):
    """A date falls in a year for which no holiday calendar is known."""

    def __init__(self, year: int):
        super().__init__(f"calendar missing for {year}")
        self.year = year


class CalendarFileError(ValueError):
    """A calendar file could not be read; the message says where and why."""


class WorkCalendar:
    """The official calendar, optionally extended by per-year holiday lists.

    ``extra`` maps a year to ``(holidays, workdays)``: sets of dates that are days off
    and make-up working days. Every other date of such a year is a working day when it
    falls Monday to Friday. Years given here override chinesecalendar's.
    """

    def __init__(self, extra: dict[int, tuple[frozenset, frozenset]] | None = None):
        self.extra = dict(extra or {})
        self._prefix: dict[int, list[int]] = {}

    def is_workday(self, day: dt.date) -> bool:
        """True when ``day`` is a working day; raises CalendarMissing for an unknown year."""
        if day.year in self.extra:
            holidays, workdays = self.extra[day.year]
            return day in workdays or (day.weekday() < 5 and day not in holidays)
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            raise CalendarMissing(day.year) from None

    def _year_prefix(self, year: int) -> list[int]:
        """Cumulative working days of ``year``: element i counts days 1..i of the year."""
        if year not in self._prefix:
            day = dt.date(year, 1, 1)
            counts = [0]
            while day.year == year:
                counts.append(counts[-1] + self.is_workday(day))
                day += dt.timedelta(days=1)
            self._prefix[year] = counts
        return self._prefix[year]

    def _count_through(self, day: dt.date, base_year: int) -> int:
        """Working days from the start of ``base_year`` through ``day`` inclusive."""
        total = sum(self._year_prefix(year)[-1] for year in range(base_year, day.year))
        return total + self._year_prefix(day.year)[day.timetuple().tm_yday]

    def workdays_between(self, formed: dt.date, published: dt.date) -> int:
        """Working days d with formed < d <= published; negative when published < formed."""
        if published < formed:
            return -self.workdays_between(published, formed)
        base = formed.year
        return self._count_through(published, base) - self._count_through(formed, base)

    def add_workdays(self, day: dt.date, count: int) -> dt.date:
        """The date ``count`` working days after ``day`` (the first day not counted)."""
        while count > 0:
            day += dt.timedelta(days=1)
            count -= self.is_workday(day)
        return day


OFFICIAL = WorkCalendar()


def load_calendar(path: str | Path) -> WorkCalendar:
    """Read a TOML calendar file extending the official calendar.

    The file has one table per year::

        [2027]
        holidays = ["2027-01-01", "2027-02-06"]
        workdays = ["2027-02-14"]   # make-up working weekends
    """
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CalendarFileError(f"cannot read calendar file {path}: {exc}") from None
    extra = {}
    for key, table in data.items():
        if not (str(key).isdigit() and isinstance(table, dict)):
            raise CalendarFileError(f"{path}: expected a table per year like [2027], got {key!r}")
        year = int(key)
        extra[year] = (
            _dates_of(path, year, table, "holidays"),
            _dates_of(path, year, table, "workdays"),
        )
    return WorkCalendar(extra)


def _dates_of(path, year: int, table: dict, name: str) -> frozenset:
    """The dates listed under ``name`` in one year's table, each checked to lie in that year."""
    dates = set()
    for value in table.get(name, []):
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            raise CalendarFileError(f"{path}: [{year}] {name}: {value!r} is not a date") from None
        if day.year != year:
            raise CalendarFileError(f"{path}: [{year}] {name}: {day} is not in {year}")
        dates.add(day)
    return frozenset(dates)


def is_workday(day: dt.date) -> bool:
    """True when ``day`` is a working day on the official calendar."""
    return OFFICIAL.is_workday(day)


def workdays_between(formed: dt.date, published: dt.date, calendar: WorkCalendar = OFFICIAL) -> int:
    """Working days d with formed < d <= published (negative when published < formed)."""
    return calendar.workdays_between(formed, published)


def add_workdays(day: dt.date, count: int, calendar: WorkCalendar = OFFICIAL) -> dt.date:
    """The date ``count`` working days after ``day``."""
    return calendar.add_workdays(day, count)
