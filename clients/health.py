"""Is a worker there? The Temporal frontend remembers who polled a task queue lately."""

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client


async def workflow_pollers(client: Client, task_queue: str, timeout_seconds: float = 2.0) -> int:
    """How many workers polled ``task_queue`` for workflow tasks recently (raises RPCError when Temporal is down)."""
    from datetime import timedelta

    answer = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=client.namespace,
            task_queue=TaskQueue(name=task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        ),
        timeout=timedelta(seconds=timeout_seconds),
    )
    return len(answer.pollers)
