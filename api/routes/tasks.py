"""The caller's to-do (待办) as the bureaus' own systems read it, and 催办 (urging the party that owes an
application's next act). The list is the workbench's own (from the read model); an urge is an update
of the application's workflow, refused there when that party owes nothing. Both are services/tasks.py's."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from api.deps import ApplicationId, CurrentUser, ServiceContext
from api.errors import ON_ACT, documented
from schemas.fields import FORBID, Text2000
from services import tasks as to_do
from services.access import locate
from services.present import local
from state.domain import Actor, Stage

router = APIRouter(tags=["tasks"])


async def _urger(actor: CurrentUser) -> Actor:
    return to_do.admit_urger(actor)


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
def tasks(actor: CurrentUser, ctx: ServiceContext) -> list[TaskPublic]:
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
        for t in to_do.tasks(actor, ctx, datetime.now(UTC))
    ]


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
    ctx: ServiceContext,
) -> UrgeOutcome:
    place = await locate(ctx, application_id, actor)  # where it is, and whether the caller sees it
    done = await to_do.urge(actor, ctx, application_id, place.level, place.county, place.state, body.to, body.note)
    return UrgeOutcome(id=application_id, state=done.state, to=body.to, urged=done.urged)
