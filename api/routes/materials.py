"""Declaration materials (申报材料) and conditions (评定条件) over HTTP (services/materials.py): the checklist and the
conditions that apply (no account needed), uploads by county bureaus, and an application's files, read within the
application's scope."""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import ApplicationId, Reader, ServiceContext, SettingsDep, TemporalClient, role_in
from api.errors import ON_APPLICATION, documented
from api.ratelimit import Limits, limit_objections
from api.too_large import TOO_LARGE
from contracts.rules.applications import MULTIPART_INVALID, MULTIPART_TOO_MANY_PARTS
from schemas.fields import County
from schemas.materials import ApplicationMaterials, Checklist, Conditions, MaterialId, MaterialUploaded
from services import materials
from services.context import Context
from services.refusals import Refusal
from state.domain import Actor, InstitutionType, Level, Role
from state.materials import ACCEPTED

MULTIPART_SLACK = 16 * 1024  # room for the multipart envelope around the file itself
MAX_PARTS = 1000  # fields, and files, in one upload's form (Starlette's default, now said when exceeded)
MAX_FIELD_KIB = 1024  # one text field of it (Starlette's max_part_size)
FORM_URLENCODED = "application/x-www-form-urlencoded"


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


@router.get(
    "/materials/checklist",
    response_model=Checklist,
    summary="The materials a declaration attaches, by institution type and level (申报材料清单; no account needed)",
    responses=documented(),
)
def checklist(type: InstitutionType, level: Level, ctx: ServiceContext) -> Checklist:
    return materials.checklist(ctx, type, level)


@router.get(
    "/conditions",
    response_model=Conditions,
    summary="The conditions a declaration attests (评定条件: basic, the level's, the county's; no account needed)",
    responses=documented(),
)
def applicable_conditions(
    type: InstitutionType,
    level: Level,
    ctx: ServiceContext,
    county: Annotated[County | None, Query(description="the declaring county: its own conditions apply too")] = None,
) -> Conditions:
    return materials.conditions(ctx, type, level, county)


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
