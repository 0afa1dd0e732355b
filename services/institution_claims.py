"""One institution, one live declaration: by 统一社会信用代码, city-wide, at each level.

A declaration is refused (409) while another application of the institution at that level is live
(``institution_already_declared``) or holds that level's title (``institution_already_titled``). Two checks:

- the read model (``on_record``): applications declared before claims existed, titles, historic titles;
- the claim (workflows/institution_claim.py), taken in Temporal just before the application's workflow starts: one
  running workflow per id, so of N declarations sent at once exactly one takes it. The read model alone is not
  race-safe (a declaration is recorded after its workflow starts).

To a clerk of another county the refusal names no application of theirs (no id, no 申报编号, no county); the
declaring county's own clerk is told its own application's 申报编号.
"""

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from temporalio.client import WorkflowExecutionStatus, WorkflowFailureError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from contracts.application import Declaration
from contracts.rules.institutions import INSTITUTION_ALREADY_DECLARED, INSTITUTION_ALREADY_TITLED
from db.queries.institutions import TITLED, Standing, application_state
from db.session import get_engine
from services.context import Context
from services.refusals import Refusal, from_temporal
from state.domain import Level, Stage
from state.labels import LEVELS, level_title
from state.machine import FINAL_STAGES
from workflows.application import workflow_id_for
from workflows.institution_claim import InstitutionClaim, InstitutionClaimWorkflow, claim_program, claim_workflow_id

log = logging.getLogger("biaogan.claims")
ATTEMPTS = 3
RELEASE_WAIT_SECONDS = 5.0  # an application that has just ended releases its claim a moment after its last act
# A claim whose application has not started by then never will (a start waits BIAOGAN_WORKER_WAIT_SECONDS at most).
STALE_AFTER = timedelta(minutes=5)


def already_declared(level: Level, credit_code: str, county: str, holder_county: str, number: str | None) -> Refusal:
    own = number is not None and holder_county == county
    facts: dict[str, Any] = {"number": number, "yours": f"（本县区申报编号{number}）"} if own else {}
    return Refusal(
        409,
        INSTITUTION_ALREADY_DECLARED,
        field="institution.credit_code",
        credit_code=credit_code,
        level=level.value,
        level_label=LEVELS[level],
        **facts,
    )


def already_titled(level: Level, credit_code: str) -> Refusal:
    return Refusal(
        409,
        INSTITUTION_ALREADY_TITLED,
        field="institution.credit_code",
        credit_code=credit_code,
        level=level.value,
        level_title=level_title(level),
    )


def standing_refusal(standing: Standing, level: Level, credit_code: str, county: str) -> Refusal | None:
    """The read model's verdict on a declaration of the institution at ``level`` by ``county``."""
    if standing.titled:
        return already_titled(level, credit_code)
    if standing.live:
        own = [a for a in standing.live if a.county == county]
        first = (own or standing.live)[0]
        return already_declared(level, credit_code, county, first.county, first.number)
    return None


def _state_of(database_url: str, application_id: str) -> tuple[Stage, str | None] | None:
    with Session(get_engine(database_url)) as s:
        return application_state(s, application_id)


async def _holder_gone(ctx: Context, holder: InstitutionClaim) -> bool:
    """Whether the claim's application will never release it: its workflow has closed (ended without its release:
    terminated, failed), or has not started long after the claim (its declaration cut off in between)."""
    try:
        described = await ctx.client.get_workflow_handle(workflow_id_for(holder.application_id)).describe()
    except RPCError as e:
        if e.status != RPCStatusCode.NOT_FOUND:
            raise from_temporal(e, f"application {holder.application_id!r}") from None
        return holder.claimed_at is not None and datetime.now(UTC) - holder.claimed_at > STALE_AFTER
    return described.status != WorkflowExecutionStatus.RUNNING


async def take(ctx: Context, decl: Declaration) -> bool:
    """Claim the institution at its level for ``decl``'s application: True when taken now; False when this very
    application holds it already (the same Idempotency-Key again). Refused 409 when another application holds it."""
    code = decl.institution.credit_code.strip().upper()
    claim_id = claim_workflow_id(decl.level, code, claim_program(decl))
    claim = InstitutionClaim(decl.application_id, decl.level, code, decl.county)
    for _ in range(ATTEMPTS):
        try:
            await ctx.client.start_workflow(
                InstitutionClaimWorkflow.run,
                claim,
                id=claim_id,
                task_queue=ctx.settings.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,  # a released claim may be taken again
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,  # one running claim: the others are refused
            )
            return True
        except WorkflowAlreadyStartedError:
            pass
        except RPCError as e:
            raise from_temporal(e, f"claim {claim_id!r}") from None
        handle = ctx.client.get_workflow_handle(claim_id)
        try:
            holder = await handle.query(InstitutionClaimWorkflow.holder)
        except RPCError as e:
            if e.status == RPCStatusCode.NOT_FOUND:
                continue
            raise from_temporal(e, f"claim {claim_id!r}") from None
        if holder.application_id == decl.application_id:
            return False
        held = await run_in_threadpool(_state_of, ctx.database_url, holder.application_id)
        if held is not None and held[0] in TITLED:
            raise already_titled(decl.level, code)
        ended = held is not None and held[0] in FINAL_STAGES  # its release is on its way
        if ended or await _holder_gone(ctx, holder):
            try:
                if not ended:  # nothing else would release it
                    await handle.signal(InstitutionClaimWorkflow.release, holder.application_id)
                await asyncio.wait_for(handle.result(), RELEASE_WAIT_SECONDS)
            except (TimeoutError, WorkflowFailureError, RPCError):
                pass
            continue
        raise already_declared(decl.level, code, decl.county, holder.county, held[1] if held else None)
    raise already_declared(decl.level, code, decl.county, "", None)


async def release(ctx: Context, decl: Declaration) -> None:
    """Give the claim back: the application taking it could not be started."""
    claim_id = claim_workflow_id(decl.level, decl.institution.credit_code, claim_program(decl))
    try:
        await ctx.client.get_workflow_handle(claim_id).signal(InstitutionClaimWorkflow.release, decl.application_id)
    except RPCError as e:  # the next declaration of the institution finds it stale (_holder_gone) and releases it
        log.error("could not release claim %s of %s: %s", claim_id, decl.application_id, e)
