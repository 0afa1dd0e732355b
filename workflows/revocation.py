"""RevocationWorkflow: one proposal to revoke a title (撤销), as the issuing organs decide it.

An inspector proposes, on one of the notice's five grounds, with the evidence; the three departments of the level
that announced the title (the city's for a city-level title, the county's for a county-level one) each say once
whether they agree. A ``decline`` ends the proposal (recorded, nothing revoked); the third ``sign`` decides: a 文号
drawn from the register (key ``revocation:<proposal id>``), the 撤销决定 rendered once and kept in the blob store
(its SHA-256 is the activity's result in this history), then the title revoked — an application by
ApplicationWorkflow's ``revoke_by_decision`` update, a historic title in the read model — and the institution told.

Workflow id: ``revocation-<subject kind>-<subject id>`` (``workflow_id_for``): one open proposal per title, a later
one after it ended reuses the id. Every change of the proposal is written to the read model (db/revocations.py).

Updates (refusable, validated): co_sign (同意 / 不同意, by a department). Queries: view.
"""

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.register import RegisterActivities
    from activities.revocation import RevocationActivities
    from contracts.refusals import RefusalKind, refuse
    from contracts.register import DrawNumber
    from contracts.revocation import (
        CoSignature,
        Proposal,
        RevocationSignAct,
        RevocationState,
        RevocationView,
        RevokeByDecision,
        SubjectKind,
    )
    from contracts.rules import RULES
    from contracts.rules import revocations as rules
    from state.authority import authority_refused
    from state.clock import SHANGHAI
    from state.domain import Act, Level
    from state.labels import LEVELS, REVOCATION_DECISIONS, department_label
    from state.organs import lead_prefix

TIMEOUT = timedelta(seconds=60)  # rendering the decision loads the fonts; revoking waits for the application
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
SIGNATURES_NEEDED = 3


def workflow_id_for(kind: SubjectKind, subject_id: str) -> str:
    return f"revocation-{kind.value}-{subject_id}"


def application_workflow_id(application_id: str) -> str:
    return f"application-{application_id}"  # workflows.application.workflow_id_for


@workflow.defn
class RevocationWorkflow:
    @workflow.init
    def __init__(self, proposal: Proposal) -> None:
        self._v = RevocationView(proposal=proposal, proposed_at=workflow.now(), state=RevocationState.pending)
        self._lock = asyncio.Lock()
        self._recorded = False

    @workflow.run
    async def run(self, proposal: Proposal) -> RevocationView:
        async with self._lock:
            await self._record()
            self._recorded = True
        await workflow.wait_condition(lambda: self._v.state != RevocationState.pending)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._v

    # ---- update ----------------------------------------------------------------------------------
    @workflow.update
    async def co_sign(self, act: RevocationSignAct) -> RevocationView:
        v = self._v
        await workflow.wait_condition(lambda: self._recorded)
        async with self._lock:
            self._check(act)
            assert act.actor.department is not None
            v.signatures.append(
                CoSignature(act.actor.department, act.actor, act.signed, act.reason.strip(), workflow.now())
            )
            if not act.signed:
                v.state = RevocationState.declined
            elif sum(1 for s in v.signatures if s.signed) >= (len(v.proposal.departments) or SIGNATURES_NEEDED):
                await self._decide()
                return v
            await self._record()
            return v

    @co_sign.validator
    def _validate_co_sign(self, act: RevocationSignAct) -> None:
        self._check(act)

    def _check(self, act: RevocationSignAct) -> None:
        v, subject, actor = self._v, self._v.proposal.subject, act.actor
        if v.state != RevocationState.pending:  # ended while this word was on its way
            raise refuse(RefusalKind.act_not_allowed, rules.REVOCATION_NONE_OPEN, state=v.state.value)
        city = subject.level == Level.city
        why = authority_refused(Act.co_sign, actor, subject.level, subject.county)
        if why is not None and why.code == "co_sign_level":
            raise refuse(
                RefusalKind.forbidden,
                rules.REVOCATION_SIGNER_LEVEL,
                level=subject.level.value,
                level_label=LEVELS[subject.level],
                where="市" if city else subject.county,
            )
        if why is not None:
            raise refuse(RefusalKind.forbidden, RULES[why.code], **why.facts)
        assert actor.department is not None
        deciders = v.proposal.departments
        elsewhere = bool(v.proposal.city and actor.city and actor.city != v.proposal.city)
        if elsewhere or (deciders and actor.department not in deciders):
            raise refuse(
                RefusalKind.forbidden,
                rules.REVOCATION_NOT_A_DECIDER,
                deciders="、".join(department_label(d, subject.level) for d in deciders) or "三部门",
            )
        earlier = next((s for s in v.signatures if s.department == actor.department), None)
        if earlier is not None:
            raise refuse(
                RefusalKind.act_not_allowed,
                rules.REVOCATION_SIGNED_TWICE,
                department=actor.department.value,
                department_label=department_label(actor.department, subject.level),
                decision_label=REVOCATION_DECISIONS["sign" if earlier.signed else "decline"],
            )
        if not act.signed and not act.reason.strip():
            raise refuse(RefusalKind.invalid_input, rules.REVOCATION_DECLINE_REASON, field="reason")

    # ---- the decision ----------------------------------------------------------------------------
    async def _decide(self) -> None:
        v = self._v
        p, subject = v.proposal, v.proposal.subject
        day = workflow.now().astimezone(SHANGHAI).date()
        prefix = p.document_prefix or lead_prefix(
            subject.level, subject.county if subject.level == Level.county else None
        )
        v.document_no = await workflow.execute_activity_method(
            RegisterActivities.draw_document_number,
            DrawNumber(prefix=prefix, year=day.year, key=f"revocation:{p.proposal_id}", purpose="撤销决定"),
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
        )
        v.decided_on = day
        v.document_sha256 = await workflow.execute_activity_method(
            RevocationActivities.issue_decision, v, start_to_close_timeout=TIMEOUT, retry_policy=RETRY
        )
        if subject.kind == SubjectKind.application:
            decision = RevokeByDecision(
                workflow_id=application_workflow_id(subject.subject_id),
                actor=p.proposer,
                ground=p.ground,
                evidence=p.evidence,
                proposal_id=p.proposal_id,
                document_no=v.document_no,
                decided_on=day,
                document_sha256=v.document_sha256,
                files=list(p.files),
            )
            try:
                await workflow.execute_activity_method(
                    RevocationActivities.revoke_application,
                    decision,
                    start_to_close_timeout=TIMEOUT,
                    retry_policy=RETRY,
                )
            except ActivityError as e:  # the title was revoked meanwhile (the old one-click path): the decision stands
                workflow.logger.warning("application %s not revoked by the decision: %s", subject.subject_id, e)
        v.state = RevocationState.revoked
        await self._record()
        await workflow.execute_activity_method(
            RevocationActivities.notify_institution, v, start_to_close_timeout=TIMEOUT, retry_policy=RETRY
        )

    async def _record(self) -> None:
        await workflow.execute_activity_method(
            RevocationActivities.record_revocation, self._v, start_to_close_timeout=TIMEOUT, retry_policy=RETRY
        )

    # ---- query -----------------------------------------------------------------------------------
    @workflow.query
    def view(self) -> RevocationView:
        return self._v
