"""China's statutory working-day calendar (Asia/Shanghai).

Built on ``holidays.China``; official arrangements the library lacks (or gets
wrong) come from a JSON override file, see ``data/calendar_overrides.json``.
A year is *confirmed* when its arrangement is an official State Council one:
either the library ships it or an override marks it ``confirmed``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from holidays.countries.china import ChinaStaticHolidays

TZ = ZoneInfo("Asia/Shanghai")
DEFAULT_OVERRIDES = Path(__file__).parent / "data" / "calendar_overrides.json"

# Years whose official arrangement (incl. make-up workdays) the library knows.
_LIBRARY_CONFIRMED: frozenset[int] = frozenset(ChinaStaticHolidays.special_public_holidays)
_YEAR_FIELDS = {"confirmed", "source", "days_off", "workdays"}
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class NoticePeriod:
    first_day: date
    last_day: date
    ends_at: datetime  # timezone-aware, Asia/Shanghai
    confirmed: bool  # every year from first_day..last_day is confirmed


class CalendarError(ValueError):
    """Bad override content or an invalid argument."""


@dataclass(frozen=True)
class _YearArrangement:
    days_off: frozenset[date]
    workdays: frozenset[date]  # weekend days that are working days
    confirmed: bool


@cache
def _library_china(year: int) -> holidays.HolidayBase:
    # Adjacent years are loaded because substitutions cross year boundaries
    # (e.g. a late-December make-up Saturday filed under the next year).
    # expand=False stops membership tests from silently loading more years.
    china: holidays.HolidayBase = holidays.country_holidays("CN", years=[year - 1, year, year + 1], expand=False)
    return china


@cache
def _library_year(year: int) -> _YearArrangement:
    china = _library_china(year)
    return _YearArrangement(
        days_off=frozenset(d for d in china if d.year == year),
        workdays=frozenset(d for d in china.weekend_workdays if d.year == year),
        confirmed=year in _LIBRARY_CONFIRMED,
    )


def _parse_dates(value: object, year: int, field: str, where: str) -> frozenset[date]:
    if not isinstance(value, list):
        raise CalendarError(f"{where}: year {year}: {field!r} must be a list of YYYY-MM-DD dates")
    result: set[date] = set()
    for item in value:
        try:
            # Length check rejects the compact forms 3.11's fromisoformat also accepts.
            if not isinstance(item, str) or len(item) != 10:
                raise ValueError
            d = date.fromisoformat(item)
        except ValueError:
            raise CalendarError(
                f"{where}: year {year}: {field!r} has invalid date {item!r} (expected YYYY-MM-DD)"
            ) from None
        if d.year != year:
            raise CalendarError(f"{where}: year {year}: {field!r} has {item} outside year {year}")
        result.add(d)
    return frozenset(result)


def _parse_overrides(doc: object, where: str) -> dict[int, _YearArrangement]:
    if not isinstance(doc, dict):
        raise CalendarError(f"{where}: override document must be a JSON object")
    unknown = sorted(k for k in doc if not str(k).startswith("_") and k != "years")
    if unknown:
        raise CalendarError(f"{where}: unknown top-level field(s) {unknown}")
    years = doc.get("years")
    if not isinstance(years, dict):
        raise CalendarError(f"{where}: 'years' must be an object mapping year -> arrangement")

    parsed: dict[int, _YearArrangement] = {}
    for key, entry in years.items():
        if isinstance(key, int) or (isinstance(key, str) and len(key) == 4 and key.isdigit()):
            year = int(key)
        else:
            raise CalendarError(f"{where}: year key {key!r} is not a four-digit year")
        if not isinstance(entry, dict):
            raise CalendarError(f"{where}: year {year}: arrangement must be an object")
        unknown = sorted(k for k in entry if not str(k).startswith("_") and k not in _YEAR_FIELDS)
        if unknown:
            raise CalendarError(f"{where}: year {year}: unknown field(s) {unknown}")
        missing = sorted(f for f in ("confirmed", "days_off", "workdays") if f not in entry)
        if missing:
            raise CalendarError(f"{where}: year {year}: missing field(s) {missing}")
        if not isinstance(entry["confirmed"], bool):
            raise CalendarError(f"{where}: year {year}: 'confirmed' must be true or false")
        if not isinstance(entry.get("source", ""), str):
            raise CalendarError(f"{where}: year {year}: 'source' must be a string")
        days_off = _parse_dates(entry["days_off"], year, "days_off", where)
        workdays = _parse_dates(entry["workdays"], year, "workdays", where)
        both = sorted(d.isoformat() for d in days_off & workdays)
        if both:
            raise CalendarError(f"{where}: year {year}: dates in both 'days_off' and 'workdays': {both}")
        if year in parsed:
            raise CalendarError(f"{where}: year {year}: listed more than once")
        parsed[year] = _YearArrangement(days_off, workdays, entry["confirmed"])
    return parsed


class WorkingDayCalendar:
    def __init__(self, overrides: dict[str, Any] | None = None) -> None:
        self._overrides = _parse_overrides(overrides, "<overrides>") if overrides is not None else {}
        self._years: dict[int, _YearArrangement] = {}

    @classmethod
    def from_file(cls, path: Path | str | None = None) -> WorkingDayCalendar:
        path = Path(path) if path is not None else DEFAULT_OVERRIDES
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CalendarError(f"{path}: cannot read override file: {exc}") from exc
        except json.JSONDecodeError as exc:
            raise CalendarError(f"{path}: invalid JSON: {exc}") from exc
        _parse_overrides(doc, str(path))  # validate first so errors name the file
        return cls(doc)

    def _year(self, year: int) -> _YearArrangement:
        arrangement = self._years.get(year)
        if arrangement is None:
            arrangement = self._overrides[year] if year in self._overrides else _library_year(year)
            self._years[year] = arrangement
        return arrangement

    def is_working_day(self, d: date) -> bool:
        arrangement = self._year(d.year)
        if d in arrangement.workdays:
            return True
        return d.weekday() < 5 and d not in arrangement.days_off

    def is_confirmed(self, year: int) -> bool:
        return self._year(year).confirmed

    def span_confirmed(self, start: date, end: date) -> bool:
        lo, hi = sorted((start.year, end.year))
        return all(self.is_confirmed(y) for y in range(lo, hi + 1))

    def nth_working_day(self, start: date, n: int) -> date:
        if n < 1:
            raise CalendarError(f"n must be >= 1, got {n}")
        d = start if self.is_working_day(start) else self.add_working_days(start, 1)
        return self.add_working_days(d, n - 1)

    def add_working_days(self, start: date, n: int) -> date:
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        d, remaining = start, abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        # Backwards the rule is mirrored: start excluded, end included, i.e. count
        # end <= d < start. This keeps working_days_between(s, add_working_days(s, n)) == n.
        if end < start:
            return -sum(1 for d in _days(end, start - _ONE_DAY) if self.is_working_day(d))
        return sum(1 for d in _days(start + _ONE_DAY, end) if self.is_working_day(d))

    def notice_period(self, published_on: date, days: int = 5, end_hour: int = 24) -> NoticePeriod:
        if days < 1:
            raise CalendarError(f"notice period must be >= 1 working day, got {days}")
        if not 1 <= end_hour <= 24:
            raise CalendarError(f"end_hour must be in 1..24, got {end_hour}")
        first_day = self.nth_working_day(published_on, 1)
        last_day = self.add_working_days(first_day, days - 1)
        if end_hour == 24:
            ends_at = datetime.combine(last_day + _ONE_DAY, time(0), tzinfo=TZ)
        else:
            ends_at = datetime.combine(last_day, time(end_hour), tzinfo=TZ)
        return NoticePeriod(
            first_day=first_day,
            last_day=last_day,
            ends_at=ends_at,
            confirmed=self.span_confirmed(first_day, last_day),
        )


def _days(first: date, last: date) -> Iterator[date]:  # inclusive range
    d = first
    while d <= last:
        yield d
        d += _ONE_DAY
