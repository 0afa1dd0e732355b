"""Declaring an application, and reading them: the list from the read model, one from its workflow
(services/applications.py)."""

from typing import Annotated

from fastapi import APIRouter, Body, Header, Query, Response

from api.deps import API_PREFIX, ApplicationId, CountyBureau, Reader, ServiceContext, Today
from api.errors import CONDITION_RULES, ON_APPLICATION, documented
from db.queries.workbench import Filters
from schemas.fields import County, Round
from schemas.models import ApplicationDetail, ApplicationPage, DeclarationCreate, Declared
from services import applications
from state.domain import InstitutionType, Level, Stage

router = APIRouter(prefix="/applications", tags=["applications"])

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
            404,
            409,
            503,
            rules={
                404: ("program_unknown",),
                409: ("idempotency_key_reused", "institution_already_declared", "institution_already_titled"),
                422: (
                    *CONDITION_RULES,
                    "program_not_runnable",
                    "program_level_unknown",
                    "program_county_unknown",
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
    ctx: ServiceContext,
    day: Today,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> Declared:
    declared = await applications.declare(ctx, actor, body, day, idempotency_key)
    if declared.created:
        response.headers["Location"] = f"{API_PREFIX}{router.prefix}/{declared.application_id}"
    else:
        response.status_code = 200
    return Declared(id=declared.application_id, state=declared.state)


@router.get(
    "",
    name="list_applications",
    response_model=ApplicationPage,
    summary="List applications",
    responses=documented(401, 403),
)
async def list_page(
    actor: Reader,
    ctx: ServiceContext,
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
    return Response(await applications.page_json(ctx, actor, wanted, offset, limit), media_type="application/json")


@router.get(
    "/{application_id}",
    response_model=ApplicationDetail,
    summary="One application: state, the caller's allowed acts, notice, objections, signatures, acts",
    responses=documented(*ON_APPLICATION),
)
async def get_application(application_id: ApplicationId, actor: Reader, ctx: ServiceContext) -> ApplicationDetail:
    return await applications.detail(ctx, actor, application_id)
