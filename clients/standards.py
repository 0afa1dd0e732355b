"""A county's own conditions are changed only through its CountyStandardsWorkflow, started on first use; the API and
the pages call these."""

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode

from contracts.standards import ConditionsSet, SetConditions, StandardsRequest, StandardsStart, StandardsView
from workflows.standards import CountyStandardsWorkflow, setter_problem, standards_workflow_id


async def set_county_conditions(
    client: Client, task_queue: str, county: str, act: SetConditions, start: StandardsStart
) -> ConditionsSet:
    """Set ``county``'s conditions through its workflow, started on first use from ``start`` (the read model's latest
    version, db.queries.standards.seed); a caller who may not set them starts nothing."""
    problem = setter_problem(county, act.actor)
    if problem:
        raise problem
    handle = await client.start_workflow(
        CountyStandardsWorkflow.run,
        start,
        id=standards_workflow_id(county),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    return await handle.execute_update(CountyStandardsWorkflow.set_conditions, act)


async def county_standards(client: Client, county: str) -> StandardsView | None:
    """The workflow's own view of ``county``'s conditions; None before anyone set them."""
    handle = client.get_workflow_handle_for(CountyStandardsWorkflow.run, standards_workflow_id(county))
    try:
        return await handle.query(CountyStandardsWorkflow.current, StandardsRequest())
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            return None
        raise
