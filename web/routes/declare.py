"""The declaration form (申报表): the county bureau declares an institution. The body is validated by the API's own
model and declared by the service the API calls (services/applications.py: same checks, same Idempotency-Key
semantics: the form carries a key made when it was shown, so submitting it twice declares once).

Files chosen are stored as they arrive (as POST /materials stores them). A refused submission names each file kept
with a hidden reference (``kept__<item>``), so the corrected form is sent without choosing them again; a file
chosen anew for an item replaces the kept one."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.datastructures import UploadFile
from starlette.responses import Response

from config import Settings
from contracts.rounds import RoundPhase
from contracts.rules.applications import ACT_NOT_FOR_ROLE
from db.materials import Material
from db.queries.materials import uploaded_by
from db.queries.rounds import rounds_seen_by
from db.rounds import EvaluationRound
from db.session import get_engine
from programs.load import first_program_id
from services import applications, drafts, materials
from services.context import Context
from services.declarations import DECLARATION, checklists, condition_book
from services.pdf import PDF
from services.refusals import Refusal
from state.domain import Actor, InstitutionType, Level, Role
from state.labels import choices, level_title
from web import program_form, program_pages
from web.declaration import INSTITUTION_FIELDS, body_from, validate
from web.page_context import PageContext, PageToday
from web.page_router import page_router
from web.refusals import PageRefusal, explain
from web.render import is_htmx, moment, page
from web.visitors import SignedIn

router = page_router()
# Form field prefixes: a condition's statement, a checklist item's file, a file kept from a refused submission.
ATTEST, FILE, KEPT = "attest__", "file__", "kept__"


def _admit(actor: Actor) -> None:
    """The role the API's declaration admits: a county bureau."""
    if actor.role != Role.county_bureau:
        raise PageRefusal(Refusal(403, ACT_NOT_FOR_ROLE), "不能申报")


def _requirements(settings: Settings, values: Mapping[str, str], county: str | None) -> dict[str, object]:
    """The conditions to attest and the materials to attach for the type and level chosen (or, as the form's selects
    show before a choice, the first type at county level)."""
    first = next(iter(InstitutionType))
    try:
        kind = InstitutionType(values.get("type") or first.value)
        level = Level(values.get("level") or Level.county.value)
    except ValueError:
        kind, level = first, Level.county
    return {
        "conditions": condition_book(settings, county).applicable(kind, level, county),
        "checklist": checklists(settings).checklist(kind, level),
    }


# What a county bureau is told to do when its institution's county title predates the system.
HISTORIC_HINT = "该机构的县级称号如评定于本系统启用之前，请联系管理员在『历史称号导入』中导入"


def _is_open(r: EvaluationRound, now: datetime) -> bool:
    opens, closes = (t if t.tzinfo else t.replace(tzinfo=UTC) for t in (r.opens_at, r.closes_at))
    return r.phase == RoundPhase.open.value and opens <= now < closes


def _scope(r: EvaluationRound) -> str:
    return "市级" if r.level == Level.city.value else f"{r.owner_county or ''}县级"


def open_rounds(database_url: str, county: str | None) -> list[tuple[str, str]]:
    """The rounds the county may declare into now (their declaration window open), as the select's choices: the id
    and the round's Chinese name with its level and window."""
    now = datetime.now(UTC)
    with Session(get_engine(database_url)) as s:
        rows = [r for r in rounds_seen_by(s, county) if _is_open(r, now)]
    return [
        (r.id, f"{r.name}（{_scope(r)}，申报时间 {moment(r.opens_at)} 至 {moment(r.closes_at)}）")
        for r in sorted(rows, key=lambda r: r.closes_at)
    ]


def _form(request: Request, actor: Actor, status: int = 200, **context: object) -> Response:
    settings: Settings = request.app.state.settings
    chosen = {k: v for k, v in request.query_params.items() if k in ("type", "level")}  # ?type=…&level=… preselects
    values = context.get("values") or chosen
    ctx = {
        **_requirements(settings, values, actor.county),  # type: ignore[arg-type]
        "fields": INSTITUTION_FIELDS,
        "types": choices("InstitutionType"),
        "levels": [(lv.value, level_title(lv)) for lv in Level],
        "rounds": open_rounds(settings.database_url, actor.county),
        "values": values,
        "errors": {},
        "explained": None,
        "key": uuid.uuid4().hex,
        "kept": {},
        "actor": actor,
        **context,
    }
    if is_htmx(request):
        status = 200
    return page(request, "declare.html", ctx, status)


@router.get("/applications/new")
async def declaration_form(request: Request, actor: SignedIn, program: str = "") -> Response:
    """The programs the clerk's city runs: with more than one and none chosen, 「选择评定项目」 first; the first
    program's form, or another's derived from its definition (``?program=``; also the htmx redraw of its parts)."""
    _admit(actor)
    found = await program_pages.programs_for(request, actor)
    if program:
        other = program_pages.named(found, program)
    elif len(found) > 1 and request.query_params.get("type") not in InstitutionType._value2member_map_:
        return program_pages.chooser(request, found)  # (a link preselecting the first program's type: its form)
    else:
        other = found[0] if len(found) == 1 and found[0].program.id != first_program_id() else None
    if other is not None:
        values = {k: v for k, v in request.query_params.items() if k != "program"}
        return program_pages.program_form(request, actor, other, values)
    return _form(request, actor)


@router.get("/applications/new/requirements")
async def requirements(request: Request, actor: SignedIn) -> Response:
    """The conditions and materials part of the form, redrawn when the type or level changes (htmx)."""
    _admit(actor)
    return _form(request, actor)


def _kept_uploads(database_url: str, ids: list[str], owner_user_id: str) -> dict[str, Material]:
    """The caller's own declaration uploads among ``ids`` that no application has used yet."""
    with Session(get_engine(database_url)) as s:
        rows = uploaded_by(s, ids, owner_user_id)
    return {k: m for k, m in rows.items() if m.purpose == DECLARATION and m.application_id is None}


@dataclass(frozen=True)
class Attached:
    refs: list[dict[str, str]]  # the body's materials
    errors: dict[str, str]
    kept: dict[str, tuple[str, str]]  # item -> (material id, file name): what a redrawn form names and carries


async def attached(request: Request, posted: Any, actor: Actor, ctx: Context) -> Attached:
    """Each chosen file uploaded as POST /materials would (typed by its bytes), and the refs the body carries: the
    files chosen now, and for the other items the files kept from a refused submission (``kept__<item>``)."""
    refs: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    kept: dict[str, tuple[str, str]] = {}
    for name, value in posted.multi_items():
        if not name.startswith(FILE) or not isinstance(value, UploadFile) or not value.filename:
            continue
        item = name[len(FILE) :]
        try:
            uploaded = await materials.store_upload(ctx, actor, value, request.app.state.limits)
        except Refusal as refusal:
            errors[name] = refusal.message
            continue
        refs.append({"item": item, "material_id": uploaded.id})
        kept[item] = (uploaded.id, uploaded.filename)
    earlier = {
        k[len(KEPT) :]: v
        for k, v in posted.multi_items()
        if k.startswith(KEPT)
        and isinstance(v, str)
        and k[len(KEPT) :] not in kept
        and f"{FILE}{k[len(KEPT) :]}" not in errors
    }
    still = await kept_files(earlier, actor, ctx)
    refs += [{"item": item, "material_id": material_id} for item, (material_id, _) in still.items()]
    return Attached(refs, errors, kept | still)


async def kept_files(earlier: dict[str, str], actor: Actor, ctx: Context) -> dict[str, tuple[str, str]]:
    """Of the files kept from a refused submission (item -> material id), those still the caller's and unused:
    item -> (material id, file name); another's, a used or an unknown one is as if not sent."""
    if not earlier:
        return {}
    rows = await run_in_threadpool(_kept_uploads, ctx.database_url, list(earlier.values()), actor.user_id)
    return {item: (m, rows[m].filename) for item, m in earlier.items() if m in rows}


def _posted_body(values: Mapping[str, str], actor: Actor) -> tuple[dict[str, Any], dict[str, str]]:
    """The declaration body the form's text makes (without its files), and the fields not even of the right kind."""
    body, errors = body_from(values, actor.county)
    body["institution"]["attestations"] = {
        k[len(ATTEST) :]: v.strip() for k, v in values.items() if k.startswith(ATTEST) and v.strip()
    }
    return body, errors


def _refused(request: Request, actor: Actor, refusal: Refusal, values: dict[str, str], files: Attached) -> Response:
    """The form again, the service's refusal beside its fields and above the form."""
    explained = explain(refusal)
    errors = explained.fields
    if refusal.extra.get("rule") == "city_level_in_round":
        errors["round_id"] = "市级标杆机构须经评定批次竞争性评审择优确定：市级申报须选择所参加的评定批次"
    if refusal.extra.get("rule") == "county_title_not_on_record":
        for name, text in errors.items():
            errors[name] = f"{text}。{HISTORIC_HINT}"
        if not errors:
            explained.lines.append(HISTORIC_HINT)
    return _form(
        request,
        actor,
        refusal.status,
        values=values,
        errors=errors,
        explained=explained,
        key=values.get("key", "")[:128] or None,
        kept=files.kept,
    )


async def _declare_into(
    request: Request, actor: Actor, ctx: Context, day: date, posted: Any, values: dict[str, str]
) -> Response:
    """Another program's form submitted: its body validated by the API's model, declared by the same service."""
    other = program_pages.named(await program_pages.programs_for(request, actor), values.get("program", ""))
    assert other is not None  # the first program's form names no program
    key = values.get("key", "")[:128] or None
    body = program_form.body_from(other.program, values)
    files = await attached(request, posted, actor, ctx)
    body["materials"] = files.refs
    declared, errors = program_form.validate(body)
    errors.update(files.errors)
    if declared is not None and not files.errors:
        try:
            outcome = await applications.declare(ctx, actor, declared, day, key)
        except Refusal as refusal:
            explained = explain(refusal)
            fields = program_form.refusal_fields(refusal)
            explained.fields = fields
            if fields:
                explained.lines = []
            return program_pages.program_form(
                request,
                actor,
                other,
                values,
                refusal.status,
                errors=fields,
                explained=explained,
                key=key,
                kept=files.kept,
            )
        return _declared(request, outcome.application_id)
    return program_pages.program_form(request, actor, other, values, 422, errors=errors, key=key, kept=files.kept)


def _declared(request: Request, application_id: str) -> Response:
    target = f"/applications/{application_id}?done=declare"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.post("/applications/new")
async def declare(request: Request, actor: SignedIn, ctx: PageContext, day: PageToday) -> Response:
    _admit(actor)
    posted = await request.form()
    values = {k: v for k, v in posted.items() if isinstance(v, str) and k != "csrf_token"}
    if values.get("program") and values["program"] != first_program_id():
        return await _declare_into(request, actor, ctx, day, posted, values)
    key = values.get("key", "")[:128] or None
    body, errors = _posted_body(values, actor)
    files = await attached(request, posted, actor, ctx)
    body["materials"] = files.refs
    errors.update(files.errors)
    declared = None
    if not errors:
        declared, errors = validate(body)
    if declared is not None:
        try:
            outcome = await applications.declare(ctx, actor, declared, day, key)
        except Refusal as refusal:
            return _refused(request, actor, refusal, values, files)
        target = f"/applications/{outcome.application_id}?done=declare"
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    return _form(request, actor, 422, values=values, errors=errors, key=key, kept=files.kept)


@router.post("/applications/new/draft")
async def draft(request: Request, actor: SignedIn, ctx: PageContext, day: PageToday) -> Response:
    """打印申报表（草稿）: the form's data as it stands, judged as declaring it would be (files aside), answered with the
    draft 申报表 to download; refused, the form again with the same words beside the same fields. The button sends
    the form without its files (nothing is uploaded); the files kept from a refused declaration stay kept."""
    _admit(actor)
    posted = await request.form()
    values = {k: v for k, v in posted.items() if isinstance(v, str) and k != "csrf_token"}
    body, errors = _posted_body(values, actor)
    earlier = {k[len(KEPT) :]: v for k, v in values.items() if k.startswith(KEPT)}
    files = Attached([], {}, await kept_files(earlier, actor, ctx))  # nothing uploaded: a file sent is ignored
    checked = None
    if not errors:
        checked, errors = validate(body)
    if checked is None:
        key = values.get("key", "")[:128] or None
        return _form(request, actor, 422, values=values, errors=errors, key=key, kept=files.kept)
    try:
        pdf = await drafts.declaration_draft(ctx, actor, checked, day)
    except Refusal as refusal:
        return _refused(request, actor, refusal, values, files)
    disposition = f'attachment; filename="{pdf.name}"'  # downloaded: the form stays as filled in
    return Response(pdf.content, media_type=PDF, headers={**pdf.headers, "Content-Disposition": disposition})
