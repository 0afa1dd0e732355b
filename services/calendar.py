"""China's working-day calendar as the workflows use it (reference data, open to anyone): a date some working days
after another, and the public notice window of a notice published on a day."""

from datetime import date

from config import Settings
from state.calendar import NoticePeriod, WorkingDayCalendar


def calendar(settings: Settings) -> WorkingDayCalendar:
    # Read on each call, like the workflow's activity: an official arrangement loaded later counts at once.
    return WorkingDayCalendar.from_file(settings.calendar_overrides)


def working_days(settings: Settings, start: date, count: int) -> tuple[date, bool]:
    """The date ``count`` working days after (negative: before) ``start``, and whether the span is confirmed."""
    c = calendar(settings)
    end = c.add_working_days(start, count)
    return end, c.span_confirmed(start, end)


def notice_period(settings: Settings, published_on: date) -> NoticePeriod:
    return calendar(settings).notice_period(
        published_on, days=settings.notice_working_days, end_hour=settings.notice_end_hour
    )
