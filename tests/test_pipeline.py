"""The whole pipeline: every transition, with the read model on SQLite and PostgreSQL (on the time-skipping server,
where the notice's 5 working days pass)."""

from sqlmodel import select

from contracts.application import AwardAct, CoSignAct, PublicizeAct, ReviewAct, RevokeAct, ViewRequest
from db import models
from db.session import session_for
from state.domain import Act, Department, Level, RevocationReason, Stage
from tests.conftest import RunningWorker, pass_notice, settings_for, unique
from tests.factory import bureau, declaration, department, inspector, opinions_given, reviewer, selected, start
from workflows.application import ApplicationWorkflow


async def view(handle):
    return await handle.query(ApplicationWorkflow.view, ViewRequest())


async def test_city_level_application_runs_the_whole_pipeline(skip_env, fresh_database_url):
    database_url = fresh_database_url
    settings = settings_for(database_url, unique("q"))
    async with RunningWorker(skip_env.client, settings):
        decl = declaration(Level.city)
        h = await start(skip_env.client, settings.task_queue, decl)
        await opinions_given(h)
        r = await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "材料齐全"))
        assert r.state == Stage.county_reviewed
        r = await h.execute_update(ApplicationWorkflow.city_review, selected("综合评分第一"))
        assert r.state == Stage.city_reviewed
        r = await h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(reviewer(), None))  # today
        assert r.state == Stage.publicized
        notice = (await view(h)).notice
        await pass_notice(skip_env, h)  # the workflow closes the notice by itself and asks for co-signatures
        for dept in (Department.civil_affairs, Department.hrss, Department.drc):
            r = await h.execute_update(ApplicationWorkflow.co_sign, CoSignAct(department(dept), "临人社发〔2026〕1号"))
        assert r.state == Stage.announced
        announced_on = (await view(h)).announced_on
        assert announced_on is not None and announced_on > notice.last_day
        r = await h.execute_update(ApplicationWorkflow.award, AwardAct(reviewer(), "LY-2026-001", announced_on))
        assert r.state == Stage.plaque_awarded
        v = await view(h)
        assert v.notice == notice and notice.published_on == notice.first_day
        assert v.announcement_doc_no == "临人社发〔2026〕1号"
        assert [a.act.value for a in v.acts] == [
            "declare",
            "department_opinion",  # 会商: the county's DRC and civil affairs agree first
            "department_opinion",
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
    assert row.state == Stage.revoked and row.notice_last_day == notice.last_day
    events = sorted(events, key=lambda e: e.seq)
    assert [e.seq for e in events] == list(range(1, 13))
    assert events[-1].actor_role.value == "inspector" and events[-1].reason == "已注销"
    assert any("收回奖牌" in n.subject for n in inbox)
