"""The declaration form (申报表): the county bureau declares an institution. The body is validated by the API's own
model and declared by the API's own route function (same checks, same Idempotency-Key semantics: the form carries a
key made when it was shown, so submitting it twice declares once)."""

import uuid
from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile
from starlette.responses import Response

from api.deps import SettingsDep, TemporalClient, Today, role_in
from api.errors import Refusal
from api.routes import applications as applications_api
from api.routes import materials as materials_api
from api.submission import checklists, condition_book
from config import Settings
from state.domain import Actor, Department, InstitutionType, Level, Role
from state.labels import choices, department_label, level_title
from web.declaration import INSTITUTION_FIELDS, body_from, validate
from web.refusals import PageRefusal, explain
from web.render import is_htmx, page
from web.routes import page_router
from web.visitors import SignedIn

router = page_router()
ATTEST, FILE = "attest__", "file__"  # form field prefixes: a condition's statement, a checklist item's file
DECLARE = role_in(Role.county_bureau)


async def _admit(actor: Actor) -> None:
    try:
        await DECLARE(actor)
    except Refusal as refusal:
        raise PageRefusal(refusal, "不能申报") from None


def _requirements(settings: Settings, values: Mapping[str, str], county: str | None) -> dict[str, object]:
    """The conditions to attest and the materials to attach for the type and level chosen (or, as the form's selects
    show before a choice, the first type at county level)."""
    first = next(iter(InstitutionType))
    try:
        kind = InstitutionType(values.get("type") or first.value)
        level = Level(values.get("level") or Level.county.value)
    except ValueError:
        kind, level = first, Level.county
    return {
        "conditions": condition_book(settings, county).applicable(kind, level, county),
        "checklist": checklists(settings).checklist(kind, level),
    }


def _form(request: Request, actor: Actor, status: int = 200, **context: object) -> Response:
    settings: Settings = request.app.state.settings
    chosen = {k: v for k, v in request.query_params.items() if k in ("type", "level")}  # ?type=…&level=… preselects
    values = context.get("values") or chosen
    ctx = {
        **_requirements(settings, values, actor.county),  # type: ignore[arg-type]
        "fields": INSTITUTION_FIELDS,
        "types": choices("InstitutionType"),
        "levels": [(lv.value, level_title(lv)) for lv in Level],
        "opinions": [(f"opinion_{d.value}", f"县区{department_label(d, Level.county)}意见") for d in Department],
        "values": values,
        "errors": {},
        "explained": None,
        "key": uuid.uuid4().hex,
        "actor": actor,
        **context,
    }
    if is_htmx(request):
        status = 200
    return page(request, "declare.html", ctx, status)


@router.get("/applications/new")
async def declaration_form(request: Request, actor: SignedIn) -> Response:
    await _admit(actor)
    return _form(request, actor)


@router.get("/applications/new/requirements")
async def requirements(request: Request, actor: SignedIn) -> Response:
    """The conditions and materials part of the form, redrawn when the type or level changes (htmx)."""
    await _admit(actor)
    return _form(request, actor)


async def attached(posted: Any, actor: Actor, settings: Settings) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Each chosen file uploaded as POST /materials would (typed by its bytes), and the refs the body carries."""
    refs: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    for name, value in posted.multi_items():
        if not name.startswith(FILE) or not isinstance(value, UploadFile) or not value.filename:
            continue
        try:
            uploaded = await materials_api.store_upload(value, actor, settings)
        except Refusal as refusal:
            errors[name] = refusal.message
            continue
        refs.append({"item": name[len(FILE) :], "material_id": uploaded.id})
    return refs, errors


@router.post("/applications/new")
async def declare(
    request: Request, actor: SignedIn, client: TemporalClient, settings: SettingsDep, day: Today
) -> Response:
    await _admit(actor)
    posted = await request.form()
    values = {k: v for k, v in posted.items() if isinstance(v, str) and k != "csrf_token"}
    key = values.get("key", "")[:128] or None
    body, errors = body_from(values, actor.county)
    body["institution"]["attestations"] = {
        k[len(ATTEST) :]: v.strip() for k, v in values.items() if k.startswith(ATTEST) and v.strip()
    }
    body["materials"], file_errors = await attached(posted, actor, settings)
    errors.update(file_errors)
    declared = None
    if not errors:
        declared, errors = validate(body)
    if declared is not None:
        try:
            outcome = await applications_api.declare(declared, actor, client, settings, day, Response(), key)
        except Refusal as refusal:
            explained = explain(refusal)
            errors = explained.fields
            return _form(request, actor, refusal.status, values=values, errors=errors, explained=explained, key=key)
        target = f"/applications/{outcome.id}?done=declare"
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    return _form(request, actor, 422, values=values, errors=errors, key=key)
