"""Periods and quotas are changed only through their workflows, started on first use; the API and the admin CLI
call these."""

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from contracts.quota import DefinePeriod, PeriodStart, PeriodView, QuotaSet, QuotaStart, SetQuota
from state.domain import Level
from workflows.quota import PeriodWorkflow, QuotaWorkflow, period_problem, period_workflow_id, quota_workflow_id


async def define_period(client: Client, task_queue: str, period_id: str, act: DefinePeriod) -> PeriodView:
    """Define or correct a period through its workflow, started on first use (a refused act starts nothing).
    Used by the API and the admin CLI alike."""
    problem = period_problem(act)
    if problem:
        raise problem
    handle = await client.start_workflow(
        PeriodWorkflow.run,
        PeriodStart(period_id=period_id),
        id=period_workflow_id(period_id),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    return await handle.execute_update(PeriodWorkflow.define, act)


async def set_quota(client: Client, task_queue: str, period_id: str, level: Level, act: SetQuota) -> QuotaSet:
    """Set a period's quota through its QuotaWorkflow, started on first use. Used by the API and the admin CLI."""
    handle = await client.start_workflow(
        QuotaWorkflow.run,
        QuotaStart(period_id=period_id, level=level),
        id=quota_workflow_id(period_id, level),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    return await handle.execute_update(QuotaWorkflow.set_quota, act)
