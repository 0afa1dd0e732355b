"""An application's part in its batch (批次公布, workflows/announcement.py): joining one, leaving it when the batch
could not be formed, being announced by its joint document; and the refusal of the per-application co-signature
for an application that a batch announces.

An application joins at most one batch. Histories recorded before batches never carry these updates, so none of
this changes how they replay."""

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from contracts.announcement import AnnounceAct, JoinAnnouncement, Member
    from contracts.refusals import RefusalKind, refuse
    from contracts.rules.announcements import (
        ANNOUNCEMENT_ALREADY_BATCHED,
        ANNOUNCEMENT_MIXED,
        ANNOUNCEMENT_NOTICE_NOT_CLOSED,
        CO_SIGN_BY_ANNOUNCEMENT,
    )
    from state.domain import Act, Level, Stage, type_key
    from state.labels import DEPARTMENTS, LEVELS, STAGES
    from state.machine import FINAL_STAGES
    from workflows.application_rules import allowed, not_now
    from workflows.application_state import ApplicationState

NOT_BEFORE_ANNOUNCED = FINAL_STAGES | {Stage.announced, Stage.plaque_awarded}


def member(s: ApplicationState) -> Member:
    return Member(
        application_id=s.decl.application_id,
        institution_name=s.decl.institution.name,
        institution_type=type_key(s.decl.institution.type),
        county=s.decl.county,
        state=s.facts.state,
        notice_closed=s.facts.notice_closed,
        objections=len(s.objections),
    )


def _not_closed(s: ApplicationState) -> ApplicationError:
    return not_now(
        s,
        ANNOUNCEMENT_NOTICE_NOT_CLOSED,
        institution=s.decl.institution.name,
        state_label=STAGES[s.facts.state],
    )


def check_join(s: ApplicationState, batch: str | None, join: JoinAnnouncement) -> None:
    """Joining the batch it is in again is accepted (a retried join); any other batch is refused."""
    if batch == join.announcement_id:
        return
    if batch is not None:
        raise not_now(s, ANNOUNCEMENT_ALREADY_BATCHED, institution=s.decl.institution.name, announcement_id=batch)
    county = s.decl.county if s.decl.level == Level.county else None
    if s.decl.level != join.level or county != join.county:
        found = f"{LEVELS[s.decl.level]}（{s.decl.county}）"
        raise refuse(RefusalKind.invalid_input, ANNOUNCEMENT_MIXED, found=found, application_id=s.decl.application_id)
    if join.notice_closed_required:
        if s.facts.state != Stage.publicized or not s.facts.notice_closed:
            raise _not_closed(s)
    elif s.facts.state in NOT_BEFORE_ANNOUNCED:
        raise _not_closed(s)


def announced_by(s: ApplicationState, batch: str | None, act: AnnounceAct) -> bool:
    """Already announced by this very batch: a retried announcement answers without acting again."""
    return batch == act.announcement_id and s.announcement is not None and s.facts.state != Stage.publicized


def check_announce(s: ApplicationState, batch: str | None, act: AnnounceAct) -> None:
    if announced_by(s, batch, act):
        return
    if batch != act.announcement_id or not allowed(s, Act.announce):
        raise _not_closed(s)


def check_no_batch(s: ApplicationState, batch: str | None) -> None:
    """An application in a batch is co-signed once for the whole batch, not by itself."""
    if batch is not None:
        raise not_now(s, CO_SIGN_BY_ANNOUNCEMENT, announcement_id=batch)


def announce_details(act: AnnounceAct) -> dict[str, str]:
    return {
        "announcement_id": act.announcement_id,
        "document_no": act.document_no,
        "signed_on": act.signed_on.isoformat(),
        "sha256": act.sha256,
    }


def issued_by(s: ApplicationState) -> str:
    """Who announced it, as its timeline says: 三部门联合 for the first program; another program's departments."""
    program = s.decl.program
    if program is None or not program.own_facts or not program.departments:
        return "三部门联合"
    if len(program.departments) == 1:
        return DEPARTMENTS[program.departments[0]]
    return f"{'、'.join(DEPARTMENTS[d] for d in program.departments)}联合"
