"""Declaration materials (申报材料) and conditions (评定条件) over HTTP (services/materials.py): the checklist and the
conditions that apply (no account needed), uploads by county bureaus, and an application's files, read within the
application's scope."""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import ApplicationId, Reader, ServiceContext, SettingsDep, TemporalClient, role_in
from api.errors import ON_APPLICATION, documented
from api.ratelimit import Limits, limit_objections
from api.too_large import TOO_LARGE
from contracts.rules.applications import MULTIPART_INVALID, MULTIPART_TOO_MANY_PARTS
from schemas.fields import County
from schemas.materials import ApplicationMaterials, Checklist, Conditions, MaterialId, MaterialUploaded
from services import materials, program_requirements
from services.context import Context
from services.program_declarations import InForce
from services.refusals import Refusal
from state.domain import Actor, InstitutionType, Level, Role
from state.materials import ACCEPTED

MULTIPART_SLACK = 16 * 1024  # room for the multipart envelope around the file itself
MAX_PARTS = 1000  # fields, and files, in one upload's form (Starlette's default, now said when exceeded)
MAX_FIELD_KIB = 1024  # one text field of it (Starlette's max_part_size)
FORM_URLENCODED = "application/x-www-form-urlencoded"
_TYPE, _LEVEL, _COUNTY = TypeAdapter(InstitutionType), TypeAdapter(Level), TypeAdapter(County | None)


def _refused(refusal: Refusal) -> JSONResponse:
    return JSONResponse({"detail": {"message": refusal.message, **refusal.extra}}, status_code=refusal.status)


async def _parse_form(request: Request) -> Refusal | None:
    """Read the multipart body (kept on the request for the route) within MAX_PARTS; what is wrong with it, if
    anything (Starlette's own answer is a bare 400, which reads as "not JSON")."""
    if not request.headers.get("content-type", "").startswith(("multipart/form-data", FORM_URLENCODED)):
        return None  # no form at all: the route's validation names the missing file
    try:
        await request.form(max_files=MAX_PARTS, max_fields=MAX_PARTS)
    except StarletteHTTPException as e:
        if e.status_code != 400:
            raise
        detail = str(e.detail)
        if detail.startswith(("Too many", "Field exceeded")):
            return Refusal(413, MULTIPART_TOO_MANY_PARTS, field="body", limit=MAX_PARTS, field_kib=MAX_FIELD_KIB)
        return Refusal(422, MULTIPART_INVALID, field="body")
    return None


class SizeLimitedRoute(APIRoute):
    """Refuses (413) an upload whose Content-Length is over the limit before its body is read, and a form of too
    many parts (413) or not a form at all (422) with what is wrong with it."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            limit = request.app.state.settings.materials.material_max_bytes
            length = request.headers.get("content-length", "")
            if length.isdigit() and int(length) > limit + MULTIPART_SLACK:
                return _refused(materials.too_large(limit))
            refusal = await _parse_form(request)
            if refusal is not None:
                return _refused(refusal)
            return await handler(request)

        return limited


QUOTA: dict[int | str, dict[str, Any]] = {
    429: {
        **documented(429)[429],
        "description": "The account's upload quota for the hour is used up (rule upload_quota); see Retry-After",
    }
}
router = APIRouter(tags=["materials"])
uploads = APIRouter(tags=["materials"], route_class=SizeLimitedRoute)


ProgramQuery = Annotated[
    str | None,
    Query(
        pattern=r"^[a-z0-9][a-z0-9-]{0,63}$",
        description="the program (GET /api/v1/programs); omitted: the first program",
    ),
]
TypeQuery = Annotated[
    str, Query(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="the institution type (the program's type key)")
]
LevelQuery = Annotated[str, Query(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="the level (the program's level key)")]
CountyQuery = Annotated[
    str | None, Query(max_length=20, description="the declaring county: its own conditions apply too")
]
PROGRAM_REFUSALS = documented(
    404, rules={404: ("program_unknown",), 422: ("program_level_unknown", "program_county_unknown")}
)


def _typed(type_: str, level: str, county: str | None = None) -> tuple[InstitutionType, Level, str | None]:
    """The first program's query as its enums (refused as FastAPI refuses a query that is not one of them)."""
    errors: list[Any] = []
    for name, adapter, value in (("type", _TYPE, type_), ("level", _LEVEL, level), ("county", _COUNTY, county)):
        try:
            adapter.validate_python(value)
        except ValidationError as e:
            errors += [{**err, "loc": ("query", name)} for err in e.errors(include_url=False)]
    if errors:
        raise RequestValidationError(errors)
    return InstitutionType(type_), Level(level), county


def _other(ctx: Context, program: str | None, type_: str, level: str, county: str | None) -> InForce | None:
    """Another program named by the query, its level, type and county checked; None for the first program."""
    found = program_requirements.other_program(ctx.database_url, program)
    if found is None:
        return None
    wrong = program_requirements.check_level_and_type(found.program, type_, level)
    if wrong == "level":
        raise program_requirements.level_refusal(found.program, level)
    if wrong == "type":
        keys = [t.key for t in found.program.institution_types]
        raise RequestValidationError(
            [
                {
                    "type": "enum",
                    "loc": ("query", "type"),
                    "msg": f"Input should be {', '.join(repr(k) for k in keys)}",
                    "input": type_,
                    "ctx": {"expected": ", ".join(repr(k) for k in keys)},
                }
            ]
        )
    if refused := program_requirements.county_refusal(found.program, county):
        raise refused
    return found


@router.get(
    "/materials/checklist",
    response_model=Checklist,
    summary="The materials a declaration attaches, by institution type and level (申报材料清单; no account needed)",
    responses=PROGRAM_REFUSALS,
)
def checklist(type: TypeQuery, level: LevelQuery, ctx: ServiceContext, program: ProgramQuery = None) -> Checklist:
    found = _other(ctx, program, type, level, None)
    if found is not None:
        return program_requirements.checklist(found.program, type, level)
    kind, lv, _ = _typed(type, level)
    return materials.checklist(ctx, kind, lv)


@router.get(
    "/conditions",
    response_model=Conditions,
    summary="The conditions a declaration attests (评定条件: basic, the level's, the county's; no account needed)",
    responses=PROGRAM_REFUSALS,
)
def applicable_conditions(
    type: TypeQuery,
    level: LevelQuery,
    ctx: ServiceContext,
    county: CountyQuery = None,
    program: ProgramQuery = None,
) -> Conditions:
    found = _other(ctx, program, type, level, county)
    if found is not None:
        return program_requirements.conditions(found.program, type, level, county)
    kind, lv, named = _typed(type, level, county)
    return materials.conditions(ctx, kind, lv, named)


Uploader = Annotated[Actor, Depends(role_in(Role.county_bureau, Role.inspector))]


@uploads.post(
    "/materials",
    status_code=201,
    response_model=MaterialUploaded,
    summary="Upload a file (PDF, JPEG or PNG, told by its bytes): a county bureau's for a declaration, an "
    "inspector's as evidence for a revocation; the caller's until an act attaches it",
    responses={
        **documented(401, 403, rules={422: ("file_type_not_accepted", "multipart_invalid")}),
        **QUOTA,
        **TOO_LARGE,
    },
)
async def upload(
    file: Annotated[UploadFile, File(description="the file: PDF, JPEG or PNG (its bytes decide, not its name)")],
    actor: Uploader,
    ctx: ServiceContext,
    request: Request,
) -> MaterialUploaded:
    limits: Limits = request.app.state.limits
    return await materials.store_upload(ctx, actor, file, limits)


@uploads.post(
    "/public/applications/{application_id}/objections/evidence",
    status_code=201,
    response_model=MaterialUploaded,
    summary="Attach an image (JPEG or PNG) to an objection, while the application is under notice (no account "
    "needed); its id goes in the objection's evidence",
    dependencies=[Depends(limit_objections)],
    responses={
        **documented(
            404, 429, 503, rules={422: ("file_type_not_accepted", "multipart_invalid"), 429: ("rate_limited",)}
        ),
        **TOO_LARGE,
    },
)
async def upload_objection_evidence(
    application_id: ApplicationId,
    file: Annotated[UploadFile, File(description="an image: JPEG or PNG (its bytes decide, not its name)")],
    client: TemporalClient,
    settings: SettingsDep,
) -> MaterialUploaded:
    # The client and settings (not a ServiceContext): web/routes/public.py calls this function as it is.
    return await materials.store_objection_evidence(Context(client, settings), application_id, file)


@router.get(
    "/applications/{application_id}/materials",
    response_model=ApplicationMaterials,
    summary="The application's files: item, name, SHA-256, size, type, uploader, and the act that submitted each",
    responses=documented(*ON_APPLICATION),
)
async def application_materials(
    application_id: ApplicationId, actor: Reader, ctx: ServiceContext
) -> ApplicationMaterials:
    return await materials.application_materials(ctx, actor, application_id)


FILE_TYPES = {t: {"schema": {"type": "string", "format": "binary"}} for t in ACCEPTED}


@router.get(
    "/applications/{application_id}/materials/{material_id}",
    response_class=Response,
    summary="One of the application's files, as submitted (its bytes, with its type)",
    responses={
        200: {"content": FILE_TYPES, "description": "the file's bytes"},
        **documented(*ON_APPLICATION),
    },
)
async def application_material(
    application_id: ApplicationId,
    material_id: Annotated[MaterialId, Path(description="the id of the upload")],
    actor: Reader,
    ctx: ServiceContext,
) -> Response:
    found = await materials.material_file(ctx, actor, application_id, material_id)
    return Response(found.data, media_type=found.content_type, headers=found.headers)


router.include_router(uploads)
