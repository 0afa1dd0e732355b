"""The caller's to-do (待办) as the bureaus' own systems read it, and 催办 (urging the party that owes an
application's next act). The list is the workbench's own (api/todo.py, from the read model); an urge is an update
of the application's workflow, refused there when that party owes nothing."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlmodel import Session
from temporalio.service import RPCError, RPCStatusCode

from api.access import acts_for, locate
from api.deps import READERS, ApplicationId, CurrentUser, SessionDep, SettingsDep, TemporalClient
from api.errors import ON_ACT, documented
from api.present import local
from api.todo import todo
from clients.application import handle_for
from contracts.application import UrgeAct
from db.queries.tasks import records
from db.session import get_engine
from schemas.fields import FORBID, Text2000
from services.refusals import Refusal, from_temporal
from state.domain import URGERS, Act, Actor, Stage
from state.machine import FINAL_STAGES
from workflows.application import ApplicationWorkflow

router = APIRouter(tags=["tasks"])


async def _reader(actor: CurrentUser) -> Actor:
    if actor.role not in READERS:
        raise Refusal(403, "待办仅供办理申报的各业务角色查看", rule="tasks_not_for_role")
    return actor


async def _urger(actor: CurrentUser) -> Actor:
    if actor.role not in URGERS:
        raise Refusal(403, "只有市人社局评审人员或监督人员可以催办", rule="urge_not_permitted")
    return actor


class TaskPublic(BaseModel):
    application_id: str | None = Field(description="the application; none for the county's yearly filing (备案)")
    act: str = Field(description="the act owed (an act's value), or 'file' for the yearly filing")
    title: str = Field(description="the item in Chinese: 县级审核：某某人力资源市场（兰山区·县级标杆机构）")
    arrived_at: datetime | None = Field(description="when it came to the caller (Asia/Shanghai)")
    due_at: datetime | None = Field(description="its deadline where the procedure sets one (补正, 备案)")
    overdue: bool
    urged: int = Field(description="how often the party owing it was urged (催办) since it arrived")


class UrgeCreate(BaseModel):
    model_config = FORBID
    to: Literal["county", "department"] = Field(
        description="county: the declaring county's bureau; department: the departments still to co-sign"
    )
    note: Text2000


class UrgeOutcome(BaseModel):
    id: str
    state: Stage
    to: str
    urged: int = Field(description="how often that party has been urged on this application in all")


@router.get(
    "/tasks",
    response_model=list[TaskPublic],
    summary="The caller's to-do (待办)",
    responses=documented(401, 403, rules={403: ("tasks_not_for_role",)}),
)
def tasks(actor: Annotated[Actor, Depends(_reader)], session: SessionDep, settings: SettingsDep) -> list[TaskPublic]:
    return [
        TaskPublic(
            application_id=t.application_id,
            act=t.act,
            title=t.title,
            arrived_at=local(t.arrived_at) if t.arrived_at else None,
            due_at=local(t.due_at) if t.due_at else None,
            overdue=t.overdue,
            urged=t.urged,
        )
        for t in todo(actor, session, settings.filing, datetime.now(UTC))
    ]


def _urges(database_url: str, application_id: str, to: str) -> int:
    with Session(get_engine(database_url)) as s:
        return sum(1 for _, party in records(s, [application_id])[application_id].urges if party == to)


@router.post(
    "/applications/{application_id}/urges",
    response_model=UrgeOutcome,
    summary="Urge the party that owes the next act (催办)",
    responses=documented(
        *ON_ACT, rules={403: ("urge_not_permitted",), 409: ("nothing_owed",), 422: ("urge_to", "text_blank")}
    ),
)
async def urge(
    application_id: ApplicationId,
    body: UrgeCreate,
    actor: Annotated[Actor, Depends(_urger)],
    client: TemporalClient,
    settings: SettingsDep,
) -> UrgeOutcome:
    place = await locate(client, settings.database_url, application_id, actor)
    if place.state in FINAL_STAGES:  # the workflow has ended and takes no update
        raise Refusal(409, "该申报的办理已经结束，无需催办", rule="nothing_owed", state=place.state.value)
    act = UrgeAct(actor=actor, to=body.to, note=body.note)
    try:
        result = await handle_for(client, application_id).execute_update(ApplicationWorkflow.urge, act)
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:  # ended between the look and the urge
            raise Refusal(409, "该申报的办理已经结束，无需催办", rule="nothing_owed") from None
        raise from_temporal(e, f"application {application_id!r}") from None
    except Exception as e:
        refusal = from_temporal(e, f"application {application_id!r}")
        if refusal.status == 409:  # what the caller may do now, as every act's refusal says it
            allowed = [Act(a) for a in refusal.extra.get("allowed_acts", [])]
            refusal.extra["allowed_acts"] = [a.value for a in acts_for(actor, allowed, place.level, place.county)]
        raise refusal from None
    urged = await run_in_threadpool(_urges, settings.database_url, application_id, body.to)
    return UrgeOutcome(id=application_id, state=result.state, to=body.to, urged=urged)
