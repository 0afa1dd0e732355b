"""The procedure's printable documents as PDF: the 申报表, the 审批单, the joint 公布文件, the plaque certificate, and
the 公示名单 of the notice board or of a round. Readable by whoever may read the application (same 404 rule)."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

import documents
from api.access import fetch_view
from api.approval_sheet import sheet
from api.deps import ApplicationId, Reader, SessionDep, SettingsDep, TemporalClient
from api.errors import documented
from api.submission import EVIDENCE_TITLES, checklists, condition_texts, current_materials
from config import NoticeSettings
from contracts.application import ApplicationView
from db.models import Application
from db.queries import applications as queries
from schemas.fields import ID_PATTERN
from services.refusals import Refusal
from state.clock import SHANGHAI
from state.domain import Department, InstitutionType, Level, Stage
from state.labels import CITY, INSTITUTION_TYPES, LEVELS, department_label, issuing_organs, level_title

PDF = "application/pdf"
# A PDF answers 200 (documented as such, not as JSON); refusals are JSON as everywhere.
ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "the PDF", "content": {PDF: {"schema": {"type": "string", "format": "binary"}}}}
}
router = APIRouter(tags=["documents"], responses={**ANSWERS, **documented(401, 404)}, default_response_class=Response)
UNSET = "见发布机关网站公告"
# The answers of a route that serves a PDF; its decorator also gives response_class=Response.
PDF_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {PDF: {}}, "description": "the document (PDF)"}}


def _pdf(content: bytes, name: str) -> Response:
    return Response(content, media_type=PDF, headers={"Content-Disposition": f'inline; filename="{name}"'})


def _listed(a: Application) -> documents.ListedInstitution:
    return documents.ListedInstitution(
        name=a.institution_name,
        institution_type=INSTITUTION_TYPES[a.institution_type],
        county=a.county,
        level=LEVELS[a.level],
    )


def _place(level: Level, county: str) -> str:
    return CITY if level == Level.city else county


@router.get(
    "/applications/{application_id}/documents/declaration.pdf",
    summary="申报表 (Attachment 2)",
    response_class=Response,
    responses={**PDF_RESPONSES, **documented(403, 503)},
)
async def declaration(
    application_id: ApplicationId, actor: Reader, client: TemporalClient, settings: SettingsDep
) -> Response:
    view = await fetch_view(client, application_id, actor)
    i = view.institution
    texts = await run_in_threadpool(condition_texts, settings, InstitutionType(i.type), view.level, view.county)
    form = documents.DeclarationForm(
        application_id=view.application_id,
        declared_on=view.acts[0].at.astimezone(SHANGHAI).date() if view.acts else datetime.now(SHANGHAI).date(),
        level=LEVELS[view.level],
        institution_name=i.name,
        institution_type=INSTITUTION_TYPES[InstitutionType(i.type)],
        county=view.county,
        credit_code=i.credit_code,
        address=i.address,
        person_in_charge=i.person_in_charge,
        contact_person=i.contact,
        contact_phone=i.phone,
        premises_area_m2=i.premises_area_m2,
        staff_count=i.staff_count,
        founded_on=i.founded_on,
        services=i.services,
        highlights=i.highlights,
        honours="、".join(i.honours),
        county_title_doc_number=i.county_title_doc_no or "",
        county_title_on=i.county_title_date,
        conditions=[documents.AttestedCondition(texts.get(code, code), text) for code, text in i.attestations.items()],
        materials=[
            documents.Material(m.title or m.item, m.filename, m.sha256, m.size, m.uploaded_at)
            for m in current_materials([a.materials for a in view.acts])
            if m.item not in EVIDENCE_TITLES
        ],
        opinions=[
            documents.DepartmentOpinion(
                f"{view.county}{department_label(d, Level.county)}", view.department_opinions.get(d, "")
            )
            for d in Department
        ],
    )
    return _pdf(await run_in_threadpool(documents.declaration_form, form), f"declaration-{application_id}.pdf")


@router.get(
    "/applications/{application_id}/documents/approval-sheet.pdf",
    summary="审批单: the facts, every act and opinion (who, role, unit, when), the notice, objections, documents",
    response_class=Response,
    responses={**PDF_RESPONSES, **documented(403, 503)},
)
async def approval_sheet(
    application_id: ApplicationId, actor: Reader, client: TemporalClient, settings: SettingsDep
) -> Response:
    view = await fetch_view(client, application_id, actor)

    def render() -> bytes:
        kind = InstitutionType(view.institution.type)
        titles = {i.code: i.title for i in checklists(settings).checklist(kind, view.level)}
        titles.update(condition_texts(settings, kind, view.level, view.county))
        return documents.approval_sheet(sheet(view, actor, datetime.now(UTC), titles))

    content = await run_in_threadpool(render)
    return _pdf(content, f"approval-sheet-{application_id}.pdf")


def _announcement(view: ApplicationView, batch: list[Application]) -> bytes:
    assert view.announcement_doc_no is not None and view.announced_on is not None
    place = _place(view.level, view.county)
    organs = issuing_organs(view.level, None if view.level == Level.city else view.county)
    addressees = (
        "各县区人力资源社会保障局、发展改革局、民政局：" if view.level == Level.city else "各乡镇（街道）、各有关单位："
    )
    return documents.announcement(
        documents.Announcement(
            organs=organs,
            doc_number=view.announcement_doc_no,
            title=f"关于公布{place}{level_title(view.level, full=True)}名单的通知",
            addressees=addressees,
            institutions=[_listed(a) for a in batch],
            signed_on=view.announced_on,
            level=LEVELS[view.level],
        )
    )


@router.get(
    "/applications/{application_id}/documents/announcement.pdf",
    summary="The joint 公布文件 that announced this application (shared by its batch)",
    response_class=Response,
    responses={200: PDF_RESPONSES[200], **documented(403, 409, 503, rules={409: ("not_announced",)})},
)
async def announcement(
    application_id: ApplicationId, actor: Reader, client: TemporalClient, session: SessionDep
) -> Response:
    view = await fetch_view(client, application_id, actor)
    if view.announcement_doc_no is None:
        raise Refusal(409, "尚未公布：三个部门会签后才有公布文件", state=view.state.value, rule="not_announced")
    batch = await run_in_threadpool(queries.announced_with, session, view.announcement_doc_no)
    content = await run_in_threadpool(_announcement, view, batch)
    return _pdf(content, f"announcement-{application_id}.pdf")


@router.get(
    "/applications/{application_id}/documents/certificate.pdf",
    summary="The plaque certificate (Attachment 3 style)",
    response_class=Response,
    responses={200: PDF_RESPONSES[200], **documented(403, 409, 503, rules={409: ("no_plaque",)})},
)
async def certificate(application_id: ApplicationId, actor: Reader, client: TemporalClient) -> Response:
    view = await fetch_view(client, application_id, actor)
    if view.plaque_no is None or view.awarded_on is None or view.state == Stage.revoked:
        raise Refusal(409, "未授牌或称号已撤销：没有可打印的标牌证书", state=view.state.value, rule="no_plaque")
    cert = documents.Certificate(
        institution_name=view.institution.name,
        level=LEVELS[view.level],
        year=view.awarded_on.year,
        plaque_number=view.plaque_no,
        issued_on=view.awarded_on,
        issuing_departments=issuing_organs(view.level, None if view.level == Level.city else view.county),
    )
    return _pdf(await run_in_threadpool(documents.plaque_certificate, cert), f"certificate-{application_id}.pdf")


def _notice_list(title: str, rows: list[Application], notice: NoticeSettings, organ: str) -> bytes:
    starts = [a.notice_first_day for a in rows if a.notice_first_day]
    ends = [a.notice_last_day for a in rows if a.notice_last_day]
    today = datetime.now(SHANGHAI).date()
    return documents.notice_list(
        documents.NoticeList(
            title=title,
            institutions=[_listed(a) for a in rows],
            window_start=min(starts, default=today),
            window_end=max(ends, default=today),
            objection_phone=notice.objection_phone or UNSET,
            objection_email=notice.objection_email or UNSET,
            objection_address=notice.objection_address,
            issuing_organ=organ,
            issued_on=min((a.notice_published_on for a in rows if a.notice_published_on), default=today),
        )
    )


@router.get(
    "/public/notices.pdf",
    summary="公示名单 of everything under notice now (no account needed)",
    response_class=Response,
    responses=PDF_RESPONSES,
)
async def notices_pdf(session: SessionDep, settings: SettingsDep) -> Response:
    rows = await run_in_threadpool(queries.under_notice, session, datetime.now(UTC))
    title = "临沂市就业服务质量标杆机构拟评定名单公示"
    content = await run_in_threadpool(_notice_list, title, rows, settings.notice, issuing_organs(Level.city)[0])
    return _pdf(content, "notices.pdf")


RoundId = Annotated[str, Path(pattern=ID_PATTERN, description="the round id")]


@router.get(
    "/rounds/{round_id}/documents/notice-list.pdf",
    summary="公示名单 of one round",
    response_class=Response,
    responses={**PDF_RESPONSES, **documented(403)},
)
async def round_notice_list(round_id: RoundId, _: Reader, session: SessionDep, settings: SettingsDep) -> Response:
    rows: list[Application] = await run_in_threadpool(queries.noticed_in_round, session, round_id)
    if not rows:
        raise Refusal(404, f"round {round_id!r} has nothing under notice")
    level = Level(rows[0].level)
    county = None if level == Level.city else rows[0].county
    title = f"{_place(level, rows[0].county)}{level_title(level, full=True)}拟评定名单公示"
    content = await run_in_threadpool(_notice_list, title, rows, settings.notice, issuing_organs(level, county)[0])
    return _pdf(content, f"round-{round_id}-notice-list.pdf")
