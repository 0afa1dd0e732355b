"""退回补正 from the application's page: the declaring county resubmits a returned declaration with amended facts
(the 申报表's text and number fields) and new files for the items to correct, by the service the API calls
(services/corrections.py); a refusal is said in its own Chinese words on the application's page. (The return itself is an act form: web/act_forms.py
county-correction, city-correction.)"""

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from pydantic import ValidationError
from starlette.responses import Response

from contracts.rules.applications import ACT_NOT_FOR_ROLE
from schemas.applications import ResubmissionCreate
from services import corrections, present
from services.refusals import Refusal
from state.domain import Act, Role
from web.declaration import AMENDABLE, number_of
from web.forms import field_errors
from web.page_context import PageContext, PageToday
from web.page_router import page_router
from web.routes.acts import again, back
from web.routes.applications import visible_view
from web.routes.declare import attached
from web.visitors import SignedIn

router = page_router()
FORM = "resubmission"
FACT = "fact__"  # the amended facts' form names: fact__<field>


def amend(institution: dict[str, Any], values: Mapping[str, str]) -> dict[str, str]:
    """The posted facts written over the declared ones; the fields whose text is not even a number."""
    errors: dict[str, str] = {}
    for f in AMENDABLE:
        if f"{FACT}{f.name}" not in values:
            continue
        raw = values[f"{FACT}{f.name}"].strip()
        if not raw and institution.get(f.name) in (None, ""):
            continue  # left empty as it was declared
        if f.type != "number":
            institution[f.name] = raw
            continue
        try:
            institution[f.name] = number_of(raw, f.name) if raw else None
        except ValueError:
            errors[f"{FACT}{f.name}"] = "应填写数字"
    return errors


@router.post("/applications/{application_id}/resubmission")
async def resubmit(
    request: Request,
    application_id: str,
    actor: SignedIn,
    ctx: PageContext,
    day: PageToday,
) -> Response:
    view = await visible_view(ctx, application_id, actor)
    posted = await request.form()
    values = {k: v for k, v in posted.items() if isinstance(v, str) and k != "csrf_token"}
    refusal: Refusal | None = None
    files = await attached(request, posted, actor, ctx)
    refs, errors = files.refs, dict(files.errors)
    body = None
    institution = present.detail(view, actor).institution.model_dump(mode="json")
    errors.update(amend(institution, values))
    if not errors:
        given = {"reason": values.get("reason", "").strip(), "institution": institution, "materials": refs}
        try:
            body = ResubmissionCreate.model_validate(given)
        except ValidationError as e:
            errors = {_fact(k): v for k, v in field_errors(e).items()}
    if body is not None:
        try:
            if actor.role != Role.county_bureau:  # the role the API's route admits, first
                raise Refusal(403, ACT_NOT_FOR_ROLE)
            await corrections.resubmit(ctx, actor, application_id, body, day)
        except Refusal as r:
            refusal = r
        else:
            return back(request, f"/applications/{application_id}?done={Act.resubmit.value}")
        view = await visible_view(ctx, application_id, actor)
    return again(request, view, actor, FORM, refusal, errors, values, field=_fact)


def _fact(name: str) -> str:
    """An error on an institution's field belongs to its amended-fact input."""
    return f"{FACT}{name}" if name in {f.name for f in AMENDABLE} else name
