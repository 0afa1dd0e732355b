"""Declaration materials (申报材料) and conditions (评定条件): the checklist and the conditions that apply (no account
needed), uploads by county bureaus, and an application's files, read within the application's scope."""

import re
from collections.abc import Callable, Coroutine
from pathlib import PurePosixPath
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.client import Client
from temporalio.service import RPCError

from api import present
from api.access import fetch_view
from api.deps import ApplicationId, Reader, SettingsDep, TemporalClient, role_in
from api.errors import ON_APPLICATION, documented
from api.ratelimit import Limits, limit_objections
from api.submission import (
    DECLARATION,
    OBJECTION_EVIDENCE,
    REVOCATION_EVIDENCE,
    TOO_LARGE,
    checklists,
    condition_book,
    current_materials,
    public_uploader,
    store_for,
)
from clients.application import query_view
from config import Settings
from db.materials import keep_upload
from schemas.fields import County
from schemas.materials import (
    ActRef,
    ApplicationMaterial,
    ApplicationMaterials,
    Checklist,
    ChecklistItemPublic,
    ConditionPublic,
    Conditions,
    MaterialId,
    MaterialUploaded,
)
from services.refusals import Refusal, from_temporal
from state import text
from state.domain import Actor, InstitutionType, Level, Role, Stage
from state.materials import ACCEPTED, IMAGES, JPEG, PDF, PNG, SNIFF_BYTES, TYPE_NAMES, sniff
from storage import BlobCorrupt, BlobMissing

MULTIPART_SLACK = 16 * 1024  # room for the multipart envelope around the file itself
CHUNK = 1024 * 1024
MAX_PARTS = 1000  # fields, and files, in one upload's form (Starlette's default, now said when exceeded)
MAX_FIELD_KIB = 1024  # one text field of it (Starlette's max_part_size)
FORM_URLENCODED = "application/x-www-form-urlencoded"
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",)}


def _too_large(limit: int) -> Refusal:
    return Refusal(413, f"文件超过大小上限 {limit} 字节", field="file", rule="file_too_large", limit=limit)


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
            return Refusal(
                413,
                f"上传请求的表单部分过多或过大：最多 {MAX_PARTS} 个字段、{MAX_PARTS} 个文件，"
                f"每个文本字段不超过 {MAX_FIELD_KIB} KiB；一次上传只需一个文件字段 file",
                field="body",
                rule="multipart_too_many_parts",
                limit=MAX_PARTS,
            )
        return Refusal(422, "上传请求不是有效的 multipart/form-data 表单", field="body", rule="multipart_invalid")
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
                return _refused(_too_large(limit))
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
def checklist(type: InstitutionType, level: Level, settings: SettingsDep) -> Checklist:
    items = checklists(settings).checklist(type, level)
    return Checklist(
        type=type.value,
        level=level.value,
        items=[
            ChecklistItemPublic(code=i.code, title=i.title, required=i.required, accepts=list(i.accepts)) for i in items
        ],
    )


@router.get(
    "/conditions",
    response_model=Conditions,
    summary="The conditions a declaration attests (评定条件: basic, the level's, the county's; no account needed)",
    responses=documented(),
)
def applicable_conditions(
    type: InstitutionType,
    level: Level,
    settings: SettingsDep,
    county: Annotated[County | None, Query(description="the declaring county: its own conditions apply too")] = None,
) -> Conditions:
    found = condition_book(settings, county).applicable(type, level, county)
    return Conditions(
        type=type.value,
        level=level.value,
        county=county,
        items=[ConditionPublic(code=c.code, text=c.text, kind=c.kind) for c in found],
    )


def clean_filename(name: str | None, content_type: str) -> str:
    """The base name the uploader gave, without paths or control characters; a plain name if none is left."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()[:200]
    return base or f"未命名{'.pdf' if content_type == 'application/pdf' else ''}"


def download_name(filename: str, content_type: str) -> str:
    """The name a file is served under: the uploader's, with the extension of the type its bytes were told to be
    (a PDF uploaded as ``poly.html`` downloads as ``poly.pdf``), so no program opens it as something else."""
    wanted = EXTENSIONS.get(content_type, (".bin",))
    path = PurePosixPath(filename)
    if filename.lower().endswith(wanted):
        return filename
    return (path.stem if path.suffix else filename) + wanted[0]


async def _read(file: StarletteUploadFile, limit: int) -> bytes:
    parts, size = [], 0
    while chunk := await file.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        parts.append(chunk)
    return b"".join(parts)


Uploader = Annotated[Actor, Depends(role_in(Role.county_bureau, Role.inspector))]


async def _typed(file: StarletteUploadFile, limit: int, accepted: tuple[str, ...]) -> tuple[bytes, str]:
    """The file's bytes (413 over ``limit``) and its type, told by the bytes (422 unless ``accepted``)."""
    data = await _read(file, limit)
    content_type = sniff(data[:SNIFF_BYTES])
    if content_type not in accepted:
        kinds = "、".join(TYPE_NAMES[t] for t in accepted)
        raise Refusal(
            422,
            f"只接受{kinds}文件（按文件内容判断，而非文件名）；accepted: {', '.join(accepted)}",
            field="file",
            rule="file_type_not_accepted",
        )
    assert content_type is not None
    return data, content_type


async def _keep(
    settings: Settings, file: StarletteUploadFile, data: bytes, content_type: str, owner: Actor, purpose: str
) -> MaterialUploaded:
    bidi = text.bidi_controls(file.filename or "")
    if bidi:  # "invoice\u202egnp.pdf" would read as "invoicefdp.png"
        message = f"文件名不能包含改变文字方向的控制字符（{text.codepoints(bidi)}），请改名后重新上传"
        raise Refusal(422, message, field="file", rule="bidi_control")
    filename = clean_filename(file.filename, content_type)
    material = await run_in_threadpool(
        keep_upload, settings.database_url, store_for(settings), data, content_type, filename, owner, purpose
    )
    return MaterialUploaded(
        id=material.id,
        sha256=material.sha256,
        size=material.size,
        content_type=material.content_type,
        filename=material.filename,
    )


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
    settings: SettingsDep,
) -> MaterialUploaded:
    return await store_upload(file, actor, settings)


async def store_upload(file: StarletteUploadFile, actor: Actor, settings: Settings) -> MaterialUploaded:
    """POST /materials once the caller is admitted; also the declaration page's uploads (multipart form data
    holds Starlette's UploadFile, of which FastAPI's is a subclass)."""
    data, content_type = await _typed(file, settings.materials.material_max_bytes, ACCEPTED)
    await run_in_threadpool(Limits(settings).upload, actor.user_id, len(data))  # 429 upload_quota
    purpose = DECLARATION if actor.role == Role.county_bureau else REVOCATION_EVIDENCE
    return await _keep(settings, file, data, content_type, actor, purpose)


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
    await under_notice(client, application_id)
    data, content_type = await _typed(file, settings.materials.objection_evidence_max_bytes, IMAGES)
    return await _keep(settings, file, data, content_type, public_uploader(application_id), OBJECTION_EVIDENCE)


async def under_notice(client: Client, application_id: str) -> None:
    """404 unless the application is under public notice (as for objections themselves)."""
    refused = Refusal(404, f"no application {application_id!r} is under public notice")
    try:
        view = await query_view(client, application_id, None)
    except RPCError as e:
        refusal = from_temporal(e, f"application {application_id!r}")
        raise (refused if refusal.status == 404 else refusal) from None
    if view.state != Stage.publicized:
        raise refused


@router.get(
    "/applications/{application_id}/materials",
    response_model=ApplicationMaterials,
    summary="The application's files: item, name, SHA-256, size, type, uploader, and the act that submitted each",
    responses=documented(*ON_APPLICATION),
)
async def application_materials(
    application_id: ApplicationId, actor: Reader, client: TemporalClient
) -> ApplicationMaterials:
    view = await fetch_view(client, application_id, actor)
    standing = {id(m) for m in current_materials([a.materials for a in view.acts])}
    items = [
        ApplicationMaterial(
            **present.material(m).model_dump(),
            act=ActRef(seq=a.seq, act=a.act, at=present.local(a.at)),
            current=id(m) in standing,
        )
        for a in view.acts
        for m in a.materials
    ]
    return ApplicationMaterials(id=application_id, items=items)


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
    client: TemporalClient,
    settings: SettingsDep,
) -> Response:
    view = await fetch_view(client, application_id, actor)
    found = next((m for a in reversed(view.acts) for m in a.materials if m.material_id == material_id), None)
    if found is None:
        raise Refusal(404, f"material {material_id!r} not found on application {application_id!r}")
    try:
        data = await run_in_threadpool(store_for(settings).get, found.sha256)
    except (BlobMissing, BlobCorrupt) as e:
        raise Refusal(500, f"the stored file {found.sha256} cannot be read: {type(e).__name__}") from None
    name = download_name(found.filename, found.content_type)
    fallback = "material" + PurePosixPath(name).suffix  # for clients that do not read filename*
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    headers = {"Content-Disposition": disposition, "ETag": f'"{found.sha256}"', "X-Content-Type-Options": "nosniff"}
    return Response(data, media_type=found.content_type, headers=headers)


router.include_router(uploads)
