"""The applications a user may see: the filtered, paged list (county users: their county only, in every list and
count), and one application's page (/applications/{id}, the address notifications link to): its facts, the
departments' opinions, the progress bar, the timeline, and a form for each act the machine allows this user now."""

import math
import re
from enum import Enum
from typing import Any, TypeVar
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.responses import Response

from config import Settings
from contracts.application import ApplicationView
from contracts.rules.applications import NOT_A_READER
from db.preferences import FILTER_NAME_LENGTH, filters_of, save_filter, text_problem
from db.queries.workbench import Filters, find
from schemas.fields import ID_PATTERN
from services import archive, filing_forms, present, revocations
from services.access import READERS, city_scope, fetch_view, not_found
from services.acts import batch_owner_label
from services.context import Context
from services.declarations import checklists, condition_book
from services.refusals import Refusal
from state.domain import COUNTIES, LEVEL_OWNER, Act, Actor, InstitutionType, Level, Stage
from state.labels import ACTS, label
from state.text import is_control
from web.act_forms import forms_for
from web.declaration import AMENDABLE, FIELD_TITLES, INSTITUTION_FIELDS, FormField
from web.files import document_links, material_rows
from web.page_context import PageContext, PageSession
from web.page_router import page_router
from web.program_facts import program_correction_choices, program_facts, program_level, program_of_view
from web.refusals import Explained, PageRefusal
from web.render import day, is_htmx, moment, number, page
from web.story import diagram, progress, timeline
from web.visitors import SignedIn

router = page_router()
PAGE_SIZE = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require_reader(actor: Actor) -> None:
    """Who may read applications at all (services.access.READERS): a 403 for anyone else (the admin)."""
    if actor.role not in READERS:
        raise PageRefusal(Refusal(403, NOT_A_READER))


E = TypeVar("E", bound=Enum)


def _choice(enum: type[E], value: str) -> E | None:
    return enum(value) if value in enum._value2member_map_ else None


def _filters(
    actor: Actor, state: str, county: str, level: str, institution_type: str, q: str
) -> tuple[Filters, dict[str, str], str]:
    """The list's filter from its query's fields (unknown values ignored), the fields as the page shows them, and
    the canonical query string (what a saved filter keeps and the export repeats)."""
    q = "".join(ch for ch in q if not is_control(ch))[:100]  # a search never holds one (PostgreSQL: not even NUL)
    filters = Filters(
        state=_choice(Stage, state),
        county=county if county in COUNTIES and actor.county is None else None,
        level=_choice(Level, level),
        institution_type=_choice(InstitutionType, institution_type),
        text=q,
    )
    shown = {
        "state": filters.state.value if filters.state else "",
        "county": filters.county or "",
        "level": filters.level.value if filters.level else "",
        "institution_type": filters.institution_type.value if filters.institution_type else "",
        "q": q,
    }
    return filters, shown, urlencode({k: v for k, v in shown.items() if v})


@router.get("/applications")
def applications(
    request: Request,
    actor: SignedIn,
    session: PageSession,
    state: str = "",
    county: str = "",
    level: str = "",
    institution_type: str = "",
    q: str = Query("", max_length=100),
    page_no: int = Query(1, alias="page", ge=1, le=100_000),
    saved: str = "",
) -> Response:
    require_reader(actor)
    filters, shown, query = _filters(actor, state, county, level, institution_type, q)
    return list_page(request, actor, session, filters, shown, query, page_no, saved=saved)


def list_page(
    request: Request,
    actor: Actor,
    session: Session,
    filters: Filters,
    shown: dict[str, str],
    query: str,
    page_no: int = 1,
    *,
    saved: str = "",
    filter_error: str = "",
    filter_name: str = "",
    status: int = 200,
) -> Response:
    rows, total = find(session, actor.county, filters, (page_no - 1) * PAGE_SIZE, PAGE_SIZE, city_scope(actor))
    context = {
        "rows": rows,
        "total": total,
        "page_no": page_no,
        "pages": max(1, math.ceil(total / PAGE_SIZE)),
        "filters": shown,
        "list_url": "/applications" + (f"?{query}" if query else ""),
        "export_url": "/applications.xlsx" + (f"?{query}" if query else ""),
        "saved_filters": filters_of(session, actor.user_id),
        "saved": saved,
        "filter_error": filter_error,
        "filter_name": filter_name,
        "actor": actor,
    }
    fragment = is_htmx(request) and request.headers.get("HX-Target") == "results"
    return page(request, "_application_rows.html" if fragment else "applications.html", context, status)


@router.post("/applications/filters")
async def save_list_filter(request: Request, actor: SignedIn, session: PageSession) -> Response:
    """保存筛选: the list's current filter kept under a name of the user's choosing, reopened from 我的筛选."""
    require_reader(actor)
    posted = await request.form()
    field = {k: str(posted.get(k, "")) for k in ("state", "county", "level", "institution_type", "q", "name")}
    filters, shown, query = _filters(
        actor, field["state"], field["county"], field["level"], field["institution_type"], field["q"]
    )
    name = field["name"].strip()
    problem = text_problem(name, "筛选名称", FILTER_NAME_LENGTH, multiline=False)
    if problem:
        return list_page(
            request, actor, session, filters, shown, query, filter_error=problem[1], filter_name=name, status=422
        )
    await run_in_threadpool(save_filter, session, actor.user_id, name, query)
    target = "/applications?" + urlencode({**dict(parse_qsl(query)), "saved": name})
    return RedirectResponse(target, status_code=303)


EXPORT_LIMIT = 10_000  # rows in one export; more than any city declares in a period


def list_workbook(rows: list[Any], where: str) -> bytes:
    table = filing_forms.Table(
        "申报列表",
        f"{where}标杆机构申报列表",
        ["机构名称", "统一社会信用代码", "机构类型", "县区", "等级", "状态", "申报时间", "申报编号"],
        [36, 22, 24, 10, 10, 12, 20, 16],
        [
            [
                r.institution_name,
                r.credit_code,
                label(r.institution_type),
                r.county,
                label(r.level),
                label(r.state),
                moment(r.declared_at),
                r.number or "",
            ]
            for r in rows
        ],
    )
    return filing_forms.tables_xlsx([table])


@router.get("/applications.xlsx")
async def applications_xlsx(
    actor: SignedIn,
    session: PageSession,
    state: str = "",
    county: str = "",
    level: str = "",
    institution_type: str = "",
    q: str = Query("", max_length=100),
) -> Response:
    """导出Excel: every application the list's filter finds (in the user's scope), each cell formula-neutralised
    (api.filing_forms writes every cell through state.spreadsheet.safe_cell)."""
    require_reader(actor)
    filters, _, _ = _filters(actor, state, county, level, institution_type, q)
    rows, _ = await run_in_threadpool(find, session, actor.county, filters, 0, EXPORT_LIMIT, city_scope(actor))
    content = await run_in_threadpool(list_workbook, rows, actor.county or "全市")
    name = f"{actor.county or '全市'}标杆机构申报列表.xlsx"
    disposition = f"attachment; filename=\"applications.xlsx\"; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})


def amendable_facts(view: ApplicationView) -> list[tuple[FormField, Any]]:
    """The facts a correction may amend on the page, each with its value as declared (web/routes/corrections.py)."""

    def shown(value: Any) -> Any:
        return int(value) if isinstance(value, float) and value.is_integer() else value

    return [(f, shown(getattr(view.institution, f.name))) for f in AMENDABLE]


def institution_facts(view: ApplicationView) -> list[tuple[str, str]]:
    """The 申报表's facts as (title, text), the empty ones left out."""
    out = []
    for f in INSTITUTION_FIELDS:
        value = getattr(view.institution, f.name)
        if value in (None, "", []) or (f.type == "checkbox" and not value):
            continue
        if f.name == "type":
            text = label(value)
        elif f.type in ("checkbox", "yesno"):
            text = "是" if value else "否"
        elif f.type == "date":
            text = day(value)
        elif f.type == "number":
            text = number(value)
        elif f.type == "list":
            text = "、".join(value)
        else:
            text = str(value)
        out.append((FIELD_TITLES[f.name], text))
    return out


def batch_facts(view: ApplicationView, actor: Actor) -> dict[str, Any]:
    """批次公布: who forms the batch of an application announced by batch and not in one yet (its own co-signature is
    not offered), and whether this caller is that owner with the notice closed (a link to form it)."""
    if not view.announced_by_batch or view.announcement_id is not None or view.state != Stage.publicized:
        return {"batch_owner": ""}
    owner = LEVEL_OWNER[view.level]
    mine = actor.role == owner and (view.level == Level.city or actor.county == view.county)
    return {"batch_owner": batch_owner_label(view.level, view.county), "may_form_batch": mine and view.notice_closed}


def detail_page(
    request: Request,
    view: ApplicationView,
    actor: Actor,
    *,
    status: int = 200,
    done: str = "",
    failed: str = "",
    explained: Explained | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    detail = present.detail(view, actor)
    forms = [f for f in forms_for(detail.allowed_acts) if f.name != "scores" or view.round_id]  # rounds only
    revocation = revocations.proposal_of_application(request.app.state.settings.database_url, view.application_id)
    if revocation is not None and revocation.state == "pending":  # one open proposal per title
        forms = [f for f in forms if f.name != "revocation"]
    may_resubmit = Act.resubmit in detail.allowed_acts
    settings = request.app.state.settings
    program = program_of_view(settings.database_url, view)  # another program's: its own facts and books
    context = {
        "view": view,
        "detail": detail,
        "facts": program_facts(program, view) if program is not None else institution_facts(view),
        "program_title": program.title if program is not None else "",
        "program_level": program_level(program, view) if program is not None else "",
        "steps": progress(view.level, view.state, [a.state_after for a in view.acts], view.notice_closed),
        "timeline": timeline(detail.acts, view.level, moment),
        "diagram": diagram(view.level, view.state),
        "forms": forms,
        "may_resubmit": may_resubmit,
        "amendable": amendable_facts(view) if may_resubmit and program is None else [],
        "allowed": detail.allowed_acts,
        "pending": [o for o in detail.objections if o.upheld is None],
        "done": done,
        # an inspector's 撤销 is a proposal now: revoked once the three departments have signed (web/routes/revocations.py)
        "done_label": "撤销提议（待三部门会签）"
        if done == Act.revoke.value
        else ACTS.get(Act(done), "")
        if done in Act._value2member_map_
        else "",
        "revocation": revocation,
        "failed": failed,
        "explained": explained,
        "errors": errors or {},
        "values": values or {},
        "actor": actor,
        "documents": document_links(view),
        "archivable": archive.archivable(view.state),
        "materials": material_rows(view),
        **batch_facts(view, actor),
    }
    if may_resubmit or any(f.name.endswith("-correction") for f in forms):
        choices = (
            program_correction_choices(program, view) if program is not None else correction_choices(settings, view)
        )
        context.update(choices)
    if is_htmx(request):
        status = 200  # htmx swaps 2xx answers only; the refusal is in the page
    return page(request, "application.html", context, status)


def correction_choices(settings: Settings, view: ApplicationView) -> dict[str, Any]:
    """What a return for correction may name (the checklist's items and the conditions that apply) and the
    checklist a resubmission attaches new files to."""
    kind, level = view.institution.type, view.level
    checklist = checklists(settings).checklist(kind, level)
    conditions = condition_book(settings, view.county).applicable(kind, level, view.county)
    return {
        "checklist": checklist,
        "correction_items": [(i.code, i.title) for i in checklist] + [(c.code, c.text) for c in conditions],
        "returned_items": view.correction.items if view.correction is not None else [],
    }


async def visible_view(ctx: Context, application_id: str, actor: Actor) -> ApplicationView:
    """The workflow's view through the user's eyes (services.access.fetch_view); another county's is a 404."""
    require_reader(actor)
    if not re.match(ID_PATTERN, application_id):
        raise PageRefusal(not_found(application_id))
    try:
        return await fetch_view(ctx, application_id, actor)
    except Refusal as refusal:
        raise PageRefusal(refusal) from None


@router.get("/applications/{application_id}")
async def application(
    request: Request, application_id: str, actor: SignedIn, ctx: PageContext, done: str = ""
) -> Response:
    view = await visible_view(ctx, application_id, actor)
    return detail_page(request, view, actor, done=done)
