"""The whole pipeline on the dev server: every transition, with the read model on SQLite and PostgreSQL."""

from datetime import date, datetime

from sqlmodel import select

from contracts.application import AwardAct, CoSignAct, PublicizeAct, ReviewAct, RevokeAct, ViewRequest
from db import models
from db.session import session_for
from state.calendar import TZ
from state.domain import Act, Department, Level, RevocationReason, Stage
from tests.conftest import RunningWorker, settings_for, unique
from tests.factory import bureau, declaration, department, inspector, reviewer, selected, start
from workflows.application import ApplicationWorkflow

LONG_AGO = date(2026, 4, 30)  # notice ended 2026-05-10 00:00 Asia/Shanghai


async def view(handle):
    return await handle.query(ApplicationWorkflow.view, ViewRequest())


async def test_city_level_application_runs_the_whole_pipeline(dev_env, database_url):
    settings = settings_for(database_url, unique("q"))
    async with RunningWorker(dev_env.client, settings):
        decl = declaration(Level.city)
        h = await start(dev_env.client, settings.task_queue, decl)
        r = await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "材料齐全"))
        assert r.state == Stage.county_reviewed
        r = await h.execute_update(ApplicationWorkflow.city_review, selected("综合评分第一"))
        assert r.state == Stage.city_reviewed
        r = await h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(reviewer(), LONG_AGO))
        assert r.state == Stage.publicized
        # the notice ended long ago: the workflow closes it by itself and asks for co-signatures
        for dept in (Department.civil_affairs, Department.hrss, Department.drc):
            r = await _co_sign_when_open(h, dept)
        assert r.state == Stage.announced
        r = await h.execute_update(
            ApplicationWorkflow.award, AwardAct(reviewer(), "LY-2026-001", datetime.now(TZ).date())
        )
        assert r.state == Stage.plaque_awarded
        v = await view(h)
        assert v.notice and v.notice.last_day == date(2026, 5, 9) and v.notice.confirmed
        assert v.announcement_doc_no == "临人社发〔2026〕1号"
        assert [a.act.value for a in v.acts] == [
            "declare",
            "county_review_pass",
            "city_review_pass",
            "publicize",
            "close_notice",
            "co_sign",
            "co_sign",
            "co_sign",
            "award",
        ]
        assert v.allowed_acts == [Act.revoke]  # a held title can only be revoked now
        await h.signal(ApplicationWorkflow.revoke, RevokeAct(inspector(), RevocationReason.deregistered, "已注销"))
        outcome = await h.result()
        assert outcome.state == Stage.revoked
    with session_for(database_url) as s:
        row = s.get(models.Application, decl.application_id)
        events = s.exec(
            select(models.ApplicationEvent).where(models.ApplicationEvent.application_id == decl.application_id)
        ).all()
        inbox = s.exec(
            select(models.Notification).where(models.Notification.application_id == decl.application_id)
        ).all()
    assert row.state == Stage.revoked and row.notice_last_day == date(2026, 5, 9)
    events = sorted(events, key=lambda e: e.seq)
    assert [e.seq for e in events] == list(range(1, 11))
    assert events[-1].actor_role.value == "inspector" and events[-1].reason == "已注销"
    assert any("收回奖牌" in n.subject for n in inbox)


async def _co_sign_when_open(h, dept):
    import asyncio

    for _ in range(50):
        v = await view(h)
        if v.notice_closed:
            break
        await asyncio.sleep(0.1)
    return await h.execute_update(ApplicationWorkflow.co_sign, CoSignAct(department(dept), "临人社发〔2026〕1号"))
