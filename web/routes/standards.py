"""县区评定标准 (附件5, 因地制宜): each county's own conditions for its county-level titles. /standards lists the counties
(a county's users go straight to their own); /standards/{county} shows the conditions in force, the retired codes
and every version with who set it, when and why, and for the admin or that county's bureau the form that sets them.
Every read and change is the API's own function (api/routes/standards.py), so the change goes through the county's
CountyStandardsWorkflow and is refused exactly as the API refuses it."""

import re
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from schemas.standards import ConditionsPut
from services import standards as standards_service
from services.refusals import Refusal, not_found
from services.roles import READERS
from state.domain import COUNTIES, Actor, InstitutionType, Role
from web.context import context_of
from web.forms import message_for
from web.page_calls import admit
from web.refusals import Explained, PageRefusal, explain
from web.render import page
from web.routes import page_router
from web.visitors import SignedIn

router = page_router()
STANDARDS_READERS = (*READERS, Role.admin)  # api.routes.standards.StandardsReader
BLANK_ROWS = 3  # empty rows for new conditions under the ones in force
_API_FIELD = re.compile(r"^conditions\[(\d+)\]\.(code|text|types)$")


def may_set(actor: Actor, county: str) -> bool:
    """Whose form it is (the workflow decides again): the admin, or the county's own bureau."""
    return actor.role == Role.admin or (actor.role == Role.county_bureau and actor.county == county)


@router.get("/standards")
async def overview(request: Request, actor: SignedIn) -> Response:
    await admit(actor, *STANDARDS_READERS)
    if actor.county is not None:
        return RedirectResponse(f"/standards/{quote(actor.county)}", status_code=303)
    current = await run_in_threadpool(standards_service.overview, context_of(request))
    rows = [{"county": c, "current": current.get(c)} for c in COUNTIES]
    return page(request, "standards.html", {"rows": rows, "actor": actor})


def _county(county: str) -> str:
    if county not in COUNTIES:
        raise PageRefusal(not_found(county))
    return county


async def standards_page(
    request: Request,
    actor: Actor,
    county: str,
    status: int = 200,
    *,
    rows: list[dict[str, Any]] | None = None,
    errors: dict[str, str] | None = None,
    reason: str = "",
    explained: Explained | None = None,
    done: bool = False,
) -> Response:
    try:
        standing = await standards_service.county_conditions(actor, context_of(request), county)
    except Refusal as refusal:
        raise PageRefusal(refusal) from None
    if rows is None:
        rows = [
            {"code": c.code, "text": c.text, "types": [t.value for t in c.types], "kept": True}
            for c in standing.conditions
        ]
        rows += [{"code": "", "text": "", "types": [t.value for t in InstitutionType], "kept": False}] * BLANK_ROWS
    context = {
        "county": county,
        "standing": standing,
        "own": may_set(actor, county),
        "rows": rows,
        "types": list(InstitutionType),
        "errors": errors or {},
        "reason": reason,
        "explained": explained,
        "done": done,
        "actor": actor,
    }
    return page(request, "county_standards.html", context, status)


@router.get("/standards/{county}")
async def county_standards(request: Request, county: str, actor: SignedIn, done: str = "") -> Response:
    await admit(actor, *STANDARDS_READERS)
    return await standards_page(request, actor, _county(county), done=bool(done))


def _rows(form: Any) -> list[dict[str, Any]]:
    """The form's rows as typed, each with its index on the form; a row with neither code nor text is left out."""
    rows = []
    count = str(form.get("rows", "0"))
    for i in range(min(int(count), 200) if count.isdigit() else 0):
        code, text = str(form.get(f"code_{i}", "")).strip(), str(form.get(f"text_{i}", "")).strip()
        kept = bool(form.get(f"kept_{i}"))
        retire = bool(form.get(f"retire_{i}"))
        types = [str(t) for t in form.getlist(f"types_{i}")]
        rows.append({"index": i, "code": code, "text": text, "types": types, "kept": kept, "retire": retire})
    return rows


def _form_errors(refusal: Refusal, asked: list[dict[str, Any]]) -> dict[str, str]:
    """The API's field (``conditions[2].text``) as the form's (``text_<row>``)."""
    field = str(refusal.extra.get("field", ""))
    found = _API_FIELD.match(field)
    if not found or int(found.group(1)) >= len(asked):
        return {field: refusal.message} if field == "reason" else {}
    return {f"{found.group(2)}_{asked[int(found.group(1))]['index']}": refusal.message}


@router.post("/standards/{county}")
async def set_standards(request: Request, county: str, actor: SignedIn) -> Response:
    await admit(actor, Role.admin, Role.county_bureau)
    county = _county(county)
    form = await request.form()
    rows = _rows(form)
    reason = str(form.get("reason", "")).strip()
    asked = [r for r in rows if (r["code"] or r["text"]) and not r["retire"]]
    data = {
        "conditions": [{"code": r["code"], "text": r["text"], "types": r["types"]} for r in asked],
        "reason": reason,
    }
    errors: dict[str, str] = {}
    explained: Explained | None = None
    try:
        body = ConditionsPut.model_validate(data)
    except ValidationError as e:
        errors = {_page_field(err.get("loc", ()), asked): message_for(err) for err in reversed(e.errors())}
    else:
        try:
            await standards_service.set_county_conditions(actor, context_of(request), county, body)
        except Refusal as refusal:
            if refusal.status != 422:
                raise PageRefusal(refusal) from None
            explained = explain(refusal)
            explained.fields, explained.lines = {}, [refusal.message]  # the workflow's refusals are Chinese
            errors = _form_errors(refusal, asked)
        else:
            return RedirectResponse(f"/standards/{quote(county)}?done=1#done", status_code=303)
    return await standards_page(
        request, actor, county, 422, rows=rows, errors=errors, reason=reason, explained=explained
    )


def _page_field(loc: Any, asked: list[dict[str, Any]]) -> str:
    """A schema error's location (``("conditions", 0, "types", 0)``) as the form's field (``types_<row>``)."""
    parts = list(loc)
    if len(parts) >= 3 and parts[0] == "conditions" and isinstance(parts[1], int) and parts[1] < len(asked):
        return f"{parts[2]}_{asked[parts[1]]['index']}"
    return str(parts[0]) if parts else "form"
