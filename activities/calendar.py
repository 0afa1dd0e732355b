"""Deadline computation. The calendar file can change after the fact, so it is read here and so recorded."""

from pathlib import Path

from temporalio import activity

from contracts.application import NoticePeriodRequest, NoticeWindow
from state.calendar import WorkingDayCalendar


class CalendarActivities:
    def __init__(self, overrides: Path | None, notice_working_days: int = 5, notice_end_hour: int = 24):
        self.overrides = overrides
        self.days = notice_working_days
        self.end_hour = notice_end_hour

    @activity.defn
    def compute_notice_period(self, req: NoticePeriodRequest) -> NoticeWindow:
        calendar = WorkingDayCalendar.from_file(self.overrides)
        days = req.working_days or self.days  # the program's, recorded with the request
        p = calendar.notice_period(req.published_on, days=days, end_hour=req.ends_at_hour or self.end_hour)
        return NoticeWindow(
            published_on=req.published_on,
            first_day=p.first_day,
            last_day=p.last_day,
            ends_at=p.ends_at,
            confirmed=p.confirmed,
        )
