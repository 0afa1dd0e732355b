"""Helpers for the filing tests: a worker with the filing workflows and activities, a calendar written out
for the test year, time skipping, and the inbox rows a filing produced."""

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import select
from temporalio.client import Client

from config import ChannelSettings, FilingSettings, Settings
from db import models
from db.session import session_for
from state.calendar import TZ
from tests.conftest import RunningWorker
from workflows.filing import FilingDeadlineWorkflow
from workflows.filing_schedule import FilingYearWorkflow

FILING_WORKFLOWS = [FilingDeadlineWorkflow, FilingYearWorkflow]


class FilingWorker(RunningWorker):
    """The worker with the test's filing settings and notification channels."""

    def __init__(
        self, client: Client, settings: Settings, filing: FilingSettings, channels: ChannelSettings | None = None
    ):
        sections = {"filing": filing, "channels": channels or ChannelSettings()}
        super().__init__(client, settings.model_copy(update=sections))


# ---- a calendar the test states in full --------------------------------------------------------------
class PlainCalendar:
    """Monday to Friday, less ``days_off``, plus ``workdays``: the test's own arithmetic, independent of
    state.calendar, to say on which days things must happen."""

    def __init__(self, days_off: set[date] = frozenset(), workdays: set[date] = frozenset()):  # type: ignore[assignment]
        self.days_off, self.workdays = set(days_off), set(workdays)

    def working(self, d: date) -> bool:
        return d in self.workdays or (d.weekday() < 5 and d not in self.days_off)

    def step(self, d: date, n: int) -> date:
        sign = 1 if n > 0 else -1
        for _ in range(abs(n)):
            d += timedelta(days=sign)
            while not self.working(d):
                d += timedelta(days=sign)
        return d

    def year_override(self, year: int, confirmed: bool) -> dict:
        off = sorted(d.isoformat() for d in self.days_off if d.year == year)
        work = sorted(d.isoformat() for d in self.workdays if d.year == year)
        return {"confirmed": confirmed, "source": "test arrangement", "days_off": off, "workdays": work}


def write_overrides(path: Path, calendar: PlainCalendar, years: dict[int, bool]) -> Path:
    """Write ``calendar`` for ``years`` (year -> confirmed) as the override file the activities read."""
    doc = {"years": {str(y): calendar.year_override(y, confirmed) for y, confirmed in years.items()}}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def at_nine(d: date) -> datetime:
    return datetime.combine(d, time(9), tzinfo=TZ)


# ---- time ---------------------------------------------------------------------------------------------
async def shanghai_now(env) -> datetime:
    return (await env.get_current_time()).astimezone(TZ)


async def skip_to(env, moment: datetime) -> None:
    """Skip time in steps of at most a day: a long skip over timers that start activities can time out."""
    while (delta := moment - await shanghai_now(env)) > timedelta(0):
        await env.sleep(min(delta, timedelta(days=1)))


def filing_year(now: datetime) -> int:
    """The first year whose earliest reminder (early December) is still ahead."""
    return now.year if now.date() < date(now.year, 12, 1) else now.year + 1


# ---- what arrived ---------------------------------------------------------------------------------------
def inbox(database_url: str, subject_id: str) -> list[models.Notification]:
    with session_for(database_url) as s:
        rows = s.exec(select(models.Notification).where(models.Notification.application_id == subject_id)).all()
    return sorted(rows, key=lambda n: (n.created_at, n.id))


def local_time(moment: datetime) -> datetime:
    """Asia/Shanghai, to the minute (an activity is scheduled a few milliseconds after its timer fired)."""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(TZ)
    return local.replace(second=0, microsecond=0)
