"""The declaration form (申报表): the county bureau declares an institution. The body is validated by the API's own
model and declared by the API's own route function (same checks, same Idempotency-Key semantics: the form carries a
key made when it was shown, so submitting it twice declares once)."""

import uuid

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from api.deps import SettingsDep, TemporalClient, role_in
from api.errors import Refusal
from api.routes import applications as applications_api
from state.domain import Actor, Department, Level, Role
from state.labels import choices, department_label, level_title
from web.declaration import INSTITUTION_FIELDS, body_from, validate
from web.refusals import PageRefusal, explain
from web.render import is_htmx, page
from web.routes import page_router
from web.visitors import SignedIn

router = page_router()
DECLARE = role_in(Role.county_bureau)


async def _admit(actor: Actor) -> None:
    try:
        await DECLARE(actor)
    except Refusal as refusal:
        raise PageRefusal(refusal, "不能申报") from None


def _form(request: Request, actor: Actor, status: int = 200, **context: object) -> Response:
    ctx = {
        "fields": INSTITUTION_FIELDS,
        "types": choices("InstitutionType"),
        "levels": [(lv.value, level_title(lv)) for lv in Level],
        "opinions": [(f"opinion_{d.value}", f"县区{department_label(d, Level.county)}意见") for d in Department],
        "values": {},
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
async def declaration_form(request: Request, actor: SignedIn):
    await _admit(actor)
    return _form(request, actor)


@router.post("/applications/new")
async def declare(request: Request, actor: SignedIn, client: TemporalClient, settings: SettingsDep):
    await _admit(actor)
    posted = await request.form()
    values = {k: v for k, v in posted.items() if isinstance(v, str) and k != "csrf_token"}
    key = values.get("key", "")[:128] or None
    body, errors = body_from(values, actor.county)
    declared = None
    if not errors:
        declared, errors = validate(body)
    if declared is not None:
        try:
            outcome = await applications_api.declare(declared, actor, client, settings, Response(), key)
        except Refusal as refusal:
            explained = explain(refusal)
            errors = explained.fields
            return _form(request, actor, refusal.status, values=values, errors=errors, explained=explained, key=key)
        target = f"/applications/{outcome.id}?done=declare"
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    return _form(request, actor, 422, values=values, errors=errors, key=key)
