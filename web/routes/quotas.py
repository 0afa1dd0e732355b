"""名额与评定周期 (/quotas): the periods, a period's city and county quotas with their live usage, and for the
admin: defining a period, setting the city's and the counties' quotas, releasing a revoked title's place (with a
reason; the places released shown apart, 已释放名额), and apportioning the county-level quota
across counties (largest remainder, the working shown) and adopting the split. Every read and change is the
service the API calls too (services/quotas.py), so every change goes through its workflow and is recorded."""

import re
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from db.rounds import QuotaChange
from schemas.rounds import (
    PERIOD_ID_PATTERN,
    ApportionmentAdopt,
    ApportionmentRequest,
    PeriodCreate,
    PlaceReleaseCreate,
    PlaceReleasePublic,
    QuotaCreate,
    QuotaPublic,
)
from services import quotas as quota_service
from services.context import Context
from services.refusals import Refusal, not_found
from services.roles import READERS
from state.domain import COUNTIES, Actor, Level, Role
from web.context import context_of
from web.page_calls import admit, body_of, posted, said
from web.refusals import Explained, PageRefusal
from web.render import page
from web.routes import page_router
from web.visitors import SignedIn

router = page_router()
QUOTA_READERS = (*READERS, Role.admin)  # api.routes.quotas.QuotaReader
PERIOD_ID = re.compile(PERIOD_ID_PATTERN)
DONE = {
    "period": "评定周期已设定",
    "city": "市级名额已设定",
    "county": "县级名额已设定",
    "adopted": "已采纳县级名额分配方案",
    "release": "名额已释放",
}


async def _quota(ctx: Context, period_id: str, level: Level, actor: Actor) -> QuotaPublic | None:
    try:
        return await quota_service.get_quota(actor, ctx, period_id, level)
    except Refusal:
        return None  # not set yet


async def quotas_page(
    request: Request,
    actor: Actor,
    period: str = "",
    status: int = 200,
    **context: Any,
) -> Response:
    ctx = context_of(request)
    periods = await quota_service.list_periods(ctx)
    ids = [p["id"] for p in periods]
    selected = period if period in ids else (ids[-1] if ids else "")
    city = county = None
    changes: list[QuotaChange] = []
    releases: list[PlaceReleasePublic] = []
    releasable: list[tuple[str, str]] = []
    if selected:
        city = await _quota(ctx, selected, Level.city, actor)
        county = await _quota(ctx, selected, Level.county, actor)
        releases = await run_in_threadpool(quota_service.released_places, actor, ctx, selected)
        if actor.role == Role.admin:
            changes = await run_in_threadpool(quota_service.changes, ctx, selected)
            releasable = await run_in_threadpool(quota_service.releasable, ctx, selected)
    shown = {
        "periods": periods,
        "selected": selected,
        "city": city,
        "county": county,
        "changes": changes,
        "releases": releases,
        "releasable": releasable,
        "admin": actor.role == Role.admin,
        "counties": COUNTIES,
        "failed": "",
        "errors": {},
        "values": {},
        "explained": None,
        "preview": None,
        "done_text": DONE.get(str(context.pop("done", "")), ""),
        **context,
    }
    return page(request, "quotas.html", shown, status)


@router.get("/quotas")
async def quotas(request: Request, actor: SignedIn, period: str = "", done: str = "") -> Response:
    await admit(actor, *QUOTA_READERS)
    return await quotas_page(request, actor, period, done=done)


def _back(period_id: str, done: str) -> Response:
    return RedirectResponse(f"/quotas?period={quote(period_id)}&done={done}#{done}", status_code=303)


async def _refused_or_back(
    request: Request,
    actor: Actor,
    form: str,
    period_id: str,
    values: dict[str, str],
    errors: dict[str, str],
    call: Any,
    **context: Any,
) -> Response:
    """Perform ``call`` (the service's) unless the form is already wrong; the page again with the refusal."""
    explained: Explained | None = None
    if call is not None and not errors:
        try:
            await call
        except Refusal as refusal:
            explained = said(refusal)
            errors = {**explained.fields, **errors}
        else:
            return _back(period_id, form)
    elif call is not None:
        call.close()  # never awaited: the form was wrong
    status = explained.status if explained else 422
    return await quotas_page(
        request,
        actor,
        period_id,
        status,
        failed=form,
        values=values,
        errors=errors,
        explained=explained,
        **context,
    )


def _period_id(period_id: str) -> str:
    if not PERIOD_ID.match(period_id):
        raise PageRefusal(not_found(period_id))
    return period_id


@router.post("/periods")
async def define_period(request: Request, actor: SignedIn) -> Response:
    await admit(actor, Role.admin)
    values = posted(await request.form())
    period_id = values.get("period_id", "")
    data = {k: values.get(k, "") for k in ("name", "start_year", "end_year", "reason")}
    body, errors = body_of(PeriodCreate, data)
    if not PERIOD_ID.match(period_id):
        errors["period_id"] = "周期编号为1至40个字母、数字、汉字或 - _"
    call = (
        quota_service.define_period(
            actor, context_of(request), period_id, body.name, body.start_year, body.end_year, body.reason
        )
        if body is not None
        else None
    )
    return await _refused_or_back(request, actor, "period", period_id, values, errors, call)


def _places(raw: str) -> tuple[int | None, str]:
    try:
        number = float(raw)
    except ValueError:
        return None, "应填写数字"
    if number != int(number):
        return None, "名额应为整数"
    if number < 0:
        return None, "不能小于0"
    return int(number), ""


@router.post("/quotas/{period_id}/releases")  # before /quotas/{period_id}/{level}, which would take its path
async def release_place(request: Request, period_id: str, actor: SignedIn) -> Response:
    await admit(actor, Role.admin)
    _period_id(period_id)
    values = posted(await request.form())
    body, errors = body_of(
        PlaceReleaseCreate, {"application_id": values.get("application_id", ""), "reason": values.get("reason", "")}
    )
    call = (
        quota_service.release_place(actor, context_of(request), period_id, body.application_id, body.reason)
        if body is not None
        else None
    )
    return await _refused_or_back(request, actor, "release", period_id, values, errors, call)


@router.post("/quotas/{period_id}/{level}")
async def set_quota(request: Request, period_id: str, level: str, actor: SignedIn) -> Response:
    await admit(actor, Role.admin)
    _period_id(period_id)
    if level not in ("city", "county"):
        raise PageRefusal(not_found(level))
    values = posted(await request.form())
    errors: dict[str, str] = {}
    totals: dict[str, int] = {}
    names = ["city"] if level == "city" else [c for c in COUNTIES if values.get(f"county_{c}")]
    for name in names:
        field = "total" if level == "city" else f"county_{name}"
        number, problem = _places(values.get(field, ""))
        if problem:
            errors[field] = problem
        elif number is not None:
            totals[name] = number
    if level == "county" and not names:
        errors["form"] = "至少填写一个县区的名额"
    body: QuotaCreate | None = None
    if not errors:
        body, found = body_of(QuotaCreate, {"totals": totals, "reason": values.get("reason", "")})
        errors = {("total" if k == "city" else f"county_{k}" if k in COUNTIES else k): v for k, v in found.items()}
    call = (
        quota_service.set_quota(actor, context_of(request), period_id, Level(level), body.totals, body.reason)
        if body is not None
        else None
    )
    return await _refused_or_back(request, actor, level, period_id, values, errors, call)


def _figures(values: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The apportionment's body from the form: the counties with figures given, each checked as a number."""
    errors: dict[str, str] = {}
    counties = []
    for c in COUNTIES:
        pop, perf = values.get(f"pop_{c}", ""), values.get(f"perf_{c}", "")
        if not pop and not perf:
            continue
        row: dict[str, Any] = {"county": c}
        for key, raw, name in ((f"pop_{c}", pop, "population"), (f"perf_{c}", perf, "performance")):
            try:
                row[name] = float(raw)
            except ValueError:
                errors[key] = "应填写数字" if raw else "此项必填"
            else:
                if row[name] < 0:
                    errors[key] = "不能小于0"
        counties.append(row)
    data: dict[str, Any] = {"counties": counties}
    for key in ("total", "weight_population", "weight_performance"):
        raw = values.get(key, "")
        try:
            data[key] = float(raw) if key != "total" or "." in raw else int(raw)
        except ValueError:
            errors[key] = "应填写数字" if raw else "此项必填"
    if not counties:
        errors["counties"] = "至少填写一个县区的常住人口和绩效指数"
    adjustments = {}
    for c in COUNTIES:
        raw = values.get(f"adjust_{c}", "")
        if raw:
            number, problem = _places(raw)
            if problem:
                errors[f"adjust_{c}"] = problem
            else:
                adjustments[c] = number
    return {**data, "adjustments": adjustments, "reason": values.get("reason", "")}, errors


@router.post("/quotas/{period_id}/county/apportionment")
async def apportion(request: Request, period_id: str, actor: SignedIn) -> Response:
    await admit(actor, Role.admin)
    _period_id(period_id)
    values = posted(await request.form())
    data, errors = _figures(values)
    adopt = values.get("action") == "adopt"
    preview = None
    explained: Explained | None = None
    if not errors:
        asked = {k: v for k, v in data.items() if k not in ("adjustments", "reason")}
        request_body, errors = body_of(ApportionmentRequest, asked)
        if request_body is not None:
            try:  # the working is shown with every answer, the adoption's refusal too
                preview = quota_service.preview(request_body)
            except Refusal as refusal:
                explained = said(refusal)
    if adopt and preview is not None:
        adopt_body, errors = body_of(ApportionmentAdopt, data)
        call = (
            quota_service.adopt(actor, context_of(request), period_id, adopt_body) if adopt_body is not None else None
        )
        return await _refused_or_back(request, actor, "adopted", period_id, values, errors, call, preview=preview)
    status = explained.status if explained else (422 if errors else 200)
    return await quotas_page(
        request,
        actor,
        period_id,
        status,
        failed="apportionment",
        values=values,
        errors=errors,
        explained=explained,
        preview=preview,
    )
