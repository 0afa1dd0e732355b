"""The deadline of a return for correction (退回补正), on the working-day calendar (read here, and so recorded)."""

from datetime import datetime, time, timedelta
from pathlib import Path

from temporalio import activity

from config import CorrectionSettings
from contracts.corrections import CorrectionWindow, CorrectionWindowRequest
from state.calendar import TZ, WorkingDayCalendar


class CorrectionActivities:
    def __init__(self, overrides: Path | None, settings: CorrectionSettings) -> None:
        self.overrides = overrides
        self.settings = settings

    @activity.defn
    def compute_correction_window(self, req: CorrectionWindowRequest) -> CorrectionWindow:
        """The county has ``correction_working_days`` working days after the day of the return, to the end of the
        last; it is reminded at the notice hour ``correction_reminder_working_days`` working days before that."""
        calendar = WorkingDayCalendar.from_file(self.overrides)
        days, before = self.settings.correction_working_days, self.settings.correction_reminder_working_days
        last_day = calendar.add_working_days(req.returned_on, days)
        ends_at = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=TZ)
        remind_on = calendar.add_working_days(last_day, -before) if before else last_day
        remind_at = datetime.combine(remind_on, time(self.settings.correction_notice_hour), tzinfo=TZ)
        return CorrectionWindow(
            returned_on=req.returned_on,
            last_day=last_day,
            ends_at=ends_at,
            remind_at=remind_at if remind_on > req.returned_on else None,
            confirmed=calendar.span_confirmed(req.returned_on, last_day),
        )
