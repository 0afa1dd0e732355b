"""Declaring an application, and reading them: the list from the read model, one from its workflow.

A declaration runs one way: admit the county bureau, judge the facts (state/declaration), read what it is checked
against (services/declarations: the county's conditions, the county-level title, the caller's uploads) and the
round's window at once, claim the files, then start the workflow."""

import asyncio
import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from fastapi.concurrency import run_in_threadpool
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from clients.rounds import declaration_window_refusal
from contracts.application import ApplicationView, Declaration
from contracts.rules.applications import CITY_LEVEL_IN_ROUND, DECLARATION_WINDOW, IDEMPOTENCY_KEY_REUSED
from db.queries.workbench import Filters, summaries
from db.session import get_engine
from schemas.models import ApplicationDetail, ApplicationPage, DeclarationCreate, ProgramDeclarationCreate
from services import institution_claims, present, program_declarations, revocations
from services.access import absent, authority, city_scope, fetch_view
from services.context import Context
from services.declarations import (
    attestation_problems,
    county_title_refusal,
    institution_of,
    on_record,
    refusal,
    submitted_materials,
)
from services.refusals import Refusal
from state.calendar import TZ
from state.declaration import declaration_problems
from state.domain import Act, Actor, Department, Level, Stage
from workflows.application import ApplicationWorkflow, start_attributes, workflow_id_for

T = TypeVar("T")
# The page is validated once, as it is made (present.page), and serialized here: returned as a model, FastAPI would
# validate it against response_model again (in a thread of its own) before serializing it.
PAGE_JSON = ApplicationPage.__pydantic_serializer__


def application_id_for(actor: Actor, idempotency_key: str | None) -> str:
    """Derived from caller and key, so a retried declaration can never start a second workflow."""
    if idempotency_key is None:
        return "A" + uuid.uuid4().hex[:20]
    return "A" + hashlib.sha256(f"{actor.user_id}\n{idempotency_key}".encode()).hexdigest()[:20]


def _same_declaration(view: ApplicationView, decl: Declaration) -> bool:
    declared = view.acts[0].materials if view.acts else []
    return (view.level, view.county, view.round_id, view.institution) == (
        decl.level,
        decl.county,
        decl.round_id,
        decl.institution,
    ) and [(m.item, m.material_id) for m in declared] == [(m.item, m.material_id) for m in decl.materials]


async def _window_refusal(ctx: Context, round_id: str | None, level: Level, county: str) -> str | None:
    if not round_id:
        return None
    return await declaration_window_refusal(ctx.client, round_id, datetime.now(TZ), level, county)


def _answer(answer: T | BaseException) -> T:
    """What a call asked with asyncio.gather(return_exceptions=True) answered: raised only when its turn comes."""
    if isinstance(answer, BaseException):
        raise answer
    return answer


async def _start(ctx: Context, decl: Declaration) -> None:
    """Start the application's workflow holding its institution's claim (services/institution_claims.py); a claim
    taken for it here is given back when it does not start (a retry of an application that has ended, or an error)."""
    claimed_now = await institution_claims.take(ctx, decl)
    try:
        await ctx.client.start_workflow(
            ApplicationWorkflow.run,
            decl,
            id=workflow_id_for(decl.application_id),
            task_queue=ctx.settings.task_queue,
            search_attributes=start_attributes(decl),
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,  # an ended application is never restarted
        )
    except BaseException:
        if claimed_now:
            await institution_claims.release(ctx, decl)
        raise


@dataclass(frozen=True)
class Declared:
    application_id: str
    state: Stage
    created: bool  # False: the same Idempotency-Key was used before, and this is that application


async def declare(
    ctx: Context, actor: Actor, body: DeclarationCreate, day: date, idempotency_key: str | None = None
) -> Declared:
    if isinstance(body, ProgramDeclarationCreate):
        return await _declare_into(ctx, actor, body, day, idempotency_key)
    settings = ctx.settings
    county = body.county or actor.county or ""
    level = Level(body.level)
    authority(Act.declare, actor, level, county)
    institution = institution_of(body.institution)
    problems = declaration_problems(level, county, institution, day)
    application_id = application_id_for(actor, idempotency_key)
    # The read model, the round's window and the program's version in force are asked at once; their answers are
    # judged below in the rules' order.
    read, window, program = await asyncio.gather(
        on_record(settings, actor, level, county, institution, body.materials, application_id),
        _window_refusal(ctx, body.round_id, level, county),
        program_declarations.first_program_ref(ctx, level),
        return_exceptions=True,
    )
    records = _answer(read)
    problems += attestation_problems(settings, level, county, institution, records.county_conditions)
    if problems:
        raise refusal(422, problems)
    if level == Level.city and (refused_title := county_title_refusal(institution, records.county_title)):
        raise refused_title
    if level == Level.city and not body.round_id:
        raise Refusal(422, CITY_LEVEL_IN_ROUND, field="round_id")
    if outside := _answer(window):
        raise Refusal(422, DECLARATION_WINDOW, field="round_id", window=outside)
    if declared_before := institution_claims.standing_refusal(records.standing, level, institution.credit_code, county):
        raise declared_before
    materials = await submitted_materials(
        settings, actor, application_id, level, institution.type, body.materials, uploads=records.uploads
    )
    decl = Declaration(
        application_id=application_id,
        level=level,
        county=county,
        institution=institution,
        actor=actor,
        reason=body.reason,
        round_id=body.round_id,
        department_opinions={Department(k): v for k, v in body.department_opinions.items()},
        materials=materials,
        program=_answer(program),
    )
    return await _started(ctx, actor, decl, idempotency_key)


async def _declare_into(
    ctx: Context, actor: Actor, body: ProgramDeclarationCreate, day: date, idempotency_key: str | None
) -> Declared:
    """A declaration into another program than the first (services/program_declarations.py)."""
    application_id = application_id_for(actor, idempotency_key)
    ready = await program_declarations.prepare(ctx, actor, body, day, application_id)
    if outside := await _window_refusal(ctx, body.round_id, ready.level, ready.county):
        raise Refusal(422, DECLARATION_WINDOW, field="round_id", window=outside)
    decl = Declaration(
        application_id=application_id,
        level=ready.level,
        county=ready.county,
        institution=ready.institution,
        actor=actor,
        reason=body.reason,
        round_id=body.round_id,
        materials=ready.materials,
        program=ready.program,
    )
    return await _started(ctx, actor, decl, idempotency_key)


async def _started(ctx: Context, actor: Actor, decl: Declaration, idempotency_key: str | None) -> Declared:
    try:
        await _start(ctx, decl)
    except WorkflowAlreadyStartedError:
        if idempotency_key is None:
            raise
        view = await fetch_view(ctx, decl.application_id, actor)
        if not _same_declaration(view, decl):
            raise Refusal(409, IDEMPOTENCY_KEY_REUSED, field="Idempotency-Key", id=decl.application_id) from None
        return Declared(decl.application_id, view.state, created=False)
    except RPCError as e:
        raise absent(e, decl.application_id) from None
    return Declared(decl.application_id, Stage.declared, created=True)


def list_json(ctx: Context, actor: Actor, wanted: Filters, offset: int, limit: int) -> bytes:
    """GET /applications' page as JSON, newest first; county-scoped callers see only their county. Sync: one trip
    to a thread for the reads and the page."""
    with get_engine(ctx.database_url).connect() as connection:
        rows, total = summaries(connection, actor.county, wanted, offset, limit, city_scope(actor))
    return PAGE_JSON.to_json(present.page(rows, total, limit, offset))


def list_applications(ctx: Context, actor: Actor, wanted: Filters, limit: int = 50, offset: int = 0) -> ApplicationPage:
    """The same page as a model (the pages list a round's candidates). Sync: call it in a thread."""
    with get_engine(ctx.database_url).connect() as connection:
        rows, total = summaries(connection, actor.county, wanted, offset, limit, city_scope(actor))
    return present.page(rows, total, limit, offset)


async def page_json(ctx: Context, actor: Actor, wanted: Filters, offset: int, limit: int) -> bytes:
    return await run_in_threadpool(list_json, ctx, actor, wanted, offset, limit)


async def detail(ctx: Context, actor: Actor, application_id: str) -> ApplicationDetail:
    """One application: state, the caller's allowed acts, notice, objections, signatures, acts."""
    found = present.detail(await fetch_view(ctx, application_id, actor), actor)
    found.revocation = await revocations.of_application(ctx, application_id)
    return found
