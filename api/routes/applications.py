"""Declaring an application, and reading them: the list from the read model, one from its workflow."""

import asyncio
import hashlib
import uuid
from dataclasses import fields
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import APIRouter, Body, Header, Query, Response
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from api import present
from api.access import fetch_view
from api.deps import API_PREFIX, ApplicationId, CountyBureau, Reader, SettingsDep, TemporalClient, Today
from api.errors import CONDITION_RULES, ON_APPLICATION, documented
from api.submission import attestation_problems, county_title_refusal, on_record, submitted_materials
from clients.rounds import declaration_window_refusal
from contracts.application import ApplicationView, Declaration, Institution
from db.queries.workbench import Filters, summaries
from db.session import get_engine
from schemas.fields import County, Round
from schemas.models import (
    ApplicationDetail,
    ApplicationPage,
    DeclarationCreate,
    Declared,
    InstitutionCreate,
)
from services.refusals import Refusal, from_temporal
from state.calendar import TZ
from state.declaration import declaration_problems
from state.domain import Act, Actor, Department, InstitutionType, Level, Stage, authority_refusal
from workflows.application import ApplicationWorkflow, start_attributes, workflow_id_for

router = APIRouter(prefix="/applications", tags=["applications"])
T = TypeVar("T")

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=128,
        pattern=r"^[\x21-\x7e]+$",
        description="retrying with the same key returns the application the first call created (200, not 201)",
    ),
]


def application_id_for(actor: Actor, idempotency_key: str | None) -> str:
    """Derived from caller and key, so a retried declaration can never start a second workflow."""
    if idempotency_key is None:
        return "A" + uuid.uuid4().hex[:20]
    return "A" + hashlib.sha256(f"{actor.user_id}\n{idempotency_key}".encode()).hexdigest()[:20]


def _institution(given: InstitutionCreate) -> Institution:
    data = given.model_dump()
    data["type"] = InstitutionType(data["type"])
    return Institution(**{f.name: data[f.name] for f in fields(Institution) if f.name in data})


def _same_declaration(view: ApplicationView, decl: Declaration) -> bool:
    declared = view.acts[0].materials if view.acts else []
    return (view.level, view.county, view.round_id, view.institution) == (
        decl.level,
        decl.county,
        decl.round_id,
        decl.institution,
    ) and [(m.item, m.material_id) for m in declared] == [(m.item, m.material_id) for m in decl.materials]


async def _window_refusal(client: Client, round_id: str | None, level: Level, county: str) -> str | None:
    if not round_id:
        return None
    return await declaration_window_refusal(client, round_id, datetime.now(TZ), level, county)


def _answer(answer: T | BaseException) -> T:
    """What a call asked with asyncio.gather(return_exceptions=True) answered: raised only when its turn comes."""
    if isinstance(answer, BaseException):
        raise answer
    return answer


@router.post(
    "",
    status_code=201,
    response_model=Declared,
    summary="Declare an institution (申报)",
    responses={
        200: {"model": Declared, "description": "The same Idempotency-Key was used before: that application"},
        **documented(
            401,
            403,
            409,
            503,
            rules={
                409: ("idempotency_key_reused",),
                422: (
                    *CONDITION_RULES,
                    "city_level_in_round",
                    "declaration_window",
                    "county_title_not_on_record",
                    "county_title_mismatch",
                    "unknown_county",
                    "material_unknown",
                    "material_type_not_accepted",
                    "material_item_unknown",
                    "material_duplicate",
                    "material_missing",
                    "material_expired",
                ),
            },
        ),
    },
)
async def declare(
    body: Annotated[DeclarationCreate, Body()],
    actor: CountyBureau,
    client: TemporalClient,
    settings: SettingsDep,
    day: Today,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> Declared:
    county = body.county or actor.county or ""
    level = Level(body.level)
    refused = authority_refusal(Act.declare, actor, level, county)
    if refused:
        raise Refusal(403, refused)
    institution = _institution(body.institution)
    problems = declaration_problems(level, county, institution, day)
    # The read model and the round's window are asked at once; their answers are judged below in the rules' order.
    read, window = await asyncio.gather(
        on_record(settings, actor, level, county, institution, body.materials),
        _window_refusal(client, body.round_id, level, county),
        return_exceptions=True,
    )
    records = _answer(read)
    problems += attestation_problems(settings, level, county, institution, records.county_conditions)
    if problems:
        raise Refusal(
            422,
            "; ".join(p.message for p in problems),
            field=problems[0].field,
            rule=problems[0].code,
            problems=[{"field": p.field, "rule": p.code, "message": p.message} for p in problems],
        )
    if level == Level.city and (refused_title := county_title_refusal(institution, records.county_title)):
        raise refused_title
    if level == Level.city and not body.round_id:
        raise Refusal(
            422,
            "市级标杆机构须经评定批次竞争性评审择优确定：市级申报须填写所参加的评定批次（round_id）",
            field="round_id",
            rule="city_level_in_round",
        )
    if outside := _answer(window):
        raise Refusal(422, outside, field="round_id", rule="declaration_window")
    application_id = application_id_for(actor, idempotency_key)
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
    )
    try:
        await client.start_workflow(
            ApplicationWorkflow.run,
            decl,
            id=workflow_id_for(application_id),
            task_queue=settings.task_queue,
            search_attributes=start_attributes(decl),
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,  # an ended application is never restarted
        )
    except WorkflowAlreadyStartedError:
        if idempotency_key is None:
            raise
        view = await fetch_view(client, application_id, actor)
        if not _same_declaration(view, decl):
            raise Refusal(
                409,
                "this Idempotency-Key was already used for a different declaration",
                field="Idempotency-Key",
                rule="idempotency_key_reused",
                id=application_id,
            ) from None
        response.status_code = 200
        return Declared(id=application_id, state=view.state)
    except RPCError as e:
        raise from_temporal(e, f"application {application_id!r}") from None
    response.headers["Location"] = f"{API_PREFIX}{router.prefix}/{application_id}"
    return Declared(id=application_id, state=Stage.declared)


def list_applications(
    actor: Actor,
    session: Session,
    state: Stage | None = None,
    county: str | None = None,
    level: Level | None = None,
    institution_type: InstitutionType | None = None,
    round_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> ApplicationPage:
    """The page GET /applications answers, read through ``session`` (the web's round page lists its candidates)."""
    wanted = Filters(state=state, county=county, level=level, institution_type=institution_type, round_id=round_id)
    rows, total = summaries(session.connection(), actor.county, wanted, offset, limit)
    return present.page(rows, total, limit, offset)


# The page is validated once, as it is made (present.page), and serialized here: returned as a model, FastAPI would
# validate it against response_model again (in a thread of its own, for a sync route) before serializing it.
PAGE_JSON = ApplicationPage.__pydantic_serializer__


def _page_json(database_url: str, scope: str | None, wanted: Filters, offset: int, limit: int) -> bytes:
    with get_engine(database_url).connect() as connection:
        rows, total = summaries(connection, scope, wanted, offset, limit)
    return PAGE_JSON.to_json(present.page(rows, total, limit, offset))


@router.get(
    "",
    name="list_applications",
    response_model=ApplicationPage,
    summary="List applications",
    responses=documented(401, 403),
)
async def list_page(
    actor: Reader,
    settings: SettingsDep,
    state: Stage | None = None,
    county: Annotated[County | None, Query()] = None,
    level: Level | None = None,
    institution_type: InstitutionType | None = None,
    round_id: Annotated[Round | None, Query(alias="round")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Newest first. County-scoped callers (county bureaus, county departments) see only their county."""
    wanted = Filters(state=state, county=county, level=level, institution_type=institution_type, round_id=round_id)
    # One trip to a thread for the reads and the page (a Session dependency would take two more).
    body = await run_in_threadpool(_page_json, settings.database_url, actor.county, wanted, offset, limit)
    return Response(body, media_type="application/json")


@router.get(
    "/{application_id}",
    response_model=ApplicationDetail,
    summary="One application: state, the caller's allowed acts, notice, objections, signatures, acts",
    responses=documented(*ON_APPLICATION),
)
async def get_application(application_id: ApplicationId, actor: Reader, client: TemporalClient) -> ApplicationDetail:
    return present.detail(await fetch_view(client, application_id, actor), actor)
