"""Starting the objector's receipt text (workflows/receipt_text.py): the services reach it only here."""

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from workflows.receipt_text import ReceiptTextWorkflow, receipt_text_workflow_id


async def text_receipt(client: Client, task_queue: str, objection_id: str) -> None:
    """Once per objection: a second start (the page submitted again) finds the first and changes nothing."""
    try:
        await client.start_workflow(
            ReceiptTextWorkflow.run,
            objection_id,
            id=receipt_text_workflow_id(objection_id),
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
    except WorkflowAlreadyStartedError:
        pass  # it ran before: texted (or tried) once already
