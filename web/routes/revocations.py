"""撤销 as the issuing organs' decision, on pages (services/revocations.py, as the API): the proposal's page with its
co-signatures so far, where a department of the title's level signs or declines (会签), and the public 撤销公告
(/revocations) listing every title revoked, with its 文号, date and the decision's PDF."""

from fastapi import Request
from pydantic import ValidationError
from starlette.responses import Response

from contracts.revocation import SubjectKind
from schemas.revocations import RevocationSignCreate
from services import revocations
from services.refusals import Refusal
from state.domain import Role
from web.forms import field_errors
from web.page_calls import posted
from web.page_context import PageContext
from web.refusals import PageRefusal, explain
from web.render import page
from web.routes import page_router
from web.routes.acts import back
from web.visitors import SignedIn

router = page_router()
DONE = {"sign": "同意撤销", "decline": "不同意撤销"}


@router.get("/revocations")
async def public_list(request: Request, ctx: PageContext) -> Response:
    return page(request, "revocations.html", {"items": await revocations.public_list(ctx)})


async def _proposal_page(
    request: Request, ctx: PageContext, actor: SignedIn, application_id: str, **more: object
) -> Response:
    try:
        proposal = await revocations.of_subject(ctx, actor, SubjectKind.application, application_id)
    except Refusal as refusal:
        raise PageRefusal(refusal) from None
    may_sign = actor.role == Role.department and proposal.state == "pending" and actor.department in proposal.awaiting
    context = {"proposal": proposal, "application_id": application_id, "may_sign": may_sign, **more}
    return page(request, "revocation.html", context, status=422 if more.get("errors") else 200)


@router.get("/applications/{application_id}/revocation")
async def proposal(request: Request, application_id: str, actor: SignedIn, ctx: PageContext) -> Response:
    done = request.query_params.get("done", "")
    return await _proposal_page(request, ctx, actor, application_id, done=DONE.get(done, ""))


@router.post("/applications/{application_id}/revocation/co-signatures")
async def co_sign(request: Request, application_id: str, actor: SignedIn, ctx: PageContext) -> Response:
    values = posted(await request.form())
    try:
        body = RevocationSignCreate.model_validate(
            {"decision": values.get("decision"), "reason": values.get("reason", "")}
        )
    except ValidationError as e:
        errors = field_errors(e)
        return await _proposal_page(request, ctx, actor, application_id, errors=errors, values=values)
    try:
        await revocations.co_sign(
            ctx, actor, SubjectKind.application, application_id, body.decision == "sign", body.reason
        )
    except Refusal as refusal:
        explained = explain(refusal)
        return await _proposal_page(
            request, ctx, actor, application_id, explained=explained, errors=explained.fields, values=values
        )
    return back(request, f"/applications/{application_id}/revocation?done={body.decision}")
