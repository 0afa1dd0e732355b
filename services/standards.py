"""A county's own conditions for its county-level titles (附件5 评定标准, 因地制宜): read (a county's callers their
own county's) and set (the admin, or the county's own bureau). Every change goes through the county's
CountyStandardsWorkflow, which records the version with who, when and why. Under both api/routes/standards.py and
web/routes/standards.py."""

from typing import Any

from fastapi.concurrency import run_in_threadpool
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from clients import standards as standards_workflows
from config import Settings
from contracts.rules import administration as rules
from contracts.standards import ConditionsSet, CountyCondition, SetConditions, StandardsStart
from db.queries import standards as standards_queries
from schemas.standards import ConditionOut, ConditionsPut, ConditionsSetOut, StandardsOut, VersionOut
from services.context import Context
from services.present import local
from services.refusals import Refusal, from_temporal
from state import conditions, text
from state.domain import Actor, InstitutionType
from workflows.standards import conditions_problem


def _condition(c: dict[str, Any]) -> ConditionOut:
    return ConditionOut(code=c["code"], text=c["text"], types=[InstitutionType(t) for t in c["types"]])


def standing(ctx: Context, county: str) -> StandardsOut:
    """The county's conditions as the read model has them, with every version (newest first)."""
    with ctx.session() as s:
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


def in_scope(actor: Actor, county: str) -> None:
    if actor.county is not None and actor.county != county:  # another county's: as if it did not exist
        raise Refusal(404, rules.STANDARDS_OUT_OF_SCOPE, county=county)


async def county_conditions(actor: Actor, ctx: Context, county: str) -> StandardsOut:
    in_scope(actor, county)
    return await run_in_threadpool(standing, ctx, county)


def _blank(body: ConditionsPut) -> Refusal | None:
    """The workflow's "required" rules, with invisible characters counted as nothing (it strips whitespace only)."""
    if not text.visible(body.reason):
        return Refusal(422, rules.borrowed("reason_required"), field="reason")
    for n, c in enumerate(body.conditions):
        if not text.visible(c.text):
            required = rules.borrowed("condition_text_required")
            return Refusal(422, required, code=c.code, field=f"conditions[{n}].text")
    return None


def _taken(settings: Settings, body: ConditionsPut) -> Refusal | None:
    """A code of the notice's own conditions (the file) is not a county's to use."""
    book = conditions.load(settings.materials.conditions_file)
    notice = {c.code for c in (*book.basic, *(c for cs in book.by_level.values() for c in cs))}
    for n, c in enumerate(body.conditions):
        if c.code in notice:
            return Refusal(422, rules.CONDITION_CODE_TAKEN, code=c.code, field=f"conditions[{n}].code")
    return None


def _seed(ctx: Context, county: str) -> StandardsStart:
    with ctx.session() as s:
        return standards_queries.seed(s, county)


async def set_county_conditions(actor: Actor, ctx: Context, county: str, body: ConditionsPut) -> ConditionsSetOut:
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
        taken = _taken(ctx.settings, body)
        if taken:
            raise taken
        start = await run_in_threadpool(_seed, ctx, county)
        result: ConditionsSet = await standards_workflows.set_county_conditions(
            ctx.client, ctx.settings.task_queue, county, act, start
        )
    except (ApplicationError, WorkflowUpdateFailedError, RPCError) as e:
        raise from_temporal(e, f"county standards {county}") from None
    return ConditionsSetOut(**result.__dict__)


def overview(ctx: Context) -> dict[str, Any]:
    """Every county's current version (the page's summary)."""
    with ctx.session() as s:
        return standards_queries.current(s)
