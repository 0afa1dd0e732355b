"""Is a worker there? The Temporal frontend remembers who polled a task queue lately."""

from datetime import UTC, datetime, timedelta

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

# The frontend lists pollers for minutes after their last poll. A live worker long-polls continuously (each poll
# lasts up to about a minute), so its last poll is recent; a dead one's ages. Older pollers are not counted.
FRESH = timedelta(seconds=90)


async def workflow_pollers(client: Client, task_queue: str, timeout_seconds: float = 2.0) -> int:
    """How many workers polled ``task_queue`` for workflow tasks within ``FRESH`` (RPCError when Temporal is
    down)."""
    answer = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=client.namespace,
            task_queue=TaskQueue(name=task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        ),
        timeout=timedelta(seconds=timeout_seconds),
    )
    since = datetime.now(UTC) - FRESH
    return sum(
        1
        for p in answer.pollers
        if not p.HasField("last_access_time") or p.last_access_time.ToDatetime(tzinfo=UTC) >= since
    )
