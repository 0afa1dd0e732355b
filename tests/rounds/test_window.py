"""The declaration window on durable timers (time-skipping server): it opens and closes on time, the counties
that have not declared are reminded N working days before the close, and declarations outside the window are
refused with the window named."""

from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, select

from clients import rounds as rounds_client
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


async def test_a_round_started_again_under_its_id_is_asked_afresh(rounds, monkeypatch):
    """The API keeps each run's window (clients.rounds.round_window): a round whose run ended and was started again
    under the same id answers with its new window once its old one has closed, or once KEEP_SECONDS have passed."""
    now = datetime.now(TZ)
    first = city_round("p-again", now - timedelta(days=1), now + timedelta(days=30))
    h = await rounds.start_round(first)
    assert await declaration_window_refusal(rounds.client, first.round_id, now) is None
    await h.terminate("测试：结束后以同一编号重新创建")  # a run ended by hand; the id may be started again
    again = city_round("p-again", now + timedelta(days=5), now + timedelta(days=60), round_id=first.round_id)
    await rounds.start_round(again)

    after_first = now + timedelta(days=31)  # the first window has closed: the round is asked which run is latest
    assert await declaration_window_refusal(rounds.client, first.round_id, after_first) is None
    monkeypatch.setattr(rounds_client, "KEEP_SECONDS", 0.0)  # else the latest run is taken on trust a few seconds
    refused = await declaration_window_refusal(rounds.client, first.round_id, now)
    assert refused is not None and "has not opened yet" in refused
