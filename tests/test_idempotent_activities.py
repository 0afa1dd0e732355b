"""Activities run again with the same input (a retry after a lost completion) write nothing twice, and an
older projection arriving late never moves the application row backwards. Real databases: SQLite, PostgreSQL."""

import dataclasses
from datetime import UTC, datetime, timedelta

from sqlmodel import func, select
from temporalio.testing import ActivityEnvironment

from activities.notify import NotifyActivities, recipients
from activities.read_model import ReadModelActivities
from config import ChannelSettings
from contracts.application import (
    ActRecord,
    Declaration,
    NoticeWindow,
    Objection,
    ObjectionRegistration,
    Projection,
    Registered,
)
from contracts.notify import Delivered, NotifyRequest
from db import models
from db.session import session_for
from state.domain import Act, Level, Stage
from tests.factory import bureau, declaration, reviewer

T0 = datetime(2026, 5, 11, 9, 30, tzinfo=UTC)
NOTICE = NoticeWindow(
    published_on=T0.date(),
    first_day=T0.date(),
    last_day=T0.date() + timedelta(days=6),
    ends_at=T0 + timedelta(days=7),
    confirmed=True,
)


def projection(
    decl: Declaration, seq: int, act: Act, state: Stage, objections: list[Objection] | None = None
) -> Projection:
    actor = reviewer() if act in (Act.city_review_pass, Act.publicize, Act.dismiss_objection) else bureau()
    return Projection(
        application_id=decl.application_id,
        workflow_id=f"application-{decl.application_id}",
        level=decl.level,
        county=decl.county,
        round_id=decl.round_id,
        institution={"name": decl.institution.name, "type": decl.institution.type.value},
        institution_name=decl.institution.name,
        institution_type=decl.institution.type,
        credit_code=decl.institution.credit_code,
        state=state,
        notice=NOTICE if state == Stage.publicized else None,
        flagged=False,
        act=ActRecord(
            seq=seq, act=act, actor=actor, at=T0 + timedelta(minutes=seq), reason=f"act {seq}", state_after=state
        ),
        objections=objections or [],
    )


def run(fn, arg):
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, current_attempt_scheduled_time=T0)
    return env.run(fn, arg)


def rows(url: str, model, application_id: str) -> list:
    with session_for(url) as s:
        return list(s.exec(select(model).where(model.application_id == application_id)).all())


def application(url: str, application_id: str) -> models.Application:
    with session_for(url) as s:
        row = s.get(models.Application, application_id)
        assert row is not None
        return row


def count_applications(url: str, application_id: str) -> int:
    with session_for(url) as s:
        return s.exec(select(func.count()).where(models.Application.id == application_id)).one()


def test_projecting_the_same_act_twice_writes_it_once(database_url):
    read_model = ReadModelActivities(database_url)
    decl = declaration(Level.city)
    first = projection(decl, 1, Act.declare, Stage.declared)
    results = [run(read_model.project, first), run(read_model.project, first)]
    events = rows(database_url, models.ApplicationEvent, decl.application_id)
    assert [(e.seq, e.act, e.reason) for e in events] == [(1, Act.declare, "act 1")]
    assert count_applications(database_url, decl.application_id) == 1
    row = application(database_url, decl.application_id)
    assert (row.state, row.version, row.updated_at.replace(tzinfo=UTC)) == (Stage.declared, 1, first.act.at)
    assert [r.event_written for r in results] == [True, False]  # the retry knows it wrote nothing


def test_a_newer_projection_moves_the_row_forward_and_an_older_one_never_back(database_url):
    read_model = ReadModelActivities(database_url)
    decl = declaration(Level.city)
    acts = [
        projection(decl, 1, Act.declare, Stage.declared),
        projection(decl, 2, Act.county_review_pass, Stage.county_reviewed),
        projection(decl, 3, Act.city_review_pass, Stage.city_reviewed),
        projection(decl, 4, Act.publicize, Stage.publicized),
    ]
    run(read_model.project, acts[0])
    run(read_model.project, acts[3])  # seq 2 and 3 are late (retried after a crash, say)
    row = application(database_url, decl.application_id)
    assert (row.state, row.version, row.notice_last_day) == (Stage.publicized, 4, NOTICE.last_day)
    for late in (acts[1], acts[2], acts[0]):
        run(read_model.project, late)
        row = application(database_url, decl.application_id)
        assert (row.state, row.version, row.notice_last_day) == (Stage.publicized, 4, NOTICE.last_day)
        assert row.updated_at.replace(tzinfo=UTC) == acts[3].act.at
    events = rows(database_url, models.ApplicationEvent, decl.application_id)
    assert sorted(e.seq for e in events) == [1, 2, 3, 4]  # the late acts are on record, each once


def test_a_first_projection_that_is_not_the_first_act_is_not_overtaken_by_earlier_ones(database_url):
    read_model = ReadModelActivities(database_url)
    decl = declaration(Level.county)
    run(read_model.project, projection(decl, 2, Act.county_review_pass, Stage.county_reviewed))
    run(read_model.project, projection(decl, 1, Act.declare, Stage.declared))
    row = application(database_url, decl.application_id)
    assert (row.state, row.version) == (Stage.county_reviewed, 2)
    assert sorted(e.seq for e in rows(database_url, models.ApplicationEvent, decl.application_id)) == [1, 2]


def test_registering_the_same_objection_twice_keeps_one_row(database_url):
    read_model = ReadModelActivities(database_url)
    decl = declaration(Level.city)
    objection = Objection(f"{decl.application_id}-O1", "张三", "13800000000", "场地面积不实", lodged_at=T0)
    registration = ObjectionRegistration(decl.application_id, objection)
    results = [run(read_model.register_objection, registration) for _ in range(2)]
    stored = rows(database_url, models.Objection, decl.application_id)
    assert [(o.id, o.content, o.upheld) for o in stored] == [(objection.objection_id, "场地面积不实", None)]
    assert results == [
        Registered(objection.objection_id, created=True),
        Registered(objection.objection_id, created=False),
    ]


def test_an_objection_lodged_with_its_act_projected_twice_keeps_one_row_and_one_event(database_url):
    read_model = ReadModelActivities(database_url)
    decl = declaration(Level.city)
    objection = Objection(f"{decl.application_id}-O1", "王五", "13700000000", "服务时间不实", lodged_at=T0)
    lodging = dataclasses.replace(projection(decl, 5, Act.lodge_objection, Stage.publicized), lodged=[objection])
    results = [run(read_model.project, lodging) for _ in range(2)]
    stored = rows(database_url, models.Objection, decl.application_id)
    assert [(o.id, o.name, o.content, o.upheld) for o in stored] == [
        (objection.objection_id, "王五", "服务时间不实", None)
    ]
    assert [e.seq for e in rows(database_url, models.ApplicationEvent, decl.application_id)] == [5]
    assert [r.event_written for r in results] == [True, False]


def test_a_finding_projected_twice_updates_the_one_objection(database_url):
    read_model = ReadModelActivities(database_url)
    decl = declaration(Level.city)
    objection = Objection(f"{decl.application_id}-O1", "李四", "13900000000", "服务投诉", lodged_at=T0)
    run(read_model.register_objection, ObjectionRegistration(decl.application_id, objection))
    found = dataclasses.replace(objection, upheld=False, finding="经调查不属实", found_at=T0 + timedelta(hours=2))
    dismissed = projection(decl, 6, Act.dismiss_objection, Stage.publicized, objections=[found])
    results = [run(read_model.project, dismissed) for _ in range(2)]
    stored = rows(database_url, models.Objection, decl.application_id)
    assert [(o.id, o.upheld, o.finding) for o in stored] == [(objection.objection_id, False, "经调查不属实")]
    assert [e.seq for e in rows(database_url, models.ApplicationEvent, decl.application_id)] == [6]
    assert [r.event_written for r in results] == [True, False]


def test_notifying_the_same_act_twice_delivers_once(database_url):
    notify = NotifyActivities(database_url, ChannelSettings())
    decl = declaration(Level.city)
    request = NotifyRequest(
        application_id=decl.application_id,
        seq=5,
        act=Act.close_notice,
        state=Stage.publicized,
        level=decl.level,
        county=decl.county,
        institution_name=decl.institution.name,
        reason="公示期满无异议",
    )
    expected = len(recipients(request))
    assert expected == 3  # the county bureau, the city reviewers and the departments who must co-sign
    results = [run(notify.notify, request) for _ in range(2)]
    inbox = rows(database_url, models.Notification, decl.application_id)
    assert len(inbox) == expected
    assert {n.recipient_role for n in inbox} == {r.role for r in recipients(request)}
    later = dataclasses.replace(request, seq=6, act=Act.co_sign, reason="")
    run(notify.notify, later)
    assert len(rows(database_url, models.Notification, decl.application_id)) == expected + len(recipients(later))
    assert results == [Delivered(delivered=expected, skipped=0), Delivered(delivered=0, skipped=expected)]
