import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from state.calendar import (
    DEFAULT_OVERRIDES,
    TZ,
    CalendarError,
    NoticePeriod,
    WorkingDayCalendar,
)

# Expected dates below were checked by hand against the State Council arrangements:
#   2025 make-up workdays: 01-26 Sun, 02-08 Sat, 04-27 Sun, 09-28 Sun, 10-11 Sat
#   2026 make-up workdays: 01-04 Sun, 02-14 Sat, 02-28 Sat, 05-09 Sat, 09-20 Sun, 10-10 Sat
#   2026 days off: 01-01..03, 02-15..23, 04-04..06, 05-01..05, 06-19..21, 09-25..27, 10-01..07

# A made-up 2027 arrangement for tests only; it is NOT the real one.
FAKE_2027: dict[str, Any] = {
    "confirmed": True,
    "source": "test fixture, not an official arrangement",
    "days_off": ["2027-01-01", "2027-01-05"],
    "workdays": ["2027-01-03"],
}


@pytest.fixture(scope="module")
def cal() -> WorkingDayCalendar:
    return WorkingDayCalendar()


@pytest.fixture(scope="module")
def cal_2027() -> WorkingDayCalendar:
    return WorkingDayCalendar({"years": {"2027": FAKE_2027}})


@pytest.mark.parametrize(
    "d",
    [
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
        date(2026, 3, 9),
    ],
)
def test_working_days(cal: WorkingDayCalendar, d: date) -> None:
    assert cal.is_working_day(d)


@pytest.mark.parametrize(
    "d",
    [
        *(date(2026, 2, 16) + timedelta(days=i) for i in range(8)),  # 02-16 .. 02-23
        date(2026, 1, 1),
        date(2026, 1, 2),
        date(2026, 5, 5),
        date(2026, 10, 7),
        date(2025, 1, 28),
        date(2025, 10, 8),
        date(2026, 3, 7),
        date(2026, 3, 8),
    ],
)
def test_non_working_days(cal: WorkingDayCalendar, d: date) -> None:
    assert not cal.is_working_day(d)


def test_confirmed_years(cal: WorkingDayCalendar) -> None:
    assert cal.is_confirmed(2001) and cal.is_confirmed(2025) and cal.is_confirmed(2026)
    assert not cal.is_confirmed(2027)
    assert cal.span_confirmed(date(2025, 3, 1), date(2026, 12, 31))
    assert not cal.span_confirmed(date(2026, 12, 1), date(2027, 1, 4))
    assert not cal.span_confirmed(date(2027, 1, 4), date(2026, 12, 1))


def test_notice_period_over_labour_day(cal: WorkingDayCalendar) -> None:
    period = cal.notice_period(date(2026, 4, 30))
    assert period == NoticePeriod(
        first_day=date(2026, 4, 30),
        last_day=date(2026, 5, 9),
        ends_at=datetime(2026, 5, 10, 0, 0, tzinfo=TZ),
        confirmed=True,
    )
    assert period.ends_at.isoformat() == "2026-05-10T00:00:00+08:00"


@pytest.mark.parametrize(
    ("published", "first", "last"),
    [
        (date(2026, 10, 2), date(2026, 10, 8), date(2026, 10, 13)),  # National Day; 10-10 Sat worked
        (date(2026, 2, 15), date(2026, 2, 24), date(2026, 2, 28)),  # Spring Festival; 02-28 Sat worked
        (date(2026, 3, 7), date(2026, 3, 9), date(2026, 3, 13)),  # ordinary Saturday
        (date(2026, 2, 14), date(2026, 2, 14), date(2026, 2, 27)),  # make-up Saturday counts
    ],
)
def test_notice_period_starts_next_working_day(
    cal: WorkingDayCalendar, published: date, first: date, last: date
) -> None:
    period = cal.notice_period(published)
    assert (period.first_day, period.last_day) == (first, last)
    assert period.ends_at == datetime.combine(last + timedelta(days=1), datetime.min.time(), TZ)
    assert period.confirmed


def test_end_hour(cal: WorkingDayCalendar) -> None:
    assert cal.notice_period(date(2026, 4, 30), end_hour=17).ends_at == datetime(2026, 5, 9, 17, tzinfo=TZ)
    assert cal.notice_period(date(2026, 4, 30), end_hour=1).ends_at == datetime(2026, 5, 9, 1, tzinfo=TZ)
    for bad in (0, 25, -1):
        with pytest.raises(CalendarError, match="end_hour"):
            cal.notice_period(date(2026, 4, 30), end_hour=bad)


def test_notice_period_length(cal: WorkingDayCalendar) -> None:
    period = cal.notice_period(date(2026, 3, 7), days=1)
    assert period.first_day == period.last_day == date(2026, 3, 9)
    assert cal.notice_period(date(2026, 4, 30), days=7).last_day == date(2026, 5, 12)
    with pytest.raises(CalendarError):
        cal.notice_period(date(2026, 4, 30), days=0)


def test_year_boundary_unconfirmed(cal: WorkingDayCalendar) -> None:
    # 12-28 Mon..12-31 Thu, 2027-01-01 Fri is New Year's Day, then Mon 01-04.
    period = cal.notice_period(date(2026, 12, 28))
    assert (period.first_day, period.last_day) == (date(2026, 12, 28), date(2027, 1, 4))
    assert not period.confirmed
    assert cal.notice_period(date(2026, 12, 21)).confirmed  # ends Fri 12-25


def test_year_boundary_with_override(cal: WorkingDayCalendar, cal_2027: WorkingDayCalendar) -> None:
    assert cal_2027.is_confirmed(2027)
    assert cal_2027.is_working_day(date(2027, 1, 3))  # override make-up Sunday
    assert not cal_2027.is_working_day(date(2027, 1, 5))  # override day off on a Tuesday
    # The library guesses 2027-02-09 as an observed holiday; the override replaces it.
    assert not cal.is_working_day(date(2027, 2, 9))
    assert cal_2027.is_working_day(date(2027, 2, 9))

    period = cal_2027.notice_period(date(2026, 12, 28))
    assert (period.last_day, period.confirmed) == (date(2027, 1, 3), True)
    assert period.ends_at == datetime(2027, 1, 4, tzinfo=TZ)
    # 12-31 Thu, 01-03 Sun, 01-04 Mon, (01-05 off), 01-06 Wed, 01-07 Thu
    period = cal_2027.notice_period(date(2026, 12, 31))
    assert (period.last_day, period.confirmed) == (date(2027, 1, 7), True)
    assert not cal_2027.span_confirmed(date(2027, 12, 1), date(2028, 1, 5))


def test_unconfirmed_override_is_used_but_not_confirmed() -> None:
    cal = WorkingDayCalendar({"years": {"2027": {**FAKE_2027, "confirmed": False}}})
    period = cal.notice_period(date(2026, 12, 28))
    assert (period.last_day, period.confirmed) == (date(2027, 1, 3), False)


def test_override_replaces_library_year() -> None:
    cal = WorkingDayCalendar({"years": {"2026": {"confirmed": False, "days_off": [], "workdays": []}}})
    assert cal.is_working_day(date(2026, 2, 16))
    assert not cal.is_working_day(date(2026, 2, 14))
    assert not cal.is_confirmed(2026)
    assert cal.is_confirmed(2025)


def test_nth_working_day(cal: WorkingDayCalendar) -> None:
    assert cal.nth_working_day(date(2026, 2, 14), 1) == date(2026, 2, 14)
    assert cal.nth_working_day(date(2026, 2, 15), 1) == date(2026, 2, 24)
    assert cal.nth_working_day(date(2026, 4, 30), 5) == date(2026, 5, 9)
    with pytest.raises(CalendarError):
        cal.nth_working_day(date(2026, 4, 30), 0)


def test_add_working_days(cal: WorkingDayCalendar) -> None:
    assert cal.add_working_days(date(2026, 4, 30), 1) == date(2026, 5, 6)
    assert cal.add_working_days(date(2026, 4, 30), 4) == date(2026, 5, 9)
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert cal.add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert cal.add_working_days(date(2026, 2, 15), 0) == date(2026, 2, 15)
    # backwards
    assert cal.add_working_days(date(2026, 5, 6), -1) == date(2026, 4, 30)
    assert cal.add_working_days(date(2026, 2, 24), -1) == date(2026, 2, 14)
    assert cal.add_working_days(date(2026, 2, 24), -2) == date(2026, 2, 13)
    assert cal.add_working_days(date(2026, 1, 5), -1) == date(2026, 1, 4)
    assert cal.add_working_days(date(2026, 1, 5), -2) == date(2025, 12, 31)
    assert cal.add_working_days(date(2026, 3, 7), -1) == date(2026, 3, 6)


def test_working_days_between(cal: WorkingDayCalendar) -> None:
    assert cal.working_days_between(date(2026, 4, 30), date(2026, 5, 9)) == 4
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6
    assert cal.working_days_between(date(2026, 5, 9), date(2026, 4, 30)) == -4
    assert cal.working_days_between(date(2026, 3, 7), date(2026, 3, 7)) == 0
    assert cal.working_days_between(date(2026, 3, 7), date(2026, 3, 8)) == 0
    # 261 weekdays - 19 weekday days off + 6 make-up workdays
    assert cal.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 248


def test_between_inverts_add(cal: WorkingDayCalendar) -> None:
    for offset in range(0, 60, 3):
        start = date(2026, 1, 20) + timedelta(days=offset)
        for n in range(-8, 9):
            assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


def _year(**changes: Any) -> dict[str, Any]:
    return {"years": {"2027": {**FAKE_2027, **changes}}}


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ([], "JSON object"),
        ({}, "'years'"),
        ({"years": []}, "'years'"),
        ({"years": {}, "yeers": {}}, "yeers"),
        ({"years": {"27": FAKE_2027}}, "'27'"),
        ({"years": {"2027": []}}, "year 2027"),
        ({"years": {"2027": {"days_off": [], "workdays": []}}}, "year 2027.*confirmed"),
        (_year(confirmed="yes"), "year 2027.*'confirmed'"),
        (_year(source=1), "year 2027.*'source'"),
        (_year(days_off="2027-01-01"), "year 2027.*'days_off'"),
        (_year(days_off=["2027-13-01"]), "year 2027.*'days_off'.*2027-13-01"),
        (_year(workdays=["20270103"]), "year 2027.*'workdays'.*20270103"),
        (_year(workdays=[20270103]), "year 2027.*'workdays'"),
        (_year(workdays=["2026-12-27"]), "year 2027.*'workdays'.*outside"),
        (_year(workdays=["2027-01-01"]), "year 2027.*both.*2027-01-01"),
        (_year(workday=[]), "year 2027.*workday"),
    ],
)
def test_invalid_overrides(doc: Any, expected: str) -> None:
    with pytest.raises(CalendarError, match=expected):
        WorkingDayCalendar(doc)


def test_from_file_errors_name_the_file(tmp_path: Path) -> None:
    bad_json = tmp_path / "broken.json"
    bad_json.write_text("{not json", encoding="utf-8")
    with pytest.raises(CalendarError, match="broken.json"):
        WorkingDayCalendar.from_file(bad_json)

    bad_content = tmp_path / "bad.json"
    bad_content.write_text(json.dumps(_year(confirmed="yes")), encoding="utf-8")
    with pytest.raises(CalendarError, match="bad.json.*year 2027.*confirmed"):
        WorkingDayCalendar.from_file(str(bad_content))

    with pytest.raises(CalendarError, match="missing.json"):
        WorkingDayCalendar.from_file(tmp_path / "missing.json")


def test_from_file_with_override(tmp_path: Path) -> None:
    path = tmp_path / "overrides.json"
    path.write_text(json.dumps({"_comment": "x", "years": {"2027": FAKE_2027}}), encoding="utf-8")
    cal = WorkingDayCalendar.from_file(path)
    assert cal.is_confirmed(2027)
    assert cal.notice_period(date(2026, 12, 28)).last_day == date(2027, 1, 3)


def test_shipped_overrides_file() -> None:
    doc = json.loads(DEFAULT_OVERRIDES.read_text(encoding="utf-8"))
    assert doc["_comment"]
    cal = WorkingDayCalendar.from_file()
    assert cal.is_confirmed(2026)
    assert cal.notice_period(date(2026, 4, 30)).last_day == date(2026, 5, 9)
    entry = doc["years"].get("2027")
    assert cal.is_confirmed(2027) == bool(entry and entry["confirmed"])
