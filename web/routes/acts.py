"""Performing an act from an application's page: the form's text becomes the API's body, the act's service does the
rest (admission, the workflow's update, the refusals; services/acts.py), and the page says how it went, in the
refusal's own Chinese words."""

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from contracts.application import ApplicationView
from contracts.rules.applications import NO_ACT_FORM
from services import materials
from services.context import Context
from services.refusals import Refusal
from state.domain import Actor
from web.act_forms import BY_NAME
from web.forms import field_errors
from web.page_context import PageContext
from web.page_router import page_router
from web.refusals import PageRefusal, explain
from web.render import is_htmx
from web.routes.applications import detail_page, visible_view
from web.visitors import SignedIn

router = page_router()
FILES = "files"


async def evidence_uploads(request: Request, posted: FormData, actor: Actor, ctx: Context) -> list[str]:
    """Each file chosen, stored as POST /materials stores it (typed by its bytes); their ids for the act's body.
    A refused file is refused beside the form's file field, in Chinese, with its name."""
    ids: list[str] = []
    for f in posted.getlist(FILES):
        if not isinstance(f, UploadFile) or not f.filename:
            continue
        try:
            ids.append((await materials.store_upload(ctx, actor, f, request.app.state.limits)).id)
        except Refusal as refusal:
            said = f"{refusal.message}（{f.filename}）"
            raise Refusal(refusal.status, said, field=FILES, rule=refusal.extra.get("rule")) from None
    return ids


def again(
    request: Request,
    view: ApplicationView,
    actor: Actor,
    failed: str,
    refusal: Refusal | None,
    errors: dict[str, str],
    values: dict[str, str],
    field: Callable[[str], str] = str,
) -> Response:
    """The application's page again after a form that did not go through: the API's refusal explained in Chinese,
    its fields' errors (named as the form names them, by ``field``) beside the form's own; 422 when the form itself
    was wrong."""
    explained = explain(refusal) if refusal else None
    if explained:
        errors = {**{field(k): v for k, v in explained.fields.items()}, **errors}
    status = refusal.status if refusal else 422
    return detail_page(
        request, view, actor, status=status, failed=failed, explained=explained, errors=errors, values=values
    )


def back(request: Request, target: str) -> Response:
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.post("/applications/{application_id}/acts/{form_name}")
async def perform_act(
    request: Request,
    application_id: str,
    form_name: str,
    actor: SignedIn,
    ctx: PageContext,
) -> Response:
    form = BY_NAME.get(form_name)
    if form is None:
        raise PageRefusal(Refusal(404, NO_ACT_FORM))
    posted = await request.form()
    values = {k: v for k, v in posted.items() if isinstance(v, str) and k != "csrf_token"}
    for name in form.lists:  # every box ticked, not the last one only
        values[name] = "\n".join(v for v in posted.getlist(name) if isinstance(v, str))
    data, errors = form.body(values)
    refusal: Refusal | None = None
    body = None
    if not errors:
        try:
            body = form.model.model_validate(data)
        except ValidationError as e:
            errors = field_errors(e)
    if body is not None:
        try:
            form.admit(actor)
            if FILES in form.model.model_fields:  # the revocation's evidence files, stored as POST /materials does
                body = body.model_copy(update={FILES: await evidence_uploads(request, posted, actor, ctx)})
            await form.call(ctx, actor, application_id, body, values)
        except Refusal as r:
            refusal = r
        else:
            return back(request, f"/applications/{application_id}?done={form.done(body).value}")
    view = await visible_view(ctx, application_id, actor)
    return again(request, view, actor, form.name, refusal, errors, values)
