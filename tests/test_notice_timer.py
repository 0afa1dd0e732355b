"""The notice's durable timer on the time-skipping server: pending objections hold it open, and a notice
computed on an unconfirmed calendar year is re-planned when the official arrangement is loaded."""

import asyncio
import json
from datetime import date, datetime, timedelta

from contracts.application import FindingAct, ObjectionAct, PublicizeAct, ReviewAct, ViewRequest
from state.calendar import TZ, WorkingDayCalendar
from state.domain import Act, Level, Stage
from tests.conftest import RunningWorker, settings_for, unique
from tests.factory import bureau, declaration, opinions_given, reviewer, selected, start
from workflows.application import ApplicationWorkflow


async def shanghai_now(env) -> datetime:
    return (await env.get_current_time()).astimezone(TZ)


async def skip_to(env, moment: datetime) -> None:
    """Skip time in steps of at most a day: one long skip over timers that start activities can time out."""
    while (delta := moment - await shanghai_now(env)) > timedelta(0):
        await env.sleep(min(delta, timedelta(days=1)))


async def view(h):
    return await h.query(ApplicationWorkflow.view, ViewRequest())


async def settle(h, predicate, tries: int = 100):
    for _ in range(tries):
        v = await view(h)
        if predicate(v):
            return v
        await asyncio.sleep(0.05)
    return await view(h)


async def test_pending_objection_holds_the_notice_open_past_its_end(skip_env, sqlite_url):
    settings = settings_for(sqlite_url, unique("skip"))
    async with RunningWorker(skip_env.client, settings):
        h = await start(skip_env.client, settings.task_queue, declaration(Level.city))
        await opinions_given(h)
        await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "同意"))
        await h.execute_update(ApplicationWorkflow.city_review, selected("择优"))
        today = (await shanghai_now(skip_env)).date()
        await h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(reviewer(), today))
        r = await h.execute_update(
            ApplicationWorkflow.lodge_objection, ObjectionAct("赵六", "13600000000", "服务不规范")
        )
        ends_at = (await view(h)).notice.ends_at
        await skip_to(skip_env, ends_at + timedelta(days=3))
        v = await settle(h, lambda v: v.notice_closed)
        assert not v.notice_closed and v.state == Stage.publicized  # the timer fired, the objection is pending
        await h.execute_update(
            ApplicationWorkflow.record_finding, FindingAct(reviewer(), r.objection_id, False, "经调查不属实")
        )
        v = await settle(h, lambda v: v.notice_closed)
        assert v.notice_closed
        closing = v.acts[-1]
        assert closing.act == Act.close_notice and closing.at >= ends_at
        assert closing.reason == "公示期满，收到异议1件，经调查核实均不成立"  # not 无异议: one was lodged


def arrangement(calendar: WorkingDayCalendar, year: int, confirmed: bool, extra_off: date | None = None) -> dict:
    """The year as ``calendar`` knows it, written out as an override (optionally with one more day off)."""
    d, off, work = date(year, 1, 1), [], []
    while d.year == year:
        if d.weekday() < 5 and not calendar.is_working_day(d) or d == extra_off:
            off.append(d.isoformat())
        elif d.weekday() >= 5 and calendar.is_working_day(d):
            work.append(d.isoformat())
        d += timedelta(days=1)
    return {"confirmed": confirmed, "source": "test arrangement", "days_off": off, "workdays": work}


async def test_unconfirmed_notice_is_replanned_on_the_official_calendar(skip_env, sqlite_url, tmp_path):
    """Today's notice rests on a year marked unconfirmed; when the official arrangement arrives with its last
    day as a day off, the workflow moves the deadline at the old end instead of closing the notice."""
    library = WorkingDayCalendar()
    published_on = (await shanghai_now(skip_env)).date()
    period = library.notice_period(published_on)
    years = range(period.first_day.year, period.last_day.year + 1)
    overrides = tmp_path / "overrides.json"
    overrides.write_text(json.dumps({"years": {str(y): arrangement(library, y, False) for y in years}}))
    settings = settings_for(sqlite_url, unique("skip"), calendar_overrides=overrides)
    unconfirmed = WorkingDayCalendar.from_file(overrides).notice_period(published_on)
    assert unconfirmed.ends_at == period.ends_at and not unconfirmed.confirmed
    async with RunningWorker(skip_env.client, settings):
        h = await start(skip_env.client, settings.task_queue, declaration(Level.county))
        await opinions_given(h)
        await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "同意"))
        await h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(bureau(), published_on))
        v = await view(h)
        assert v.notice.ends_at == unconfirmed.ends_at and not v.notice.confirmed
        official = {str(y): arrangement(library, y, True, extra_off=period.last_day) for y in years}
        overrides.write_text(json.dumps({"years": official}))
        confirmed = WorkingDayCalendar.from_file(overrides).notice_period(published_on)
        assert confirmed.ends_at > unconfirmed.ends_at and confirmed.confirmed
        await skip_to(skip_env, unconfirmed.ends_at + timedelta(hours=2))
        v = await settle(h, lambda v: v.notice.confirmed)
        assert v.notice.ends_at == confirmed.ends_at and v.notice.confirmed
        assert not v.notice_closed  # the old end passed, but the re-planned notice still runs
        assert v.acts[-1].act == Act.replan_notice
        await skip_to(skip_env, confirmed.ends_at + timedelta(hours=2))
        v = await settle(h, lambda v: v.notice_closed)
        assert v.notice_closed and v.acts[-1].at >= confirmed.ends_at
