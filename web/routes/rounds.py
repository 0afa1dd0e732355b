"""评定批次: the rounds a user may see and opening one (/rounds); one round (/rounds/{id}) with its declaration
window, its candidates, the scoring sheet for reviewers, the ranking within the remaining quota, and the review's
closure (selection). Every read and act is the service the API calls too (services/rounds.py, services/quotas.py),
so what the pages allow is what the API allows, and a refusal shows its rule's Chinese words. The candidates, their
views and the score act are still the applications area's API functions (api.access, api.routes.applications)
until that area's services land."""

import asyncio
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from contracts.rounds import PanelView, RankingTable, RoundPhase, RoundWindow
from contracts.rules.administration import ROUND_NOT_FOUND
from db.queries.workbench import Filters
from schemas.fields import ID_PATTERN
from schemas.rounds import ROUND_ID_PATTERN, CloseReviewCreate, RecusalCreate, RoundCreate, ScoreCreate
from services import acts, applications, panel, present, quotas, review_summary, rounds
from services.access import fetch_view
from services.context import Context
from services.pdf import PDF
from services.refusals import Refusal, not_found
from services.roles import LEVEL_OWNERS, READERS
from state.domain import Act, Actor, Level, Role, Stage
from state.labels import SCORE_PARTS
from state.ranking import METHODS
from web.context import context_of
from web.forms import field_errors
from web.page_calls import admit, body_of, posted, said
from web.refusals import Explained, PageRefusal
from web.render import page
from web.routes import page_router
from web.visitors import SignedIn

router = page_router()
OWNERS = LEVEL_OWNERS
ROUND_ID = re.compile(ROUND_ID_PATTERN)
LOCAL_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")  # <input type=datetime-local>, Asia/Shanghai
SCOREABLE = (Stage.declared, Stage.county_reviewed)
DONE = {
    "opened": "批次已创建",
    "score": "评分已提交",
    "closed": "评审已结束，已按得分择优确定拟评定名单",
    "recused": "回避申请已记录",
}
OCCASION_DAYS = ("defence_on", "inspected_on")


def _admit_reader(actor: Actor) -> None:
    """The service's own check (services.rounds.admit_reader): its 403, said as a page."""
    if refused := rounds.not_a_round_reader(actor):
        raise PageRefusal(refused)


def _back(target: str) -> Response:
    return RedirectResponse(target, status_code=303)


# ---- the list and opening a round --------------------------------------------------------------------------


async def _list_page(request: Request, actor: Actor, status: int = 200, **context: Any) -> Response:
    ctx = context_of(request)
    rows = await rounds.list_rounds(actor, ctx)
    periods = await quotas.list_periods(ctx) if actor.role in OWNERS else []
    level = Level.county if actor.role == Role.county_bureau else Level.city
    values = {"level": level.value, "weight_written": "50", "weight_defence": "30", "weight_field_inspection": "20"}
    eligible = await panel.eligible_users(ctx, level, actor.county) if actor.role in OWNERS else []
    shown = {
        "panel_users": [
            {"id": u.id, "name": u.name, "unit": panel.unit(u.role, u.department, u.county, level)} for u in eligible
        ],
        "panel_chosen": [],
        "rounds": rows,
        "periods": periods,
        "may_open": actor.role in OWNERS,
        "values": values,
        "errors": {},
        "explained": None,
        "parts": SCORE_PARTS,
        **context,
    }
    return page(request, "rounds.html", shown, status)


@router.get("/rounds")
async def rounds_list(request: Request, actor: SignedIn) -> Response:
    _admit_reader(actor)
    return await _list_page(request, actor)


def _moment(text: str) -> str:
    """2027-03-01T09:00 (as typed, Shanghai time) -> 2027-03-01T09:00:00+08:00, the API's form."""
    return f"{text}:00+08:00" if LOCAL_MOMENT.match(text) else text


def share(text: str) -> float:
    """A weight typed as a percentage (40, 40%, ４０％) -> the API's decimal (0.4), exact as typed; ValueError if it
    is no number."""
    cleaned = text.strip().rstrip("%％").strip().translate(FULL_WIDTH)
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return float(number / 100)


FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
WEIGHT_WORDS = (("之和须为1", "之和须为100%"),)


def percent_words(explained: Explained) -> Explained:
    """The API's words on the weights (之和须为1) said as the form asks for them, in percent."""
    for old, new in WEIGHT_WORDS:
        explained.lines = [line.replace(old, new) for line in explained.lines]
        explained.fields = {k: v.replace(old, new) for k, v in explained.fields.items()}
    return explained


def _plan_body(values: dict[str, str], members: list[str] | None = None) -> tuple[RoundCreate | None, dict[str, str]]:
    errors: dict[str, str] = {}
    weights: dict[str, float] = {}
    for method in METHODS:
        raw = values.get(f"weight_{method}", "")
        if raw:
            try:
                weights[method] = share(raw)
            except ValueError:
                errors[f"weight_{method}"] = "应填写数字（百分比）"
    data: dict[str, Any] = {
        "round_id": values.get("round_id", ""),
        "name": values.get("name", ""),
        "level": values.get("level", ""),
        "period_id": values.get("period_id", ""),
        "opens_at": _moment(values.get("opens_at", "")),
        "closes_at": _moment(values.get("closes_at", "")),
        "weights": weights,
        "panel": members or [],
    }
    if values.get("panel_min"):
        data["panel_min"] = values["panel_min"]
    if errors:
        return None, errors
    try:
        return RoundCreate.model_validate(data), {}
    except ValidationError as e:
        found = field_errors(e)
        if "weights" in found or any(k in METHODS for k in found):
            found = {k: v for k, v in found.items() if k not in METHODS} | {"weights": "权重应在0%至100%之间"}
        return None, found


@router.post("/rounds")
async def open_round(request: Request, actor: SignedIn) -> Response:
    await admit(actor, *OWNERS)
    form = await request.form()
    values = posted(form)
    members = [str(m) for m in form.getlist("panel")]
    body, errors = _plan_body(values, members)
    explained: Explained | None = None
    if body is not None:
        try:
            await rounds.create_round(actor, context_of(request), body)
        except Refusal as refusal:
            explained = percent_words(said(refusal))
            errors = {**explained.fields, **errors}
        else:
            return _back(f"/rounds/{body.round_id}?done=opened")
    status = explained.status if explained else 422
    return await _list_page(
        request, actor, status, values=values, errors=errors, explained=explained, failed="open", panel_chosen=members
    )


# ---- one round ---------------------------------------------------------------------------------------------


async def _panel(ctx: Context, round_id: str) -> PanelView | None:
    try:
        return await panel.panel_of(ctx, round_id)
    except Refusal as refused:
        if refused.status >= 500:  # Temporal unavailable: said at once, not waited for again by the next call
            raise PageRefusal(refused) from None
        return None


def _member(found: PanelView | None, actor: Actor) -> bool:
    return found is not None and actor.user_id in {m.user_id for m in found.members}


async def _window(actor: Actor, round_id: str, ctx: Context, found: PanelView | None = None) -> RoundWindow:
    """The round for its readers, and for its panel's members (a department's among them reads no other round)."""
    if not ROUND_ID.match(round_id):
        raise PageRefusal(Refusal(404, ROUND_NOT_FOUND, round_id=round_id))
    if not _member(found, actor):
        _admit_reader(actor)
    try:
        if _member(found, actor):
            return await rounds.window(ctx.client, round_id)
        return await rounds.get_round(actor, ctx, round_id)
    except Refusal as refusal:
        raise PageRefusal(refusal) from None


async def _sheet(ctx: Context, application_id: str, actor: Actor, found: PanelView | None) -> dict[str, Any]:
    """Whether the machine lets this user score the candidate now, and their last sheet. In a panel's round only
    its members score (whatever their role), not a candidate they recused from."""
    try:
        view = await fetch_view(ctx, application_id, actor)
    except Refusal:
        return {"may_score": False, "mine": None, "my_sheets": []}
    if found is not None and found.members:
        recused = any(x.member_id == actor.user_id and x.application_id == application_id for x in found.recusals)
        allowed = [] if recused or not _member(found, actor) else view.allowed_acts
    else:
        allowed = present.detail(view, actor).allowed_acts
    mine = [s for s in view.scores if s.reviewer.user_id == actor.user_id]
    # A reviewer scores a candidate once (workflows/application_rules.py _check_score): no form after that.
    return {"may_score": Act.score in allowed and not mine, "mine": mine[-1] if mine else None, "my_sheets": mine}


async def round_page(
    request: Request,
    round_id: str,
    actor: Actor,
    status: int = 200,
    **context: Any,
) -> Response:
    ctx = context_of(request)
    sitting = await _panel(ctx, round_id) if ROUND_ID.match(round_id) else None
    window = await _window(actor, round_id, ctx, sitting)
    member = _member(sitting, actor)
    record, period_name = await run_in_threadpool(rounds.record, ctx, round_id)
    weights: dict[str, float] = dict(record.weights) if record else {}
    candidates = []
    if actor.role in READERS or member:
        wanted = Filters(round_id=round_id)
        found = await run_in_threadpool(applications.list_applications, ctx, actor, wanted, 200, 0)
        listed = found.items
        sheets = await asyncio.gather(
            *(_sheet(ctx, c.id, actor, sitting) if actor.role in OWNERS or member else _no_sheet() for c in listed)
        )
        candidates = [{"row": c, **sheet} for c, sheet in zip(listed, sheets, strict=True)]
    ranking = None
    if actor.role in rounds.RANKING_READERS:
        try:
            ranking = await rounds.ranking(actor, ctx, round_id)
        except Refusal:
            ranking = None
    table = ranking if ranking is not None else (await rounds.ranking_table(ctx, round_id) if member else None)
    remaining = quota_total = None
    if record is not None:
        try:
            quota = await quotas.get_quota(actor, ctx, record.period_id, window.level)
        except Refusal:
            quota = None
        scope = "city" if window.level == Level.city else (window.owner_county or "")
        if quota is not None and scope in quota.totals:
            quota_total, remaining = quota.totals[scope], quota.remaining.get(scope, 0)
    shown = {
        "window": window,
        "record": record,
        "period_name": period_name,
        "weights": weights,
        "parts": SCORE_PARTS,
        "candidates": candidates,
        "scoreable": SCOREABLE,
        "reader": actor.role in READERS or member,
        "panel": _panel_shown(sitting, table, window.level),
        "member": member,
        "ranking": ranking,
        "quota_total": quota_total,
        "remaining": remaining,
        "may_close": window.phase == RoundPhase.reviewing
        and rounds.not_the_owner(actor, window.level, window.owner_county) is None,
        "done_text": DONE.get(str(context.pop("done", "")), ""),
        "failed": "",
        "errors": {},
        "values": {},
        "explained": None,
        **context,
    }
    return page(request, "round.html", shown, status)


def _panel_shown(found: PanelView | None, table: RankingTable | None, level: Level) -> dict[str, Any] | None:
    """The panel as the round page shows it: each member with their unit and progress (candidates scored of those
    they owe), the recusals and the missing scores (缺评), by names."""
    if found is None or not found.members:
        return None
    rows = table.rows if table is not None else []
    names = {r.application_id: r.institution_name for r in rows}
    missing = table.missing if table is not None else []
    members = []
    for m in found.members:
        out = {x.application_id for x in found.recusals if x.member_id == m.user_id}
        owed = [r for r in rows if r.application_id not in out]
        unscored = [x for x in missing if x.member_id == m.user_id]
        members.append(
            {
                "name": m.name,
                "unit": panel.unit(m.role, m.department, m.county, level),
                "owed": len(owed),
                "scored": len(owed) - len(unscored),
                "recused": len(out),
            }
        )
    recusals = [
        {"name": x.member_name, "institution": names.get(x.application_id, ""), "reason": x.reason, "at": x.at}
        for x in found.recusals
    ]
    return {"members": members, "recusals": recusals, "missing": missing, "minimum": found.panel_min}


async def _no_sheet() -> dict[str, Any]:
    return {"may_score": False, "mine": None, "my_sheets": []}


@router.get("/rounds/{round_id}")
async def one_round(
    request: Request,
    round_id: str,
    actor: SignedIn,
    done: str = "",
) -> Response:
    return await round_page(request, round_id, actor, done=done)


@router.post("/rounds/{round_id}/scores/{application_id}")
async def score(
    request: Request,
    round_id: str,
    application_id: str,
    actor: SignedIn,
) -> Response:
    if not _member(await _panel(context_of(request), round_id), actor):
        await admit(actor, *OWNERS)
    if not re.match(ID_PATTERN, application_id):
        raise PageRefusal(not_found(application_id))
    values = posted(await request.form())
    given = {k: v for k, v in values.items() if v or k not in OCCASION_DAYS}  # an empty day is no day
    body, errors = body_of(ScoreCreate, given, numbers=METHODS)
    explained: Explained | None = None
    if body is not None:
        try:
            ctx = context_of(request)
            occasion = panel.Occasion(body.defence_on, body.defence_place, body.inspected_on, body.inspected_place)
            await acts.score(
                ctx, actor, application_id, body.opinion, body.written, body.defence, body.field_inspection, occasion
            )
        except Refusal as refusal:
            explained = said(refusal)
            errors = {**explained.fields}
        else:
            return _back(f"/rounds/{round_id}?done=score#ranking")
    status = explained.status if explained else 422
    return await round_page(
        request,
        round_id,
        actor,
        status,
        failed=application_id,
        errors=errors,
        values=values,
        explained=explained,
    )


@router.post("/rounds/{round_id}/review-closure")
async def close_review(
    request: Request,
    round_id: str,
    actor: SignedIn,
) -> Response:
    await admit(actor, *OWNERS)
    if not ROUND_ID.match(round_id):
        raise PageRefusal(Refusal(404, ROUND_NOT_FOUND, round_id=round_id))
    values = posted(await request.form())
    given = {k: v for k, v in values.items() if k in ("reason", "published_on") and v}
    body, errors = body_of(CloseReviewCreate, given)
    explained: Explained | None = None
    if body is not None:
        try:
            await rounds.close_review(actor, context_of(request), round_id, body.reason, body.published_on)
        except Refusal as refusal:
            explained = said(refusal)
        else:
            return _back(f"/rounds/{round_id}?done=closed#ranking")
    status = explained.status if explained else 422
    return await round_page(
        request,
        round_id,
        actor,
        status,
        failed="closure",
        errors=errors,
        values=values,
        explained=explained,
    )


@router.post("/rounds/{round_id}/recusals/{application_id}")
async def recuse(request: Request, round_id: str, application_id: str, actor: SignedIn) -> Response:
    """回避: a panel member leaves one candidate's review, with a reason."""
    if not ROUND_ID.match(round_id) or not re.match(ID_PATTERN, application_id):
        raise PageRefusal(Refusal(404, ROUND_NOT_FOUND, round_id=round_id))
    values = posted(await request.form())
    body, errors = body_of(RecusalCreate, {"application_id": application_id, "reason": values.get("reason", "")})
    explained: Explained | None = None
    if body is not None:
        try:
            await rounds.recuse(actor, context_of(request), round_id, application_id, body.reason)
        except Refusal as refusal:
            explained = said(refusal)
            errors = {**explained.fields}
        else:
            return _back(f"/rounds/{round_id}?done=recused#panel")
    status = explained.status if explained else 422
    return await round_page(
        request, round_id, actor, status, failed=application_id, errors=errors, values=values, explained=explained
    )


@router.get("/rounds/{round_id}/documents/review-summary.pdf")
async def review_summary_pdf(round_id: str, actor: SignedIn, request: Request) -> Response:
    """评审汇总表 (the service the API calls: its readers and the panel's members)."""
    if not ROUND_ID.match(round_id):
        raise PageRefusal(Refusal(404, ROUND_NOT_FOUND, round_id=round_id))
    try:
        pdf = await review_summary.review_summary_pdf(actor, context_of(request), round_id)
    except Refusal as refusal:
        raise PageRefusal(refusal) from None
    return Response(pdf.content, media_type=PDF, headers=pdf.headers)
