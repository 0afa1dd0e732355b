"""FilingDeadlineWorkflow on the time-skipping server: reminders on the right working days (also when the
deadline year's calendar is unconfirmed and the official one arrives later), a filing stopping them, the
escalation cadence after the deadline, late filing, and a duplicate filing refused."""

import asyncio
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from activities.filing import digest_of
from config import FilingSettings
from contracts.filing import (
    CorrectAct,
    FileAct,
    FilingStart,
    FilingState,
    ReplanRequest,
    StatusRequest,
    filing_workflow_id,
)
from db.filing import FilingStatus, FilingVersion
from db.session import session_for
from state.calendar import TZ
from tests.conftest import settings_for, unique
from tests.factory import bureau
from tests.filing.conftest import (
    FilingWorker,
    PlainCalendar,
    at_nine,
    filing_year,
    inbox,
    local_time,
    shanghai_now,
    skip_to,
    write_overrides,
)
from workflows.filing import FilingDeadlineWorkflow

COUNTY = "沂水县"
EMPTY = digest_of([])  # a fresh read model: the county announced nothing


def expected_reminders(cal: PlainCalendar, deadline: date) -> dict[int, datetime]:
    last = deadline if cal.working(deadline) else cal.step(deadline, -1)
    return {
        10: at_nine(cal.step(deadline, -10)),
        5: at_nine(cal.step(deadline, -5)),
        1: at_nine(cal.step(deadline, -1)),
        0: at_nine(last),
    }


def planned(cal: PlainCalendar, deadline: date) -> dict[int, datetime]:
    """The plan's reminders: one per moment, the offset nearest the deadline (see ``plan_for``)."""
    return {offset: at for at, offset in arrivals(cal, deadline).items()}


def arrivals(cal: PlainCalendar, deadline: date) -> dict[datetime, int]:
    """When reminders arrive: one per distinct time, the one nearest the deadline."""
    out: dict[datetime, int] = {}
    for offset, at in sorted(expected_reminders(cal, deadline).items(), reverse=True):
        out[at] = offset
    return out


class Case:
    def __init__(self, env, tmp_path, year: int, calendar: PlainCalendar, confirmed: bool = True, **filing):
        self.env, self.year, self.deadline = env, year, date(year, 12, 20)
        self.overrides = write_overrides(tmp_path / "calendar.json", calendar, {year: confirmed, year + 1: confirmed})
        self.database_url = f"sqlite:///{tmp_path / 'readmodel.db'}"
        self.settings = settings_for(self.database_url, unique("filing"), calendar_overrides=self.overrides)
        self.filing = FilingSettings(calendar_overrides=self.overrides, filing_workflow_prefix=unique("f"), **filing)
        self.workflow_id = filing_workflow_id(COUNTY, year, self.filing.filing_workflow_prefix)

    def worker(self) -> FilingWorker:
        return FilingWorker(self.env.client, self.settings, self.filing)

    async def start(self):
        return await self.env.client.start_workflow(
            FilingDeadlineWorkflow.run,
            FilingStart(COUNTY, self.year),
            id=self.workflow_id,
            task_queue=self.settings.task_queue,
        )

    def sent(self, marker: str) -> list:
        return [n for n in inbox(self.database_url, self.workflow_id) if marker in n.subject]

    def status_row(self) -> FilingStatus | None:
        with session_for(self.database_url) as s:
            return s.get(FilingStatus, f"{COUNTY}:{self.year}")


async def status(h, until=lambda v: v.deadline_at is not None, tries: int = 200):
    for _ in range(tries):
        v = await h.query(FilingDeadlineWorkflow.status, StatusRequest())
        if until(v):
            return v
        await asyncio.sleep(0.05)
    return v


def next_lower_saturday(d: date) -> date:
    d -= timedelta(days=1)
    while d.weekday() != 5:
        d -= timedelta(days=1)
    return d


async def test_reminders_across_a_year_follow_the_official_calendar_loaded_later(skip_env, tmp_path):
    """A year ahead the deadline year's calendar is unconfirmed; its official arrangement, loaded in
    November, makes the Saturday before the deadline a working day, which moves every reminder a day
    later. Nobody tells the workflow: it re-checks an unconfirmed plan before each reminder fires."""
    now = await shanghai_now(skip_env)
    year = now.year + 1
    deadline = date(year, 12, 20)
    provisional = PlainCalendar(days_off={date(year + 1, 1, 1)})
    official = PlainCalendar(days_off={date(year + 1, 1, 1)}, workdays={next_lower_saturday(deadline)})
    assert all(
        expected_reminders(official, deadline)[k] > expected_reminders(provisional, deadline)[k] for k in (10, 5, 1)
    )
    case = Case(skip_env, tmp_path, year, provisional, confirmed=False)
    async with case.worker():
        h = await case.start()
        v = await status(h)
        assert not v.plan_confirmed
        assert {r.offset: r.at for r in v.reminders} == planned(provisional, deadline)
        await skip_env.sleep(datetime(year, 11, 15, tzinfo=TZ) - now)  # no timer falls before December
        assert case.sent("备案提醒") == []
        write_overrides(case.overrides, official, {year: True, year + 1: True})
        await skip_to(skip_env, datetime(year, 12, 20, 22, tzinfo=TZ))
        v = await status(h, until=lambda v: len(v.notices) == 4)
        reminders = case.sent("备案提醒")
        assert [local_time(n.created_at) for n in reminders] == sorted(arrivals(official, deadline))
        assert [n.label for n in v.notices] == [10, 5, 1, 0] and not any(n.skipped for n in v.notices)
        assert "距截止还有5个工作日" in reminders[1].body and f"{year}年12月20日24时" in reminders[1].body
        assert reminders[1].body.endswith(f"/filings/{COUNTY}/{year}")  # the county's filing page
        assert "/api/v1/" not in reminders[1].body
        assert v.plan_confirmed and v.state == FilingState.open
        assert {r.offset: r.at for r in v.reminders} == planned(official, deadline)


async def test_a_replan_signal_moves_reminders_at_once(skip_env, tmp_path):
    now = await shanghai_now(skip_env)
    year = filing_year(now)
    deadline = date(year, 12, 20)
    provisional = PlainCalendar()
    case = Case(skip_env, tmp_path, year, provisional, confirmed=False)
    one_day_before = provisional.step(deadline, -1)
    official = PlainCalendar(days_off={one_day_before})
    async with case.worker():
        h = await case.start()
        v = await status(h)
        assert not v.plan_confirmed and {r.offset: r.at for r in v.reminders} == planned(provisional, deadline)
        write_overrides(case.overrides, official, {year: True, year + 1: True})
        await h.signal(FilingDeadlineWorkflow.replan, ReplanRequest())
        v = await status(h, until=lambda v: v.plan_confirmed)
        assert v.plan_confirmed
        assert {r.offset: r.at for r in v.reminders} == planned(official, deadline)
        assert expected_reminders(official, deadline)[1] < expected_reminders(provisional, deadline)[1]
        row = case.status_row()
        assert row is not None and row.plan_confirmed and row.state == "open"


async def test_filing_on_time_stops_reminders_and_a_second_filing_is_refused(skip_env, tmp_path):
    now = await shanghai_now(skip_env)
    year = filing_year(now)
    deadline = date(year, 12, 20)
    cal = PlainCalendar(days_off={date(year + 1, 1, 1)})
    case = Case(skip_env, tmp_path, year, cal)
    reminders = expected_reminders(cal, deadline)
    async with case.worker():
        h = await case.start()
        await skip_to(skip_env, reminders[5] + timedelta(hours=1))
        assert [local_time(n.created_at) for n in case.sent("备案提醒")] == [reminders[10], reminders[5]]
        early = CorrectAct(actor=bureau(COUNTY), digest=EMPTY, reason="更正")
        assert (await refused(h, FilingDeadlineWorkflow.correct, early))["rule"] == "filing_nothing_filed"
        blank = FileAct(actor=bureau(COUNTY), digest=" ")
        assert (await refused(h, FilingDeadlineWorkflow.file, blank))["rule"] == "filing_digest_required"
        stale = FileAct(actor=bureau(COUNTY), digest="0" * 64)
        assert (await refused(h, FilingDeadlineWorkflow.file, stale))["rule"] == "filing_draft_changed"
        result = await h.execute_update(
            FilingDeadlineWorkflow.file, FileAct(actor=bureau(COUNTY), digest=EMPTY, note="无")
        )
        assert (result.version, result.state, result.on_time, result.working_days_late) == (
            1,
            FilingState.filed_on_time,
            True,
            0,
        )
        with pytest.raises(WorkflowUpdateFailedError) as again:
            await h.execute_update(FilingDeadlineWorkflow.file, FileAct(actor=bureau(COUNTY), digest=EMPTY))
        assert isinstance(again.value.cause, ApplicationError) and again.value.cause.type == "ActNotAllowed"
        assert again.value.cause.details[0]["rule"] == "filing_already_filed"
        with pytest.raises(WorkflowUpdateFailedError) as stranger:
            await h.execute_update(
                FilingDeadlineWorkflow.correct, CorrectAct(actor=bureau("费县"), digest=EMPTY, reason="更正")
            )
        assert stranger.value.cause.type == "Forbidden"
        said = stranger.value.cause
        assert (
            said.details[0]["rule"] == "filing_by_own_county" and said.message == f"{COUNTY}的备案由{COUNTY}人社局报送"
        )
        no_reason = CorrectAct(actor=bureau(COUNTY), digest=EMPTY, reason=" ")
        assert (await refused(h, FilingDeadlineWorkflow.correct, no_reason))["rule"] == "filing_correction_reason"
        fixed = await h.execute_update(
            FilingDeadlineWorkflow.correct, CorrectAct(actor=bureau(COUNTY), digest=EMPTY, reason="补充说明")
        )
        assert (fixed.version, fixed.state) == (2, FilingState.filed_on_time)
        await skip_to(skip_env, at_nine(cal.step(deadline, 10)) + timedelta(hours=1))
        v = await status(h)
        assert [n.label for n in v.notices] == [10, 5]  # nothing after the filing: no reminder, no escalation
        assert [local_time(n.created_at) for n in case.sent("备案提醒")] == [reminders[10], reminders[5]]
        assert case.sent("逾期") == []
        assert len(case.sent("备案已报送")) == 2 and len(case.sent("备案更正")) == 2  # county bureau and city
        assert "按时报送" in case.sent("备案已报送")[0].body and "补充说明" in case.sent("备案更正")[0].body
        row = case.status_row()
        assert row is not None and (row.state, row.current_version, row.reminders_sent, row.escalations_sent) == (
            "filed_on_time",
            2,
            2,
            0,
        )
        with session_for(case.database_url) as s:
            versions = s.exec(
                select(FilingVersion).where(FilingVersion.county == COUNTY, FilingVersion.year == year)
            ).all()
        assert sorted((v.version, v.kind, v.reason) for v in versions) == [
            (1, "filing", ""),
            (2, "correction", "补充说明"),
        ]


async def test_overdue_filing_escalates_every_n_working_days_until_filed_late(skip_env, tmp_path):
    now = await shanghai_now(skip_env)
    year = filing_year(now)
    deadline = date(year, 12, 20)
    cal = PlainCalendar(days_off={date(year + 1, 1, 1)})
    case = Case(skip_env, tmp_path, year, cal, filing_escalation_every=2)
    e1 = cal.step(deadline, 1)
    e2, e3 = cal.step(e1, 2), cal.step(cal.step(e1, 2), 2)
    e5 = cal.step(cal.step(e3, 2), 2)  # e4 and e5 would be the next two
    async with case.worker():
        h = await case.start()
        await skip_to(skip_env, at_nine(e3) + timedelta(hours=1))
        v = await status(h, until=lambda v: sum(n.kind == "escalation" for n in v.notices) == 3)
        assert v.state == FilingState.overdue
        reminders_at = arrivals(cal, deadline)  # when the deadline is a day off, "1 before" and "on the day" meet
        assert [local_time(n.created_at) for n in case.sent("备案提醒")] == sorted(reminders_at)
        assert sorted(n.label for n in v.notices if n.kind == "reminder" and not n.skipped) == sorted(
            reminders_at.values()
        )
        escalations = case.sent("逾期督办")
        assert len(escalations) == 6  # to the city's reviewers and to the county bureau, each time
        assert sorted({local_time(n.created_at) for n in escalations}) == [at_nine(e1), at_nine(e2), at_nine(e3)]
        assert {n.recipient_role.value for n in escalations} == {"city_reviewer", "county_bureau"}
        late_days = {
            at_nine(e): sum(cal.working(deadline + timedelta(days=i)) for i in range(1, (e - deadline).days + 1))
            for e in (e1, e2, e3)
        }
        for n in escalations:
            count = sorted(late_days).index(local_time(n.created_at)) + 1
            assert f"已逾期{late_days[local_time(n.created_at)]}个工作日（第{count}次督办）" in n.body
        row = case.status_row()
        assert row is not None and (row.state, row.escalations_sent) == ("overdue", 3)
        await skip_to(skip_env, at_nine(e3) + timedelta(hours=5))
        result = await h.execute_update(FilingDeadlineWorkflow.file, FileAct(actor=bureau(COUNTY), digest=EMPTY))
        assert (result.state, result.on_time, result.working_days_late) == (
            FilingState.filed_late,
            False,
            late_days[at_nine(e3)],
        )
        await skip_to(skip_env, at_nine(e5) + timedelta(hours=2))
        assert len(case.sent("逾期督办")) == 6  # none at e4 or e5
        v = await status(h)
        assert v.state == FilingState.filed_late and v.working_days_late == late_days[at_nine(e3)]
        row = case.status_row()
        assert row is not None and (row.state, row.working_days_late) == ("filed_late", late_days[at_nine(e3)])
        recorded = case.sent("备案已报送")
        assert len(recorded) == 2 and f"逾期{late_days[at_nine(e3)]}个工作日" in recorded[0].body


async def refused(handle, update, act) -> dict:
    """The details of the refusal of ``act`` by the filing's workflow."""
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await handle.execute_update(update, act)
    assert isinstance(e.value.cause, ApplicationError)
    return dict(e.value.cause.details[0])
