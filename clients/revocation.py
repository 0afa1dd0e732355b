"""Handles on revocation workflows (workflows/revocation.py): the services reach RevocationWorkflow only here."""

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from contracts.revocation import Proposal, RevocationSignAct, RevocationView, SubjectKind
from workflows.revocation import RevocationWorkflow, workflow_id_for


def handle_for(
    client: Client, kind: SubjectKind, subject_id: str
) -> WorkflowHandle[RevocationWorkflow, RevocationView]:
    return client.get_workflow_handle_for(RevocationWorkflow.run, workflow_id_for(kind, subject_id))


async def start_proposal(client: Client, task_queue: str, proposal: Proposal) -> None:
    """Start the proposal's workflow; ``WorkflowAlreadyStartedError`` while the title has an open one (one at a time:
    the id is the title's, reused once the earlier proposal ended)."""
    await client.start_workflow(
        RevocationWorkflow.run,
        proposal,
        id=workflow_id_for(proposal.subject.kind, proposal.subject.subject_id),
        task_queue=task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
    )


async def co_sign(client: Client, kind: SubjectKind, subject_id: str, act: RevocationSignAct) -> RevocationView:
    return await handle_for(client, kind, subject_id).execute_update(RevocationWorkflow.co_sign, act)
