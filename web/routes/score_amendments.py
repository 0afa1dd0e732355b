"""修改评分 from the application's page: the form's marks and reason become the API's body (api/routes/
score_amendments.py validates it and performs the act), and the page says how it went, in Chinese."""

from typing import Any

from fastapi import Request
from pydantic import ValidationError
from starlette.responses import Response

from api.deps import SettingsDep, TemporalClient
from api.routes.score_amendments import ScoreAmendmentCreate, amend_scores
from services.refusals import Refusal
from web.forms import field_errors
from web.page_calls import posted
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
async def amend(
    request: Request, application_id: str, actor: SignedIn, client: TemporalClient, settings: SettingsDep
) -> Response:
    view = await visible_view(client, application_id, actor)
    values = posted(await request.form())
    body, errors = body_of(values)
    if body is None:
        return again(request, view, actor, FORM, None, errors, values)
    try:
        await amend_scores(application_id, body, actor, client, settings)
    except Refusal as refusal:
        return again(request, await visible_view(client, application_id, actor), actor, FORM, refusal, {}, values)
    return back(request, f"/applications/{application_id}?done=amend_score")
