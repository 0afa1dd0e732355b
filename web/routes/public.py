"""What anyone may see and do without signing in: the notice board (公示名单), objecting (提出异议) through the
same workflow update as POST /api/v1/public/applications/{id}/objections, the objector's receipt page, and the
标杆机构名录 (services/notices.py). Nothing here names an objector. Lodging an objection still goes through the API's
function, whose evidence files and limits are the materials and access areas' (api.submission, api.ratelimit)."""

import re

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response
from temporalio.client import Client

from config import Settings
from db.models import Application
from db.queries.titles import Title
from db.receipts import normal_receipt, shown
from schemas.fields import ID_PATTERN
from schemas.models import ObjectionCreate
from services import materials, notices
from services.context import Context
from services.refusals import Refusal
from state.domain import Level
from state.objector import network_of
from web.context import context_of
from web.forms import field_errors, text
from web.refusals import PageRefusal, explain
from web.render import page
from web.routes import page_router

router = page_router()
OBJECTION_FIELDS = ("name", "contact", "content")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
EVIDENCE = "evidence"  # the form's file input: images attached to the objection
NO_STORE = {"Cache-Control": "no-store"}


def _contacts(settings: Settings) -> dict[str, str]:
    n = settings.notice
    return {"phone": n.objection_phone, "email": n.objection_email, "address": n.objection_address}


def _city(city: str) -> str:
    """The city the page shows (``?city=``, default the deployment's); a name no region file defines: 404."""
    try:
        return notices.public_city(city)
    except Refusal as refusal:
        raise PageRefusal(refusal, "未找到该城市") from None


@router.get("/notices")
def notice_board(request: Request, city: str = "") -> Response:
    """One 公示 per issuing organ, each with its window and where to object; none when nothing is under notice."""
    ctx = context_of(request)
    shown = _city(city)
    groups = notices.notice_groups(ctx, shown)
    total = sum(len(g.rows) for g in groups)
    context = {"sections": groups, "total": total, "contacts": _contacts(ctx.settings), "city": shown}
    return page(request, "notices.html", context)


def _under_notice(ctx: Context, application_id: str) -> Application | None:
    """The application, if it is under notice now (else it is not public: answered like an unknown one)."""
    if not re.match(ID_PATTERN, application_id):
        return None
    return notices.one_notice(ctx, application_id)


def _notice_page(
    request: Request, row: Application, settings: Settings, status: int = 200, **context: object
) -> Response:
    ctx = {
        "row": row,
        "issuer": notices.issuer(row.level, row.county),
        "contacts": _contacts(settings),
        "values": {},
        "errors": {},
        "evidence_files": settings.materials.objection_evidence_max_files,
        "evidence_mib": f"{settings.materials.objection_evidence_max_bytes / 1024 / 1024:g}",
    }
    return page(request, "notice.html", {**ctx, **context}, status)


def _not_under_notice(request: Request) -> Response:
    lines = ["该机构不在公示期内，或公示已经结束。"]
    return page(request, "error.html", {"title": "未在公示", "lines": lines}, 404)


@router.get("/notices/{application_id}")
def one_notice(request: Request, application_id: str) -> Response:
    ctx = context_of(request)
    row = _under_notice(ctx, application_id)
    return _notice_page(request, row, ctx.settings) if row else _not_under_notice(request)


def _limit_objections(request: Request) -> None:
    """429 with Retry-After once an address has lodged too many objections in the window (the API's own limits,
    kept on the app)."""
    request.app.state.limits.objection(request.client.host if request.client else "unknown")


@router.post("/notices/{application_id}/objections")
async def lodge_objection(request: Request, application_id: str) -> Response:
    ctx = context_of(request)
    client, settings = ctx.client, ctx.settings
    row = await run_in_threadpool(_under_notice, ctx, application_id)
    if row is None:
        return _not_under_notice(request)
    form = await request.form()
    values = {k: text(form, k) for k in OBJECTION_FIELDS}
    try:
        body = ObjectionCreate.model_validate(values)
    except ValidationError as e:
        return _notice_page(request, row, settings, 422, values=values, errors=field_errors(e))
    try:
        await run_in_threadpool(_limit_objections, request)  # the same limit per address as the API's
        ids, problem = await _evidence(form, application_id, client, settings)
        if problem:
            errors = {EVIDENCE: problem}
            return _notice_page(request, row, settings, 422, values=values, errors=errors)
        network = network_of(request.client.host if request.client else "unknown")
        body = body.model_copy(update={EVIDENCE: ids})
        lodged = await notices.lodge_objection(
            ctx, application_id, body.name, body.contact, body.content, network, body.evidence
        )
    except Refusal as refusal:
        explained = explain(refusal)
        context = {"values": values, "errors": explained.fields, "explained": explained}
        return _notice_page(request, row, settings, refusal.status, **context)
    receipt = await notices.receipt_for(ctx, lodged, application_id, body.contact)
    return RedirectResponse(f"/objections/{receipt}?new=1", status_code=303, headers=NO_STORE)


def _upload_problem(name: str, refusal: Refusal) -> str:
    """An evidence file the API's upload refused, said in Chinese with the file's name."""
    if refusal.extra.get("rule") == "file_too_large":
        limit = int(refusal.extra.get("limit", 0))
        return f"{name}：文件超过 {limit / 1024 / 1024:g} MB 的上限，请压缩后重新选择"
    if refusal.extra.get("rule") == "file_type_not_accepted":
        return f"{name}：证据只接受 JPEG、PNG 图片（按文件内容判断，而非文件名）"
    said = refusal.message.split("；")[0]
    return f"{name}：{said if CHINESE.match(said) else '文件无法上传'}"


async def _evidence(form: FormData, application_id: str, client: Client, settings: Settings) -> tuple[list[str], str]:
    """The evidence images chosen, each stored as POST /public/applications/{id}/objections/evidence stores it (an
    image, told by its bytes, within its size), their ids for the objection; or what is wrong, in Chinese. A
    404 (no longer under notice) is raised as the API raises it."""
    files = [f for f in form.getlist(EVIDENCE) if isinstance(f, UploadFile) and f.filename]
    most = settings.materials.objection_evidence_max_files
    if len(files) > most:
        return [], f"最多附{most}个证据文件，本次选择了{len(files)}个"
    ids: list[str] = []
    for f in files:
        try:
            uploaded = await materials.store_objection_evidence(Context(client, settings), application_id, f)
        except Refusal as refusal:
            if refusal.status == 404:
                raise
            return [], _upload_problem(f.filename or "", refusal)
        ids.append(uploaded.id)
    return ids, ""


@router.get("/objections")
def find_objection(request: Request, receipt: str = "") -> Response:
    if receipt:
        return RedirectResponse(f"/objections/{normal_receipt(receipt) or '-'}", status_code=303)
    return page(request, "objection_lookup.html")


@router.get("/objections/{receipt}")
def objection_status(request: Request, receipt: str, new: int = 0) -> Response:
    found = notices.objection(context_of(request), receipt)
    if found is None:
        response = page(request, "objection_lookup.html", {"missing": True, "given": receipt}, 404)
    else:
        response = page(request, "objection.html", {"found": found, "shown": shown(found.receipt), "new": new})
    response.headers.update(NO_STORE)
    return response


@router.get("/titles")
def titles(request: Request, city: str = "") -> Response:
    everything = notices.titles(context_of(request), _city(city))
    sections = []
    for level in (Level.city, Level.county):
        by_county: dict[str, list[Title]] = {}
        for t in everything:
            if t.level == level:
                by_county.setdefault(t.county, []).append(t)
        held = sum(1 for t in everything if t.level == level and t.revoked_on is None)
        sections.append({"level": level, "by_county": by_county, "held": held})
    return page(request, "titles.html", {"sections": sections})
