"""What the workflow and the read model hold, shown to a caller: local times, scoped acts, objectors hidden
from those who do not investigate them."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from contracts.application import ActRecord, ApplicationView, NoticeWindow, Objection, Signature, SubmittedMaterial
from contracts.corrections import Correction
from db import models
from schemas.corrections import CorrectionPublic
from schemas.materials import MaterialPublic
from schemas.models import (
    ActorPublic,
    ActPublic,
    ApplicationDetail,
    ApplicationPage,
    InstitutionPublic,
    NoticeListing,
    NoticePublic,
    ObjectionPublic,
    ProgramRefPublic,
    ScoreSheetPublic,
    SignaturePublic,
)
from schemas.opinions import DepartmentOpinionPublic
from services.access import acts_for, declarer_of, may_see_objectors
from state.calendar import TZ
from state.domain import Actor, Role


def local(moment: datetime) -> datetime:
    """Asia/Shanghai time. SQLite hands back naive datetimes, which the read model writes in UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TZ)


def notice(window: NoticeWindow | None) -> NoticePublic | None:
    if window is None:
        return None
    return NoticePublic(
        first_day=window.first_day,
        last_day=window.last_day,
        ends_at=local(window.ends_at),
        confirmed=window.confirmed,
        recorded_on=window.recorded_on,
        source_url=window.source_url or None,
    )


def notice_of(row: models.Application | Any) -> NoticePublic | None:
    if row.notice_first_day is None or row.notice_last_day is None or row.notice_ends_at is None:
        return None
    return NoticePublic(
        first_day=row.notice_first_day,
        last_day=row.notice_last_day,
        ends_at=local(row.notice_ends_at),
        confirmed=bool(row.notice_confirmed),
        recorded_on=row.notice_recorded_on,
        source_url=row.notice_source_url,
    )


def actor(who: Actor, show_objector: bool = True) -> ActorPublic:
    hidden = who.role == Role.public and not show_objector
    return ActorPublic(name=None if hidden else who.name, role=who.role, department=who.department, county=who.county)


def act(record: ActRecord, show_objector: bool) -> ActPublic:
    return ActPublic(
        seq=record.seq,
        act=record.act,
        actor=actor(record.actor, show_objector),
        at=local(record.at),
        reason=record.reason,
        state_after=record.state_after,
        details=dict(record.details),
        materials=[material(m) for m in record.materials],
    )


def material(m: SubmittedMaterial) -> MaterialPublic:
    return MaterialPublic(
        item=m.item,
        title=m.title or m.item,
        material_id=m.material_id,
        filename=m.filename,
        sha256=m.sha256,
        size=m.size,
        content_type=m.content_type,
        uploader=m.uploader_name,
        uploader_id=m.uploader_id,
        uploaded_at=local(m.uploaded_at),
    )


def objection(o: Objection, show_objector: bool) -> ObjectionPublic:
    return ObjectionPublic(
        id=o.objection_id,
        name=o.name if show_objector else None,
        contact=o.contact if show_objector else None,
        content=o.content,
        lodged_at=local(o.lodged_at),
        upheld=o.upheld,
        finding=o.finding,
        found_at=local(o.found_at) if o.found_at else None,
        evidence=[material(m) for m in o.evidence],
    )


def signature(s: Signature) -> SignaturePublic:
    return SignaturePublic(
        department=s.department, document_no=s.document_no, signed_at=local(s.signed_at), signer=actor(s.actor)
    )


def detail(view: ApplicationView, caller: Actor) -> ApplicationDetail:
    show = may_see_objectors(caller, view.level, view.county)
    return ApplicationDetail(
        id=view.application_id,
        level=view.level,
        county=view.county,
        round_id=view.round_id,
        institution=InstitutionPublic.model_validate(view.institution, from_attributes=True),
        state=view.state,
        allowed_acts=acts_for(caller, view.allowed_acts, view.level, view.county, declarer_of(view)),
        notice=notice(view.notice),
        notice_closed=view.notice_closed,
        objections=[objection(o, show) for o in view.objections],
        signatures=[signature(s) for s in view.signatures],
        announcement_doc_no=view.announcement_doc_no,
        announced_on=view.announced_on,
        plaque_no=view.plaque_no,
        awarded_on=view.awarded_on,
        flags=list(view.flags),
        acts=[act(a, show) for a in view.acts],
        department_opinions=dict(view.department_opinions),
        scores=[
            ScoreSheetPublic(
                reviewer=s.reviewer.name,
                opinion=s.opinion,
                at=local(s.at),
                written=s.written,
                defence=s.defence,
                field_inspection=s.field_inspection,
            )
            for s in view.scores
        ],
        correction=correction(view.correction),
        institution_versions=[
            InstitutionPublic.model_validate(i, from_attributes=True) for i in view.institution_versions
        ],
        county_opinions=[
            DepartmentOpinionPublic(
                department=o.department,
                opinion="agree" if o.agree else "disagree",
                text=o.text,
                by=o.by.name,
                at=local(o.at),
            )
            for o in view.county_opinions
        ],
        opinions_required=view.opinions_required,
        announced_by_batch=view.announced_by_batch,
        announcement_id=view.announcement_id,
        program=ProgramRefPublic(id=view.program.id, version=view.program.version, title=view.program.title)
        if view.program
        else None,
    )


def correction(c: Correction | None) -> CorrectionPublic | None:
    if c is None:
        return None
    return CorrectionPublic(
        act=c.act,
        requested_by=c.requested_by.name,
        requested_by_role=c.requested_by.role,
        reason=c.reason,
        items=list(c.items),
        requested_at=local(c.requested_at),
        last_day=c.window.last_day,
        ends_at=local(c.window.ends_at),
        remind_at=local(c.window.remind_at) if c.window.remind_at else None,
        confirmed=c.window.confirmed,
    )


def page(rows: Sequence[Any], total: int, limit: int, offset: int) -> ApplicationPage:
    """The list's page from read-model rows (ORM objects or db.queries.workbench.summaries' rows), validated in one
    call rather than one model at a time."""
    return ApplicationPage.model_validate(
        {"items": [_summary(r) for r in rows], "total": total, "limit": limit, "offset": offset}
    )


def _summary(row: Any) -> dict[str, Any]:
    """An ApplicationSummary's fields."""
    return {
        "id": row.id,
        "number": row.number,  # the readable 申报编号 (db/numbers.py); None before it is given
        "level": row.level,
        "county": row.county,
        "round_id": row.round_id,
        "institution_name": row.institution_name,
        "institution_type": row.institution_type,
        "state": row.state,
        "notice": notice_of(row),
        "flagged": row.flagged,
        "declared_at": local(row.declared_at),
        "updated_at": local(row.updated_at),
    }


def listing(row: models.Application) -> NoticeListing:
    window = notice_of(row)
    assert window is not None  # only rows under notice are listed
    return NoticeListing(
        id=row.id,
        institution_name=row.institution_name,
        institution_type=row.institution_type,
        county=row.county,
        level=row.level,
        notice=window,
    )
