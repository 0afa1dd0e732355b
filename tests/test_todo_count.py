"""The header's 待办 count (db/queries/tasks.owed, one counting statement) says exactly what the workbench's list
(services/tasks.py) lists, for every role, on SQLite and PostgreSQL: items the machine allows, separation of duties,
sheets already given, co-signatures already made, corrections and filings past their deadline."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from config import FilingSettings
from db.filing import FilingStatus
from db.models import Application, ApplicationEvent, Objection
from db.queries.tasks import owed
from db.session import get_engine
from services.tasks import todo
from state.domain import Act, Actor, Department, InstitutionType, Level, Role, Stage

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)


class Scene:
    def __init__(self, session: Session, county: str):
        self.s, self.county, self.n = session, county, 0
        self.clerk = Actor(f"clerk-{county}", "申报员", Role.county_bureau, county)
        self.bureau = Actor(f"bureau-{county}", "审核员", Role.county_bureau, county)

    def application(
        self, state: Stage, level: Level, round_id: str = "", acts: list[tuple[Act, Actor, dict[str, Any]]] = ()
    ) -> str:
        self.n += 1
        app_id = f"T{uuid.uuid4().hex[:12]}"
        at = NOW - timedelta(days=30)
        self.s.add(
            Application(
                id=app_id,
                workflow_id=f"application-{app_id}",
                level=level,
                county=self.county,
                round_id=round_id,
                institution_name=f"机构{self.n}",
                institution_type=InstitutionType.gig_market,
                credit_code=f"CODE{app_id}",
                state=state,
                declared_at=at,
                updated_at=at,
                notice_ends_at=NOW - timedelta(days=1) if state == Stage.publicized else None,
            )
        )
        for seq, (act, actor, details) in enumerate([(Act.declare, self.clerk, {}), *acts], start=1):
            self.s.add(
                ApplicationEvent(
                    application_id=app_id,
                    seq=seq,
                    act=act,
                    actor_user_id=actor.user_id,
                    actor_name=actor.name,
                    actor_role=actor.role,
                    actor_department=actor.department.value if actor.department else None,
                    actor_county=actor.county,
                    state_after=state,
                    at=at + timedelta(hours=seq),
                    details=details,
                )
            )
        return app_id


def test_the_count_is_the_length_of_the_list_and_its_overdue(database_url):
    county = f"测试{uuid.uuid4().hex[:6]}县"
    reviewer = Actor(f"reviewer-{county}", "评审员", Role.city_reviewer)
    other_reviewer = Actor(f"reviewer2-{county}", "评审员二", Role.city_reviewer)
    hrss, drc = (
        Actor(f"{d.value}-{county}", "会签", Role.department, None, d) for d in (Department.hrss, Department.drc)
    )
    county_civil = Actor(f"ca-{county}", "民政", Role.department, county, Department.civil_affairs)
    with Session(get_engine(database_url)) as s:
        sc = Scene(s, county)
        sc.application(Stage.declared, Level.county, "R1")  # 县级审核 and 评分 for the bureau, nothing for its clerk
        sc.application(Stage.declared, Level.city)
        opined = {"department": "civil_affairs", "opinion": "agree"}  # 会商: its opinion given, no longer its to-do
        sc.application(Stage.declared, Level.county, acts=[(Act.department_opinion, county_civil, opined)])
        past = (NOW - timedelta(days=2)).isoformat()
        future = (NOW + timedelta(days=2)).isoformat()
        sc.application(
            Stage.returned, Level.city, acts=[(Act.county_request_correction, sc.bureau, {"deadline": past})]
        )
        sc.application(
            Stage.returned, Level.city, acts=[(Act.county_request_correction, sc.bureau, {"deadline": future})]
        )
        sc.application(Stage.county_reviewed, Level.city, "R2")  # 评分 for each reviewer
        sc.application(Stage.county_reviewed, Level.city, "R2", acts=[(Act.score, reviewer, {"written": "80"})])
        sc.application(Stage.county_reviewed, Level.county)  # 发布公示 by the bureau
        sc.application(Stage.city_reviewed, Level.city)  # 发布公示 by the city
        objected = sc.application(Stage.publicized, Level.city)
        s.add(
            Objection(
                id=f"{objected}-O1", application_id=objected, name="张三", contact="1", content="不实", lodged_at=NOW
            )
        )
        sc.application(
            Stage.publicized,
            Level.city,
            acts=[(Act.close_notice, sc.bureau, {}), (Act.co_sign, hrss, {"department": "hrss"})],
        )
        sc.application(Stage.publicized, Level.county, acts=[(Act.close_notice, sc.bureau, {})])
        sc.application(Stage.announced, Level.county)
        sc.application(Stage.withdrawn, Level.county)
        s.add(
            FilingStatus(
                id=f"{county}:2025",
                county=county,
                year=2025,
                workflow_id="f",
                deadline_day=(NOW - timedelta(days=3)).date(),
                deadline_at=NOW - timedelta(days=3),
                state="open",
                updated_at=NOW,
            )
        )
        s.commit()
        actors = [sc.bureau, sc.clerk, reviewer, other_reviewer, hrss, drc, county_civil]
        actors += [Actor("i", "督查", Role.inspector), Actor("a", "管理员", Role.admin)]
        seen = {}
        for actor in actors:
            items = todo(actor, s, FilingSettings(), NOW)
            counted = owed(s, actor, NOW)
            seen[actor.user_id] = (counted.count, counted.overdue)
            assert (counted.count, counted.overdue) == (len(items), sum(1 for i in items if i.overdue)), actor
    assert seen[sc.bureau.user_id] == (9, 2)  # 3 reviews, 1 score, 2 corrections, 1 notice, 1 plaque, the filing
    assert seen[sc.clerk.user_id] == (5, 2)  # not the review nor the score of what the clerk declared
    assert seen[drc.user_id] == (1, 0) and seen[hrss.user_id] == (0, 0)
    assert seen[county_civil.user_id] == (3, 0)  # 1 co-signature, 2 opinions on its county's declarations (会商)
    assert seen["i"] == seen["a"] == (0, 0)
