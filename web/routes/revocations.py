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


BASES = {SubjectKind.application: "/applications", SubjectKind.historic: "/historic-titles"}


async def _proposal_page(
    request: Request, ctx: PageContext, actor: SignedIn, kind: SubjectKind, subject_id: str, **more: object
) -> Response:
    try:
        proposal = await revocations.of_subject(ctx, actor, kind, subject_id)
    except Refusal as refusal:
        raise PageRefusal(refusal) from None
    may_sign = actor.role == Role.department and proposal.state == "pending" and actor.department in proposal.awaiting
    base = f"{BASES[kind]}/{subject_id}"
    back_to = base if kind == SubjectKind.application else ""  # a historic title has no page of its own
    context = {"proposal": proposal, "base": base, "back_to": back_to, "may_sign": may_sign, **more}
    return page(request, "revocation.html", context, status=422 if more.get("errors") else 200)


async def _shown(request: Request, ctx: PageContext, actor: SignedIn, kind: SubjectKind, subject_id: str) -> Response:
    done = request.query_params.get("done", "")
    return await _proposal_page(request, ctx, actor, kind, subject_id, done=DONE.get(done, ""))


async def _co_sign(request: Request, ctx: PageContext, actor: SignedIn, kind: SubjectKind, subject_id: str) -> Response:
    values = posted(await request.form())
    try:
        body = RevocationSignCreate.model_validate(
            {"decision": values.get("decision"), "reason": values.get("reason", "")}
        )
    except ValidationError as e:
        return await _proposal_page(request, ctx, actor, kind, subject_id, errors=field_errors(e), values=values)
    try:
        await revocations.co_sign(ctx, actor, kind, subject_id, body.decision == "sign", body.reason)
    except Refusal as refusal:
        explained = explain(refusal)
        return await _proposal_page(
            request, ctx, actor, kind, subject_id, explained=explained, errors=explained.fields, values=values
        )
    return back(request, f"{BASES[kind]}/{subject_id}/revocation?done={body.decision}")


@router.get("/applications/{application_id}/revocation")
async def proposal(request: Request, application_id: str, actor: SignedIn, ctx: PageContext) -> Response:
    return await _shown(request, ctx, actor, SubjectKind.application, application_id)


@router.post("/applications/{application_id}/revocation/co-signatures")
async def co_sign(request: Request, application_id: str, actor: SignedIn, ctx: PageContext) -> Response:
    return await _co_sign(request, ctx, actor, SubjectKind.application, application_id)


@router.get("/historic-titles/{title_id}/revocation")
async def historic_proposal(request: Request, title_id: str, actor: SignedIn, ctx: PageContext) -> Response:
    return await _shown(request, ctx, actor, SubjectKind.historic, title_id)


@router.post("/historic-titles/{title_id}/revocation/co-signatures")
async def historic_co_sign(request: Request, title_id: str, actor: SignedIn, ctx: PageContext) -> Response:
    return await _co_sign(request, ctx, actor, SubjectKind.historic, title_id)
