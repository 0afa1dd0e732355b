"""The declaration window on durable timers (time-skipping server): it opens and closes on time, the counties
that have not declared are reminded N working days before the close, and declarations outside the window are
refused with the window named."""

from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, select

from clients.rounds import declaration_window_refusal
from contracts.application import ViewRequest
from contracts.rounds import RoundPhase, WindowRequest
from db import models
from db.rounds import EvaluationRound
from db.session import get_engine
from state.calendar import TZ, WorkingDayCalendar
from state.domain import COUNTIES, Level, Role
from tests.conftest import settings_for, unique
from tests.factory import bureau, declaration, start
from tests.rounds.conftest import RoundWorker, city_round
from workflows.application import ApplicationWorkflow
from workflows.round import RoundWorkflow


async def shanghai_now(env) -> datetime:
    return (await env.get_current_time()).astimezone(TZ)


async def skip_to(env, moment: datetime) -> None:
    while (delta := moment - await shanghai_now(env)) > timedelta(0):
        await env.sleep(min(delta, timedelta(hours=12)))


def reminders(database_url: str, round_id: str) -> list[models.Notification]:
    with Session(get_engine(database_url)) as s:
        return list(
            s.exec(select(models.Notification).where(models.Notification.application_id == f"round-{round_id}")).all()
        )


async def test_window_opens_reminds_undeclared_counties_and_closes(skip_env, tmp_path):
    db = f"sqlite:///{tmp_path / 'window.db'}"
    async with RoundWorker(skip_env.client, settings_for(db, unique("win"))) as rounds:
        now = await shanghai_now(skip_env)
        opens = datetime.combine(now.date() + timedelta(days=2), time(9), tzinfo=TZ)
        closes = datetime.combine(now.date() + timedelta(days=24), time(17), tzinfo=TZ)
        plan = city_round("p-window", opens, closes, reminder_working_days=3)
        r = await rounds.start_round(plan)

        def window():
            return r.query(RoundWorkflow.window, WindowRequest())

        assert (await window()).phase == RoundPhase.scheduled
        early = await declaration_window_refusal(rounds.client, plan.round_id, opens - timedelta(minutes=1))
        assert early is not None and "has not opened yet" in early
        assert opens.strftime("%Y-%m-%d %H:%M") in early and closes.strftime("%Y-%m-%d %H:%M") in early
        assert await declaration_window_refusal(rounds.client, plan.round_id, opens) is None
        assert await declaration_window_refusal(rounds.client, plan.round_id, closes - timedelta(seconds=1)) is None
        late = await declaration_window_refusal(rounds.client, plan.round_id, closes)
        assert late is not None and "has closed" in late and closes.strftime("%Y-%m-%d %H:%M") in late
        assert "does not exist" in (await declaration_window_refusal(rounds.client, unique("nope"), opens) or "")

        await skip_to(skip_env, opens + timedelta(minutes=5))
        assert (await window()).phase == RoundPhase.open
        decl = declaration(Level.city)  # 兰山区 declares in the round
        decl.round_id = plan.round_id
        h = await start(rounds.client, rounds.task_queue, decl)
        assert (await h.query(ApplicationWorkflow.view, ViewRequest())).round_id == plan.round_id

        calendar = WorkingDayCalendar.from_file()
        remind_day = calendar.add_working_days(closes.date(), -3)
        remind_at = datetime.combine(remind_day, time(9), tzinfo=TZ)
        await skip_to(skip_env, remind_at - timedelta(hours=1))
        assert reminders(db, plan.round_id) == []
        await skip_to(skip_env, remind_at + timedelta(hours=1))
        sent = reminders(db, plan.round_id)
        assert sorted(n.recipient_county for n in sent) == sorted(c for c in COUNTIES if c != bureau().county)
        assert all(n.recipient_role == Role.county_bureau and "尚未申报" in n.body for n in sent)
        assert {n.created_at.replace(tzinfo=n.created_at.tzinfo or UTC).astimezone(TZ).date() for n in sent} == {
            remind_day
        }
        assert sorted(await r.query(RoundWorkflow.reminded, WindowRequest())) == sorted(
            n.recipient_county for n in sent
        )

        await skip_to(skip_env, closes + timedelta(minutes=5))
        assert (await window()).phase == RoundPhase.reviewing
        with Session(get_engine(db)) as s:
            row = s.get(EvaluationRound, plan.round_id)
        assert row is not None and row.phase == "reviewing" and row.level == "city"
        assert len(reminders(db, plan.round_id)) == len(COUNTIES) - 1  # reminded once
