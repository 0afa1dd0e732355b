"""InstitutionClaimWorkflow: one institution's live declaration at one level, held in Temporal (id
``institution-<level>-<credit code>``).

Temporal runs at most one workflow per id, so of declarations of one institution and level sent at once exactly one
starts its claim (services/institution_claims.py starts it before the application's workflow, failing when one is
running). The claim lasts while its application lives, titled included, and ends when the application reaches a
final state (ApplicationWorkflow signals ``release`` at the end of its run) or when the application could not be
started. A release naming another application is ignored: the id may be held again by a later declaration.
"""

from dataclasses import dataclass
from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.application import Declaration
    from state.domain import Level


@dataclass(frozen=True)
class InstitutionClaim:
    application_id: str
    level: Level
    credit_code: str
    county: str  # the declaring county
    claimed_at: datetime | None = None  # set by the workflow


def claim_workflow_id(level: Level, credit_code: str, program: str = "") -> str:
    """One claim per institution and level; in another program than the first, per that program too."""
    code = credit_code.strip().upper()
    return f"institution-{program}-{level.value}-{code}" if program else f"institution-{level.value}-{code}"


def claim_program(decl: Declaration) -> str:
    """The program a declaration's claim is kept under: "" for the first program (as claims always were)."""
    return decl.program.id if decl.program is not None and decl.program.own_facts else ""


@workflow.defn
class InstitutionClaimWorkflow:
    """Held by one application until ``release`` names it. Query: ``holder``."""

    @workflow.init
    def __init__(self, claim: InstitutionClaim) -> None:
        self._claim = claim
        self._released = False

    @workflow.run
    async def run(self, claim: InstitutionClaim) -> str:
        self._claim = InstitutionClaim(
            claim.application_id, claim.level, claim.credit_code, claim.county, workflow.now()
        )
        await workflow.wait_condition(lambda: self._released)
        return claim.application_id

    @workflow.signal
    def release(self, application_id: str) -> None:
        if application_id == self._claim.application_id:
            self._released = True

    @workflow.query
    def holder(self) -> InstitutionClaim:
        return self._claim
