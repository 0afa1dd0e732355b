"""The revocation workflow's activities (workflows/revocation.py): the read model of proposals (an upsert by
proposal id), the 撤销决定 rendered once and kept in the blob store, the application revoked by its workflow's
``revoke_by_decision`` update (an activity that drives another workflow, like activities/places.py), and the
institution told through the channels."""

import re
from datetime import UTC, datetime
from typing import Any

from temporalio import activity
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from activities.channels import Outgoing, deliver
from activities.notify import deliver_outside, render, write_inbox
from activities.sealing import REVOCATION, sealed_content
from config import Settings
from contracts.application import ActResult
from contracts.notify import Delivered, Message, NotifyRequest, Recipient
from contracts.refusals import RefusalKind, refuse
from contracts.revocation import RevocationView, RevokeByDecision
from db import revocations
from db.session import get_engine
from documents.revocation import RevocationDecision, revocation_decision
from state.domain import Level, Role
from state.labels import CITY, LEVELS, REVOCATION_REASONS, addressees, issuing_organs, level_title

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def organs_of(v: RevocationView) -> tuple[str, ...]:
    """The deciding organs, lead first: the level's three, or another program's departments (of its city)."""
    subject, p = v.proposal.subject, v.proposal
    county = subject.county if subject.level == Level.county else None
    return issuing_organs(subject.level, county, city=p.city or None, departments=p.departments)


def decision_document(v: RevocationView) -> RevocationDecision:
    """What the 撤销决定 says, from the proposal and its decision."""
    subject, p = v.proposal.subject, v.proposal
    assert v.document_no is not None and v.decided_on is not None
    return RevocationDecision(
        organs=organs_of(v),
        doc_number=v.document_no,
        institution_name=subject.institution_name,
        county=subject.county,
        level=LEVELS[subject.level],
        title_name=p.title_name or level_title(subject.level, full=True),
        awarded_by=subject.announcement_doc_no,
        awarded_on=subject.announced_on,
        ground=REVOCATION_REASONS[p.ground],
        evidence=p.evidence,
        signed_on=v.decided_on,
        addressees=addressees(subject.level, p.departments),
        city=p.city or CITY,
    )


def row_of(v: RevocationView) -> dict[str, Any]:
    subject, p = v.proposal.subject, v.proposal
    return {
        "proposal_id": p.proposal_id,
        "subject_kind": subject.kind.value,
        "subject_id": subject.subject_id,
        "level": subject.level.value,
        "county": subject.county,
        "institution_name": subject.institution_name,
        "credit_code": subject.credit_code,
        "announcement_doc_no": subject.announcement_doc_no,
        "announced_on": subject.announced_on,
        "ground": p.ground.value,
        "evidence": p.evidence,
        "proposer_id": p.proposer.user_id,
        "proposer_name": p.proposer.name,
        "proposed_at": v.proposed_at,
        "state": v.state.value,
        "signatures": [
            {
                "department": s.department.value,
                "name": s.actor.name,
                "user_id": s.actor.user_id,
                "signed": s.signed,
                "reason": s.reason,
                "at": s.at.isoformat(),
            }
            for s in v.signatures
        ],
        "document_no": v.document_no,
        "decided_on": v.decided_on,
        "document_sha256": v.document_sha256,
    }


class RevocationActivities:
    def __init__(self, settings: Settings, client: Client):
        self.settings = settings
        self.client = client

    @activity.defn
    def record_revocation(self, v: RevocationView) -> None:
        """The proposal as it stands, in the read model (the same row again on a retry)."""
        revocations.upsert(self.settings.database_url, row_of(v))

    @activity.defn
    def issue_decision(self, v: RevocationView) -> str:
        """The 撤销决定 as PDF, sealed by each of the issuing organs (lead first), kept in the blob store; its SHA-256
        (a retry answers the one kept first: activities/sealing.py)."""
        document = decision_document(v)
        pdf = revocation_decision(document)
        kept = sealed_content(
            self.settings, REVOCATION, document.organs, pdf, document_no=document.doc_number, issued_on=v.decided_on
        )
        return kept.sha256

    @activity.defn
    async def revoke_application(self, decision: RevokeByDecision) -> ActResult:
        """The application's title revoked by its workflow's update; its refusal is the activity's (not retried)."""
        handle = self.client.get_workflow_handle(decision.workflow_id)
        try:
            result: ActResult = await handle.execute_update("revoke_by_decision", decision, result_type=ActResult)
            return result
        except WorkflowUpdateFailedError as e:
            cause = e.cause
            if isinstance(cause, ApplicationError):
                raise refuse(RefusalKind.act_not_allowed, cause.message) from None
            raise

    @activity.defn
    def notify_institution(self, v: RevocationView) -> Delivered:
        """The decision's 文号 and ground to the institution's contact on record (its e-mail address, when the
        contact is one, and the addresses the directory lists under ``institution:<credit code>``), and to the
        inbox of its county bureau, which is in touch with it."""
        subject, p = v.proposal.subject, v.proposal
        assert v.document_no is not None and v.decided_on is not None
        params = {
            "institution": subject.institution_name,
            "title_name": level_title(subject.level, full=True),
            "document_no": v.document_no,
            "decided_on": f"{v.decided_on.year}年{v.decided_on.month}月{v.decided_on.day}日",
            "organs": "、".join(organs_of(v)),
            "ground": REVOCATION_REASONS[p.ground],
            "evidence": p.evidence,
        }
        message = Message(
            key=f"revocation:{p.proposal_id}",
            template="revocation_decided",
            recipients=[Recipient(Role.county_bureau, subject.county)],
            params=params,
            link_path="/revocations",
            subject_id=f"revocation-{subject.subject_id}",
            outside=[f"institution:{subject.credit_code}"],
        )
        request = NotifyRequest(message=message)
        channels = self.settings.channels
        now = datetime.now(UTC)
        with get_engine(self.settings.database_url).begin() as connection:
            result = write_inbox(connection, request, channels, now)
        result = deliver_outside(self.settings.database_url, channels, request, result)
        if subject.email and EMAIL.match(subject.email) and channels.smtp_host:
            title, body = render(request, channels.public_base_url or "http://127.0.0.1:8000")
            recipient = f"institution:{subject.credit_code}"
            out = Outgoing(message.key, recipient, "email", subject.email, title, body, {"params": params})
            if deliver(self.settings.database_url, channels, out) == "sent":
                result.emailed += 1
        return result
