"""Revocation (撤销) as the issuing organs' decision, one call each: an inspector proposes (``propose``, or
``propose_historic`` for a title imported from before the system), the three departments of the level that announced
the title co-sign or decline (``co_sign``), and the third signature's 撤销决定 is served as kept (``document``) and
listed publicly (``public_list``). Writes go through RevocationWorkflow (clients/revocation.py); reads come from the
read model (db/revocations.py)."""

import asyncio
import re
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fastapi.concurrency import run_in_threadpool
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from clients import revocation as workflows
from contracts.application import ApplicationView, SubmittedMaterial
from contracts.revocation import Proposal, RevocationSignAct, RevocationSubject, SubjectKind
from contracts.rules import access as access_rules
from contracts.rules import revocations as rules
from db import programs as program_store
from db import revocations as table
from db.revocations import Revocation
from db.rounds import HistoricTitle
from db.session import session_for
from schemas.revocations import PublicRevocation, RevocationPublic, RevocationSignaturePublic
from services import access
from services.access import fetch_view, locate
from services.context import Context
from services.declarations import REVOCATION_EVIDENCE, evidence_files, store_for
from services.pdf import Pdf
from services.programs import program_of
from services.refusals import Refusal, from_temporal
from state.domain import Act, Actor, Department, Level, RevocationReason, Stage, type_key
from state.labels import (
    DEPARTMENT_ORDER,
    LEVELS,
    REVOCATION_DECISIONS,
    REVOCATION_REASONS,
    REVOCATION_STATES,
    department_label,
)
from state.organs import lead_prefix

PREFIX = "/api/v1"  # api.deps.API_PREFIX (services do not import the API)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
HELD = (Stage.announced, Stage.plaque_awarded)


# ---- reading ---------------------------------------------------------------------------------------------
def document_url(row: Revocation) -> str | None:
    if row.document_sha256 is None:
        return None
    if row.subject_kind == SubjectKind.application.value:
        return f"{PREFIX}/applications/{row.subject_id}/revocation/document.pdf"
    return f"{PREFIX}/historic-titles/{row.subject_id}/revocation/document.pdf"


def public_document_url(row: Revocation) -> str:
    return f"{PREFIX}/public/revocations/{row.proposal_id}/document.pdf"


def present(row: Revocation) -> RevocationPublic:
    level = Level(row.level)
    signatures = [
        RevocationSignaturePublic(
            department=Department(s["department"]),
            department_label=department_label(Department(s["department"]), level),
            name=s["name"],
            decision="sign" if s["signed"] else "decline",
            decision_label=REVOCATION_DECISIONS["sign" if s["signed"] else "decline"],
            reason=s["reason"],
            at=datetime.fromisoformat(s["at"]),
        )
        for s in row.signatures
    ]
    said = {s.department for s in signatures}
    return RevocationPublic(
        id=row.proposal_id,
        subject="application" if row.subject_kind == "application" else "historic",
        subject_id=row.subject_id,
        level=level,
        county=row.county,
        institution_name=row.institution_name,
        ground=RevocationReason(row.ground),
        ground_label=REVOCATION_REASONS[RevocationReason(row.ground)],
        evidence=row.evidence,
        proposer=row.proposer_name,
        proposed_at=row.proposed_at,
        state="pending" if row.state == "pending" else ("revoked" if row.state == "revoked" else "declined"),
        state_label=REVOCATION_STATES[row.state],
        signatures=signatures,
        awaiting=[d for d in DEPARTMENT_ORDER if d not in said] if row.state == table.OPEN else [],
        document_no=row.document_no,
        decided_on=row.decided_on,
        document_url=document_url(row),
    )


def _latest(ctx: Context, kind: SubjectKind, subject_id: str) -> Revocation | None:
    with ctx.session() as s:
        return table.latest_for(s, kind.value, subject_id)


def proposal_of_application(database_url: str, application_id: str) -> RevocationPublic | None:
    """As ``of_application``, for a page built without awaiting (web/routes/applications.py)."""
    with session_for(database_url) as s:
        row = table.latest_for(s, SubjectKind.application.value, application_id)
    return present(row) if row else None


async def of_application(ctx: Context, application_id: str) -> RevocationPublic | None:
    """The application's latest proposal (for its detail), None when it never had one."""
    row = await run_in_threadpool(_latest, ctx, SubjectKind.application, application_id)
    return present(row) if row else None


async def of_subject(ctx: Context, actor: Actor, kind: SubjectKind, subject_id: str) -> RevocationPublic:
    await _admit(ctx, actor, kind, subject_id)
    row = await run_in_threadpool(_latest, ctx, kind, subject_id)
    if row is None:
        raise Refusal(404, rules.REVOCATION_NOT_FOUND, target=subject_id)
    return present(row)


async def _settled(ctx: Context, kind: SubjectKind, subject_id: str, proposal_id: str, said: int) -> Revocation:
    """The proposal's row once the read model shows ``said`` signatures (the workflow writes it before answering;
    this waits out a projection still on its way)."""
    row = None
    for _ in range(100):
        row = await run_in_threadpool(_latest, ctx, kind, subject_id)
        if row is not None and row.proposal_id == proposal_id and len(row.signatures) >= said:
            return row
        await asyncio.sleep(0.05)
    raise Refusal(503, access_rules.ACT_TIMEOUT, headers={"Retry-After": "1"}, code="act_timeout")


# ---- proposing -------------------------------------------------------------------------------------------
def _application_subject(view: ApplicationView) -> RevocationSubject:
    i = view.institution
    return RevocationSubject(
        kind=SubjectKind.application,
        subject_id=view.application_id,
        level=view.level,
        county=view.county,
        institution_name=i.name,
        institution_type=type_key(i.type),
        credit_code=i.credit_code,
        announcement_doc_no=view.announcement_doc_no or "",
        announced_on=view.announced_on,
        contact=i.contact,
        phone=i.phone,
        email=i.contact.strip() if EMAIL.match(i.contact.strip()) else "",
    )


def _historic(ctx: Context, title_id: str) -> HistoricTitle | None:
    if not title_id.isdigit():
        return None
    with ctx.session() as s:
        return s.get(HistoricTitle, int(title_id))


def _historic_subject(title: HistoricTitle) -> RevocationSubject:
    return RevocationSubject(
        kind=SubjectKind.historic,
        subject_id=str(title.id),
        level=Level(title.level),
        county=title.county,
        institution_name=title.institution_name,
        institution_type=title.institution_type,
        credit_code=title.credit_code,
        announcement_doc_no=title.document_no,
        announced_on=title.awarded_on,
    )


async def _admit(ctx: Context, actor: Actor, kind: SubjectKind, subject_id: str) -> tuple[Level, str]:
    """The subject's level and county, once the caller may see it (404 otherwise)."""
    if kind == SubjectKind.application:
        place = await locate(ctx, subject_id, actor)
        return place.level, place.county
    title = await run_in_threadpool(_historic, ctx, subject_id)
    if title is None or not access.may_see(actor, title.county):
        raise Refusal(404, rules.HISTORIC_TITLE_NOT_FOUND, target=subject_id)
    return Level(title.level), title.county


async def propose(
    ctx: Context, actor: Actor, application_id: str, ground: RevocationReason, evidence: str, files: Sequence[str] = ()
) -> RevocationPublic:
    """An inspector's proposal to revoke an application's title (撤销提议): the application stays as it is until the
    three departments have signed. 409 while the title has an open proposal, or is not held."""
    view = await fetch_view(ctx, application_id, actor)
    access.require_authority(Act.revoke, actor, view)
    if view.state not in HELD or Act.revoke not in view.allowed_acts:
        raise access.not_allowed(view, actor, Act.revoke)
    stored = await evidence_files(ctx.settings, files, actor.user_id, REVOCATION_EVIDENCE, application_id)
    decided_by = await _deciders(ctx, view)
    return await _start(ctx, actor, _application_subject(view), ground, evidence, stored, decided_by)


async def _deciders(ctx: Context, view: ApplicationView) -> dict[str, Any]:
    """Who decides the revocation of another program's title: its city, its departments at the level, the lead
    organ's 机关代字 and the title's name ({}: the first program's three departments)."""
    program = view.program
    if program is None or not program.own_facts:
        return {}
    row = await run_in_threadpool(program_store.version, ctx.database_url, program.id, program.version)
    title = ""
    if row is not None:
        title = next((lv.full_title for lv in program_of(row).levels if lv.key == view.level.value), "")
    county = view.county if view.level == Level.county else None
    return {
        "city": program.city,
        "departments": list(program.departments),
        "document_prefix": lead_prefix(view.level, county, city=program.city),
        "title_name": title,
    }


async def propose_historic(
    ctx: Context, actor: Actor, title_id: str, ground: RevocationReason, evidence: str, files: Sequence[str] = ()
) -> RevocationPublic:
    """As ``propose``, on a title imported from before the system (历史称号). 409 once it is revoked."""
    title = await run_in_threadpool(_historic, ctx, title_id)
    if title is None or not access.may_see(actor, title.county):
        raise Refusal(404, rules.HISTORIC_TITLE_NOT_FOUND, target=title_id)
    latest = await run_in_threadpool(_latest, ctx, SubjectKind.historic, title_id)
    if latest is not None and latest.state == table.REVOKED:
        revoked_on = latest.decided_on.isoformat() if latest.decided_on else ""
        raise Refusal(409, rules.REVOCATION_TITLE_REVOKED, revoked_on=revoked_on, document_no=latest.document_no)
    stored = await evidence_files(ctx.settings, files, actor.user_id, REVOCATION_EVIDENCE, f"historic-{title_id}")
    return await _start(ctx, actor, _historic_subject(title), ground, evidence, stored)


async def _start(
    ctx: Context,
    actor: Actor,
    subject: RevocationSubject,
    ground: RevocationReason,
    evidence: str,
    files: list[SubmittedMaterial],
    decided_by: dict[str, Any] | None = None,
) -> RevocationPublic:
    proposal = Proposal(
        proposal_id=uuid.uuid4().hex,
        subject=subject,
        ground=ground,
        evidence=evidence.strip(),
        proposer=actor,
        files=files,
        **(decided_by or {}),
    )
    try:
        await workflows.start_proposal(ctx.client, ctx.settings.task_queue, proposal)
    except WorkflowAlreadyStartedError:
        raise Refusal(409, rules.REVOCATION_ALREADY_PROPOSED, subject_id=subject.subject_id) from None
    except Exception as e:
        raise from_temporal(e, f"revocation {subject.subject_id!r}") from None
    return present(await _settled(ctx, subject.kind, subject.subject_id, proposal.proposal_id, 0))


# ---- co-signing ------------------------------------------------------------------------------------------
async def co_sign(
    ctx: Context, actor: Actor, kind: SubjectKind, subject_id: str, signed: bool, reason: str
) -> RevocationPublic:
    """A department's word on the open proposal: the third ``sign`` revokes (answered once the decision is issued
    and the title revoked); a ``decline`` ends the proposal."""
    await _admit(ctx, actor, kind, subject_id)
    latest = await run_in_threadpool(_latest, ctx, kind, subject_id)
    if latest is None or latest.state != table.OPEN:
        raise Refusal(409, rules.REVOCATION_NONE_OPEN, subject_id=subject_id)
    act = RevocationSignAct(actor=actor, signed=signed, reason=reason)
    try:
        view = await workflows.co_sign(ctx.client, kind, subject_id, act)
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:  # it ended between the look and the word
            raise Refusal(409, rules.REVOCATION_NONE_OPEN, subject_id=subject_id) from None
        raise from_temporal(e, f"revocation {subject_id!r}") from None
    except Exception as e:
        raise from_temporal(e, f"revocation {subject_id!r}") from None
    return present(await _settled(ctx, kind, subject_id, view.proposal.proposal_id, len(view.signatures)))


# ---- the decision ----------------------------------------------------------------------------------------
def _pdf(ctx: Context, row: Revocation) -> Pdf:
    assert row.document_sha256 is not None
    name = f"revocation-{row.proposal_id}.pdf"
    return Pdf(store_for(ctx.settings).get(row.document_sha256), name, row.document_sha256)


async def document(ctx: Context, actor: Actor, kind: SubjectKind, subject_id: str) -> Pdf:
    """The 撤销决定 as kept; 404 before the third signature."""
    await _admit(ctx, actor, kind, subject_id)
    row = await run_in_threadpool(_latest, ctx, kind, subject_id)
    if row is None or row.document_sha256 is None:
        raise Refusal(404, rules.REVOCATION_NO_DOCUMENT, target=subject_id)
    return await run_in_threadpool(_pdf, ctx, row)


def _decided(ctx: Context) -> list[Revocation]:
    with ctx.session() as s:
        return table.decided(s)


def _by_id(ctx: Context, proposal_id: str) -> Revocation | None:
    with ctx.session() as s:
        return s.get(Revocation, proposal_id)


async def public_document(ctx: Context, proposal_id: str) -> Pdf:
    """A decided revocation's 撤销决定, for anyone (它是主动公开的公文)."""
    row = await run_in_threadpool(_by_id, ctx, proposal_id)
    if row is None or row.state != table.REVOKED or row.document_sha256 is None:
        raise Refusal(404, rules.REVOCATION_NO_DOCUMENT, target=proposal_id)
    return await run_in_threadpool(_pdf, ctx, row)


def announced(row: Revocation) -> PublicRevocation:
    assert row.document_no is not None and row.decided_on is not None
    level = Level(row.level)
    return PublicRevocation(
        institution_name=row.institution_name,
        level=level,
        level_label=LEVELS[level],
        county=row.county,
        ground=RevocationReason(row.ground),
        ground_label=REVOCATION_REASONS[RevocationReason(row.ground)],
        document_no=row.document_no,
        decided_on=row.decided_on,
        document_url=public_document_url(row),
    )


async def public_list(ctx: Context) -> list[PublicRevocation]:
    """The 撤销公告: every title revoked by a decision, the latest first."""
    return [announced(r) for r in await run_in_threadpool(_decided, ctx)]
