"""县区部门意见 (会商) from the application's page: the county DRC's or civil affairs' choice and words, validated by
the API's own body model, go to services.acts.give_department_opinion, and the page says how it went, in Chinese."""

from fastapi import Request
from pydantic import ValidationError
from starlette.responses import Response

from schemas.opinions import DepartmentOpinionCreate
from services import acts
from services.refusals import Refusal
from web.forms import field_errors
from web.page_context import PageContext
from web.routes import page_router
from web.routes.acts import again, back
from web.routes.applications import visible_view
from web.visitors import SignedIn

router = page_router()
FORM = "department-opinion"


@router.post("/applications/{application_id}/department-opinions")
async def give(request: Request, application_id: str, actor: SignedIn, ctx: PageContext) -> Response:
    view = await visible_view(ctx, application_id, actor)
    form = await request.form()
    values = {k: v.strip() for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        body = DepartmentOpinionCreate.model_validate(
            {"opinion": values.get("opinion", ""), "text": values.get("text", "")}
        )
    except ValidationError as e:
        return again(request, view, actor, FORM, None, field_errors(e), values)
    try:
        await acts.give_department_opinion(ctx, actor, application_id, body.opinion, body.text)
    except Refusal as refusal:
        return again(request, await visible_view(ctx, application_id, actor), actor, FORM, refusal, {}, values)
    return back(request, f"/applications/{application_id}?done=department_opinion")
