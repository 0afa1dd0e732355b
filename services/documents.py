"""The procedure's printable documents as PDF, fetched and rendered once for the API and the pages: the 申报表, the
审批单, the joint 公布文件, the plaque certificate, and the 公示名单 of the notice board or of a round. Readable by
whoever may read the application (same 404 rule)."""

from dataclasses import replace
from datetime import UTC, datetime

from fastapi.concurrency import run_in_threadpool

import documents
from config import NoticeSettings
from contracts.application import ApplicationView
from contracts.rules.applications import NO_PLAQUE, NOT_ANNOUNCED, NOT_NOTICED_IN_ROUND, NOTHING_UNDER_NOTICE
from contracts.rules.places import NO_NOTICE_NOW
from db.models import Application
from db.numbers import number_or_id
from db.queries import applications as queries
from programs import evaluate
from services import announcements, program_documents, sealing
from services import notices as notice_service
from services.access import fetch_view
from services.approval_sheet import sheet
from services.context import Context
from services.declaration_facts import declared_number, institution_on_form
from services.declarations import EVIDENCE_TITLES, checklists, condition_texts, current_materials
from services.opinions import recorded_texts
from services.pdf import Pdf
from services.refusals import Refusal
from state.clock import SHANGHAI
from state.domain import Actor, Department, InstitutionType, Level, Stage
from state.labels import ADDRESSEES, CITY, LEVELS, department_label, issuing_organs, level_title, type_label

UNSET = "见发布机关网站公告"


def _listed(a: Application) -> documents.ListedInstitution:
    return documents.ListedInstitution(
        name=a.institution_name,
        institution_type=type_label(a.institution_type),
        county=a.county,
        level=LEVELS[a.level],
    )


def _place(level: Level, county: str) -> str:
    return CITY if level == Level.city else county


async def declaration(ctx: Context, actor: Actor, application_id: str) -> Pdf:
    """申报表 (Attachment 2); another program's drawn from its definition (services/program_documents.py)."""
    settings = ctx.settings
    view = await fetch_view(ctx, application_id, actor)
    if view.program is not None and view.program.own_facts:
        return Pdf(await _program_declaration(ctx, view), f"declaration-{application_id}.pdf")
    i = view.institution
    texts = await run_in_threadpool(condition_texts, settings, InstitutionType(i.type), view.level, view.county)
    recorded = recorded_texts(view)
    form = documents.DeclarationForm(
        number=await run_in_threadpool(declared_number, ctx, view.application_id),
        declared_on=view.acts[0].at.astimezone(SHANGHAI).date() if view.acts else datetime.now(SHANGHAI).date(),
        level=LEVELS[view.level],
        **institution_on_form(i),
        county=view.county,
        conditions=[documents.AttestedCondition(texts.get(code, code), text) for code, text in i.attestations.items()],
        materials=[
            documents.Material(m.title or m.item, m.filename, m.sha256, m.size, m.uploaded_at)
            for m in current_materials([a.materials for a in view.acts])
            if m.item not in EVIDENCE_TITLES
        ],
        opinions=[
            documents.DepartmentOpinion(f"{view.county}{department_label(d, Level.county)}", recorded.get(d, ""))
            for d in Department
        ],
    )
    return Pdf(await run_in_threadpool(documents.declaration_form, form), f"declaration-{application_id}.pdf")


async def _program_declaration(ctx: Context, view: ApplicationView) -> bytes:
    ref = view.program
    assert ref is not None
    number = await run_in_threadpool(declared_number, ctx, view.application_id)
    program = await run_in_threadpool(program_documents.kept_program, ctx.database_url, ref)
    submitted = [m.item for m in current_materials([a.materials for a in view.acts])]
    form = program_documents.form(
        program,
        ref,
        view.level,
        view.county,
        view.institution,
        number=number,
        declared_on=view.acts[0].at.astimezone(SHANGHAI).date() if view.acts else datetime.now(SHANGHAI).date(),
        submitted=submitted,
        opinion=recorded_texts(view).get(Department.hrss, ""),
    )
    return await run_in_threadpool(documents.program_form, form)


async def approval_sheet(ctx: Context, actor: Actor, application_id: str) -> Pdf:
    """审批单: the facts, every act and opinion (who, role, unit, when), the notice, objections, documents."""
    settings = ctx.settings
    view = await fetch_view(ctx, application_id, actor)

    def render() -> bytes:
        if view.program is not None and view.program.own_facts:
            return _program_sheet(ctx, view, actor)
        kind = InstitutionType(view.institution.type)
        titles = {i.code: i.title for i in checklists(settings).checklist(kind, view.level)}
        titles.update(condition_texts(settings, kind, view.level, view.county))
        number = number_or_id(settings.database_url, view.application_id)
        return documents.approval_sheet(sheet(view, actor, datetime.now(UTC), titles, number))

    return Pdf(await run_in_threadpool(render), f"approval-sheet-{application_id}.pdf")


def _program_sheet(ctx: Context, view: ApplicationView, actor: Actor) -> bytes:
    """Another program's 审批单: its title, its fact table, its checklist's and conditions' titles, its organs."""
    ref = view.program
    assert ref is not None
    program = program_documents.kept_program(ctx.database_url, ref)
    kind = str(view.institution.type)
    titles = {i.code: i.title for i in program.materials.items}
    titles.update({c.code: c.text for c in evaluate.conditions(program, kind, view.level.value)})
    number = number_or_id(ctx.settings.database_url, view.application_id)
    facts = program_documents.sheet_facts(program, view, recorded_texts(view))
    made = sheet(
        view,
        actor,
        datetime.now(UTC),
        titles,
        number,
        facts=facts,
        field_titles=program_documents.fact_titles(program, kind),
    )
    acts = program_documents.announced_by(made.acts, ref, view.level, view.county)
    return documents.approval_sheet(replace(made, title=f"{program.title}审批单", acts=acts))


def _announcement(view: ApplicationView, batch: list[Application]) -> bytes:
    assert view.announcement_doc_no is not None and view.announced_on is not None
    place = _place(view.level, view.county)
    organs = issuing_organs(view.level, None if view.level == Level.city else view.county)
    addressees = ADDRESSEES[view.level]
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


def _announced_with(ctx: Context, doc_no: str) -> list[Application]:
    with ctx.session() as s:
        return list(queries.announced_with(s, doc_no))


async def announcement(ctx: Context, actor: Actor, application_id: str) -> Pdf:
    """The joint 公布文件 that announced this application (shared by its batch)."""
    view = await fetch_view(ctx, application_id, actor)
    if view.announcement_doc_no is None:
        raise Refusal(409, NOT_ANNOUNCED, state=view.state.value)
    if view.announcement_id is not None:  # announced by its batch: the document kept at the third signature
        stored = await announcements.document(ctx, actor, view.announcement_id)
        return Pdf(stored.content, f"announcement-{application_id}.pdf", stored.sha256)
    # Announced by its own co-signatures (before batches): drawn from the records, sealed by the three organs when
    # first asked for, and kept under its 文号 (the document every application of that number shares).
    batch = await run_in_threadpool(_announced_with, ctx, view.announcement_doc_no)
    organs = issuing_organs(view.level, None if view.level == Level.city else view.county)
    return await run_in_threadpool(
        sealing.sealed_once,
        ctx,
        sealing.ANNOUNCEMENT,
        f"number:{view.announcement_doc_no}",
        organs,
        lambda: _announcement(view, batch),
        f"announcement-{application_id}.pdf",
        document_no=view.announcement_doc_no,
        issued_on=view.announced_on,
    )


async def certificate(ctx: Context, actor: Actor, application_id: str) -> Pdf:
    """The plaque certificate (Attachment 3 style)."""
    view = await fetch_view(ctx, application_id, actor)
    if view.plaque_no is None or view.awarded_on is None or view.state == Stage.revoked:
        raise Refusal(409, NO_PLAQUE, state=view.state.value)
    if view.program is not None and view.program.own_facts:
        ref = view.program
        program = await run_in_threadpool(program_documents.kept_program, ctx.database_url, ref)
        organs = program_documents.organs(ref, view.level, view.county)
        level = program_documents.level_of(program, view.level)
        cert = documents.Certificate(
            institution_name=view.institution.name,
            level=level.label,
            year=view.awarded_on.year,
            plaque_number=view.plaque_no,
            issued_on=view.awarded_on,
            issuing_departments=organs,
            title=level.full_title,
            line=f"{program.title}（{view.awarded_on.year}年度）",
        )
    else:
        organs = issuing_organs(view.level, None if view.level == Level.city else view.county)
        cert = documents.Certificate(
            institution_name=view.institution.name,
            level=LEVELS[view.level],
            year=view.awarded_on.year,
            plaque_number=view.plaque_no,
            issued_on=view.awarded_on,
            issuing_departments=organs,
        )
    # Sealed by the lead organ when first asked for, and kept: the same bytes (and ETag) every time after.
    return await run_in_threadpool(
        sealing.sealed_once,
        ctx,
        sealing.CERTIFICATE,
        view.application_id,
        organs[:1],
        lambda: documents.plaque_certificate(cert),
        f"certificate-{application_id}.pdf",
        document_no=view.plaque_no,
        issued_on=view.awarded_on,
    )


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


def _noticed_in_round(ctx: Context, round_id: str) -> list[Application]:
    with ctx.session() as s:
        return list(queries.noticed_in_round(s, round_id))


async def notices(ctx: Context, city: str = "") -> Pdf:
    """公示名单 of everything under notice now in ``city`` (default: the deployment's; no account needed), one 公示
    per issuing organ (services/notices.py); 404 when nothing is under notice: no 公示 is issued."""
    groups = await run_in_threadpool(notice_service.notice_groups, ctx, notice_service.public_city(city))
    if not groups:
        raise Refusal(404, NO_NOTICE_NOW)
    content = await run_in_threadpool(notice_service.notice_pdf, groups, ctx.settings.notice)
    organs = list(dict.fromkeys(g.issuer for g in groups))
    issued_on = min(g.published_on for g in groups)
    return await run_in_threadpool(sealing.sealed_as_it_stands, ctx, organs, content, "notices.pdf", issued_on)


async def round_notice_list(ctx: Context, round_id: str) -> Pdf:
    """公示名单 of one round (for any reader: the round's notice is public)."""
    settings = ctx.settings
    rows = await run_in_threadpool(_noticed_in_round, ctx, round_id)
    if not rows:
        raise Refusal(404, NOTHING_UNDER_NOTICE)
    level = Level(rows[0].level)
    county = None if level == Level.city else rows[0].county
    title = f"{_place(level, rows[0].county)}{level_title(level, full=True)}拟评定名单公示"
    organ = issuing_organs(level, county)[0]
    content = await run_in_threadpool(_notice_list, title, rows, settings.notice, organ)
    issued_on = min((a.notice_published_on for a in rows if a.notice_published_on), default=None)
    name = f"round-{round_id}-notice-list.pdf"
    return await run_in_threadpool(sealing.sealed_as_it_stands, ctx, [organ], content, name, issued_on)


async def application_notice_list(ctx: Context, actor: Actor, application_id: str) -> Pdf:
    """The 公示名单 of the round this application was noticed in."""
    view = await fetch_view(ctx, application_id, actor)
    if not view.round_id or view.notice is None:
        raise Refusal(404, NOT_NOTICED_IN_ROUND)
    return await round_notice_list(ctx, view.round_id)
