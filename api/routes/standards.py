"""A county's own conditions for its county-level titles (附件5 评定标准, 因地制宜): read (signed in; a county's callers
their own county's) and set (the admin, or the county's own bureau). Every change goes through the county's
CountyStandardsWorkflow, which records the version with who, when and why; the condition book declarations attest
(GET /api/v1/conditions) adds the county's current conditions to the notice's."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from api.deps import READERS, SettingsDep, TemporalClient, role_in
from api.errors import documented
from api.present import local
from clients import standards as standards_workflows
from config import Settings
from contracts.standards import MAX_CONDITIONS, ConditionsSet, CountyCondition, SetConditions, StandardsStart
from db.queries import standards as standards_queries
from db.session import get_engine
from schemas.fields import County, OptionalText64, OptionalText500, OptionalText2000
from services.refusals import Refusal, from_temporal
from state import conditions, text
from state.domain import Actor, InstitutionType, Role
from workflows.standards import conditions_problem

router = APIRouter(tags=["county standards"], responses=documented(401, 403, 404, 503))
Setter = Annotated[Actor, Depends(role_in(Role.admin, Role.county_bureau))]
StandardsReader = Annotated[Actor, Depends(role_in(*READERS, Role.admin))]
CountyPath = Annotated[County, Path(description="county or district (县区)")]
STRICT = ConfigDict(extra="forbid")


class ConditionIn(BaseModel):
    model_config = STRICT
    code: OptionalText64 = Field(examples=["tancheng_1_brand"], description="stable: ^[a-z0-9_]{1,64}$")
    text: OptionalText2000 = Field(examples=["具有县级就业服务特色品牌"], description="the condition, in Chinese")
    types: list[InstitutionType] = Field(
        default_factory=lambda: list(InstitutionType),
        max_length=len(InstitutionType),
        description="the institution types it applies to (default: every type)",
    )


class ConditionsPut(BaseModel):
    model_config = STRICT
    conditions: list[ConditionIn] = Field(
        max_length=MAX_CONDITIONS, description="the county's conditions as they shall stand; a code left out is retired"
    )
    reason: OptionalText500 = Field(min_length=1, description="设定依据")


class ConditionOut(BaseModel):
    code: str
    text: str
    types: list[InstitutionType]


class VersionOut(BaseModel):
    version: int
    conditions: list[ConditionOut]
    retired_now: list[str]
    reason: str
    set_by: str
    set_by_role: str
    set_at: datetime


class StandardsOut(BaseModel):
    county: str
    version: int  # 0: never set
    conditions: list[ConditionOut]
    retired: list[str]
    set_by: str | None
    set_at: datetime | None
    versions: list[VersionOut]  # newest first


class ConditionsSetOut(BaseModel):
    county: str
    version: int
    added: list[str]
    changed: list[str]
    retired: list[str]
    unchanged: bool


def _condition(c: dict[str, Any]) -> ConditionOut:
    return ConditionOut(code=c["code"], text=c["text"], types=[InstitutionType(t) for t in c["types"]])


def standing(database_url: str, county: str) -> StandardsOut:
    """The county's conditions as the read model has them, with every version."""
    with Session(get_engine(database_url)) as s:
        rows = standards_queries.versions(s, county)
    last = rows[0] if rows else None
    return StandardsOut(
        county=county,
        version=last.version if last else 0,
        conditions=[_condition(c) for c in last.conditions] if last else [],
        retired=list(last.retired) if last else [],
        set_by=last.actor_name if last else None,
        set_at=local(last.set_at) if last else None,
        versions=[
            VersionOut(
                version=v.version,
                conditions=[_condition(c) for c in v.conditions],
                retired_now=list(v.retired_now),
                reason=v.reason,
                set_by=v.actor_name,
                set_by_role=v.actor_role,
                set_at=local(v.set_at),
            )
            for v in rows
        ],
    )


def _seed(database_url: str, county: str) -> StandardsStart:
    with Session(get_engine(database_url)) as s:
        return standards_queries.seed(s, county)


def _in_scope(actor: Actor, county: str) -> None:
    if actor.county is not None and actor.county != county:  # another county's: as if it did not exist
        raise Refusal(404, f"没有{county}的县级评定标准可供查看")


@router.get(
    "/counties/{county}/conditions",
    response_model=StandardsOut,
    summary="A county's own conditions for its county-level titles (附件5), with every version",
)
async def get_county_conditions(county: CountyPath, actor: StandardsReader, settings: SettingsDep) -> StandardsOut:
    _in_scope(actor, county)
    return await run_in_threadpool(standing, settings.database_url, county)


def _blank(body: ConditionsPut) -> Refusal | None:
    """The workflow's "required" rules, with invisible characters counted as nothing (it strips whitespace only)."""
    if not text.visible(body.reason):
        return Refusal(422, "请填写设定依据", field="reason", rule="reason_required")
    for n, c in enumerate(body.conditions):
        if not text.visible(c.text):
            where = f"conditions[{n}].text"
            return Refusal(422, f"条件“{c.code}”的内容必填", field=where, rule="condition_text_required")
    return None


def _taken(settings: Settings, body: ConditionsPut) -> Refusal | None:
    """A code of the notice's own conditions (the file) is not a county's to use."""
    book = conditions.load(settings.materials.conditions_file)
    notice = {c.code for c in (*book.basic, *(c for cs in book.by_level.values() for c in cs))}
    for n, c in enumerate(body.conditions):
        if c.code in notice:
            return Refusal(
                422,
                f"条件编号“{c.code}”已是通知所列条件的编号，请另起编号",
                field=f"conditions[{n}].code",
                rule="condition_code_taken",
            )
    return None


@router.put(
    "/counties/{county}/conditions",
    response_model=ConditionsSetOut,
    summary="Set a county's own conditions (the admin or the county's bureau; each change recorded as a version)",
    responses=documented(
        401,
        403,
        404,
        409,
        503,
        rules={
            403: ("standards_setter",),
            422: ("reason_required", "condition_text_required", "condition_code_taken"),
        },
    ),
)
async def put_county_conditions(
    county: CountyPath, body: ConditionsPut, actor: Setter, client: TemporalClient, settings: SettingsDep
) -> ConditionsSetOut:
    act = SetConditions(
        actor=actor,
        conditions=[CountyCondition(c.code, c.text, list(c.types)) for c in body.conditions],
        reason=body.reason,
    )
    blank = _blank(body)
    if blank is not None:
        raise blank
    try:
        problem = conditions_problem(county, act, [])  # at once, without the worker; retired codes: the workflow
        if problem:
            raise problem
        taken = _taken(settings, body)
        if taken:
            raise taken
        start = await run_in_threadpool(_seed, settings.database_url, county)
        result: ConditionsSet = await standards_workflows.set_county_conditions(
            client, settings.task_queue, county, act, start
        )
    except (ApplicationError, WorkflowUpdateFailedError, RPCError) as e:
        raise from_temporal(e, f"county standards {county}") from None
    return ConditionsSetOut(**result.__dict__)
