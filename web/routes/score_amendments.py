"""修改评分 from the application's page: the form's marks and reason, validated by the API's own body model, go to
services.acts.amend_score, and the page says how it went, in Chinese."""

from typing import Any

from fastapi import Request
from pydantic import ValidationError
from starlette.responses import Response

from schemas.applications import ScoreAmendmentCreate
from services import acts
from services.refusals import Refusal
from web.forms import field_errors
from web.page_context import PageContext
from web.routes import page_router
from web.routes.acts import again, back
from web.routes.applications import visible_view
from web.visitors import SignedIn

router = page_router()
FORM = "score-amendment"
PARTS = ("written", "defence", "field_inspection")


def body_of(values: dict[str, str]) -> tuple[ScoreAmendmentCreate | None, dict[str, str]]:
    """The API's body from the form: each mark a number or left empty (not scored), then the API's own model."""
    marks: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for part in PARTS:
        text = values.get(part, "")
        if not text:
            continue
        try:
            marks[part] = float(text)
        except ValueError:
            errors[part] = "应填写数字"
    if errors:
        return None, errors
    data = {"scores": marks, "reason": values.get("reason", ""), "opinion": values.get("opinion", "")}
    try:
        return ScoreAmendmentCreate.model_validate(data), {}
    except ValidationError as e:
        return None, field_errors(e)


@router.post("/applications/{application_id}/scores/amendments")
async def amend(request: Request, application_id: str, actor: SignedIn, ctx: PageContext) -> Response:
    view = await visible_view(ctx, application_id, actor)
    form = await request.form()
    values = {k: v.strip() for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    body, errors = body_of(values)
    if body is None:
        return again(request, view, actor, FORM, None, errors, values)
    try:
        marks = body.scores
        await acts.amend_score(
            ctx, actor, application_id, body.reason, body.opinion, marks.written, marks.defence, marks.field_inspection
        )
    except Refusal as refusal:
        return again(request, await visible_view(ctx, application_id, actor), actor, FORM, refusal, {}, values)
    return back(request, f"/applications/{application_id}?done=amend_score")
