"""Declaration materials (申报材料) and conditions (评定条件): the checklist and the conditions that apply, uploads
(typed by their bytes, kept in the blob store, recorded in the read model), and an application's files, read within
the application's scope. The rules of what a declaration attaches are in services/declarations.py."""

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Protocol
from urllib.parse import quote

from fastapi.concurrency import run_in_threadpool
from temporalio.service import RPCError

from clients.application import query_view
from contracts.application import SubmittedMaterial
from contracts.rules.applications import (
    FILE_TOO_LARGE,
    FILE_TYPE_NOT_ACCEPTED,
    MATERIAL_NOT_FOUND,
    MATERIAL_UNREADABLE,
    NOT_UNDER_NOTICE,
)
from contracts.rules.schema import BIDI_CONTROL
from db.materials import keep_upload
from schemas.materials import (
    ActRef,
    ApplicationMaterial,
    ApplicationMaterials,
    Checklist,
    ChecklistItemPublic,
    ConditionPublic,
    Conditions,
    MaterialUploaded,
)
from services import present
from services.access import absent, fetch_view
from services.context import Context
from services.declarations import (
    DECLARATION,
    OBJECTION_EVIDENCE,
    REVOCATION_EVIDENCE,
    checklists,
    condition_book,
    current_materials,
    public_uploader,
    store_for,
)
from services.refusals import Refusal
from state import text
from state.domain import Actor, InstitutionType, Level, Role, Stage
from state.materials import ACCEPTED, IMAGES, JPEG, PDF, PNG, SNIFF_BYTES, TYPE_NAMES, sniff
from storage import BlobCorrupt, BlobMissing

CHUNK = 1024 * 1024
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",)}


class Upload(Protocol):
    """A file as a form hands it over (Starlette's UploadFile)."""

    filename: str | None

    async def read(self, size: int = -1) -> bytes: ...


class UploadQuota(Protocol):
    """The account's upload quota (api.ratelimit.Limits): refuses 429 upload_quota, else counts the file."""

    def upload(self, user_id: str, size: int, now: float | None = None) -> None: ...


def too_large(limit: int) -> Refusal:
    return Refusal(413, FILE_TOO_LARGE, field="file", limit=limit)


def checklist(ctx: Context, kind: InstitutionType, level: Level) -> Checklist:
    items = checklists(ctx.settings).checklist(kind, level)
    return Checklist(
        type=kind.value,
        level=level.value,
        items=[
            ChecklistItemPublic(code=i.code, title=i.title, required=i.required, accepts=list(i.accepts)) for i in items
        ],
    )


def conditions(ctx: Context, kind: InstitutionType, level: Level, county: str | None) -> Conditions:
    found = condition_book(ctx.settings, county).applicable(kind, level, county)
    return Conditions(
        type=kind.value,
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


async def _read(file: Upload, limit: int) -> bytes:
    parts, size = [], 0
    while chunk := await file.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        parts.append(chunk)
    return b"".join(parts)


async def _typed(file: Upload, limit: int, accepted: tuple[str, ...]) -> tuple[bytes, str]:
    """The file's bytes (413 over ``limit``) and its type, told by the bytes (422 unless ``accepted``)."""
    data = await _read(file, limit)
    content_type = sniff(data[:SNIFF_BYTES])
    if content_type not in accepted:
        kinds = "、".join(TYPE_NAMES[t] for t in accepted)
        raise Refusal(422, FILE_TYPE_NOT_ACCEPTED, field="file", kinds=kinds, accepted=list(accepted))
    assert content_type is not None
    return data, content_type


async def _keep(
    ctx: Context, file: Upload, data: bytes, content_type: str, owner: Actor, purpose: str
) -> MaterialUploaded:
    bidi = text.bidi_controls(file.filename or "")
    if bidi:  # "invoice\u202egnp.pdf" would read as "invoicefdp.png"
        raise Refusal(422, BIDI_CONTROL, field="file", what="文件名", codepoints=text.codepoints(bidi))
    filename = clean_filename(file.filename, content_type)
    settings = ctx.settings
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


async def store_upload(ctx: Context, actor: Actor, file: Upload, quota: UploadQuota) -> MaterialUploaded:
    """A county bureau's file for a declaration, an inspector's as evidence for a revocation (the caller admitted);
    the caller's until an act attaches it."""
    data, content_type = await _typed(file, ctx.settings.materials.material_max_bytes, ACCEPTED)
    await run_in_threadpool(quota.upload, actor.user_id, len(data))  # 429 upload_quota
    purpose = DECLARATION if actor.role == Role.county_bureau else REVOCATION_EVIDENCE
    return await _keep(ctx, file, data, content_type, actor, purpose)


async def under_notice(ctx: Context, application_id: str) -> None:
    """404 unless the application is under public notice (as for objections themselves)."""
    refused = Refusal(404, NOT_UNDER_NOTICE)
    try:
        view = await query_view(ctx.client, application_id, None)
    except RPCError as e:
        refusal = absent(e, application_id)
        raise (refused if refusal.status == 404 else refusal) from None
    if view.state != Stage.publicized:
        raise refused


async def store_objection_evidence(ctx: Context, application_id: str, file: Upload) -> MaterialUploaded:
    """An image for an objection, while the application is under notice (no account needed)."""
    await under_notice(ctx, application_id)
    data, content_type = await _typed(file, ctx.settings.materials.objection_evidence_max_bytes, IMAGES)
    return await _keep(ctx, file, data, content_type, public_uploader(application_id), OBJECTION_EVIDENCE)


async def application_materials(ctx: Context, actor: Actor, application_id: str) -> ApplicationMaterials:
    view = await fetch_view(ctx, application_id, actor)
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


@dataclass(frozen=True)
class MaterialFile:
    """One of an application's files, as submitted: its bytes and the headers it is served with."""

    data: bytes
    content_type: str
    headers: dict[str, str]


async def material_file(ctx: Context, actor: Actor, application_id: str, material_id: str) -> MaterialFile:
    view = await fetch_view(ctx, application_id, actor)
    found = next((m for a in reversed(view.acts) for m in a.materials if m.material_id == material_id), None)
    if found is None:
        raise Refusal(404, MATERIAL_NOT_FOUND, material_id=material_id)
    return await served(ctx, found)


async def served(ctx: Context, found: SubmittedMaterial) -> MaterialFile:
    try:
        data = await run_in_threadpool(store_for(ctx.settings).get, found.sha256)
    except (BlobMissing, BlobCorrupt):
        raise Refusal(500, MATERIAL_UNREADABLE, sha256=found.sha256) from None
    name = download_name(found.filename, found.content_type)
    fallback = "material" + PurePosixPath(name).suffix  # for clients that do not read filename*
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    headers = {"Content-Disposition": disposition, "ETag": f'"{found.sha256}"', "X-Content-Type-Options": "nosniff"}
    return MaterialFile(data, found.content_type, headers)
