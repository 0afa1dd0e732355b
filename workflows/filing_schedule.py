"""The yearly Temporal Schedule that opens every county's filing, and the small workflow it starts.

``clients.filing.ensure_filing_schedule`` (called by ``biaogan up``) creates the schedule, or brings an existing one in
line with the configuration; it also opens the current year at once when it runs between the start date
and the deadline (a service deployed on 26 November still chases this year's filings).
"""

from temporalio import workflow
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

from state.clock import SHANGHAI

with workflow.unsafe.imports_passed_through():
    from contracts.filing import FilingStart, FilingYearOutcome, FilingYearStart, filing_workflow_id
    from state.domain import COUNTIES
    from workflows.filing import FilingDeadlineWorkflow

SCHEDULE_ID = "filing-yearly"


@workflow.defn
class FilingYearWorkflow:
    """Starts ``FilingDeadlineWorkflow`` for every county of the year; one already started (on demand, or
    by an earlier run) is left as it is. The children outlive this workflow (ParentClosePolicy.ABANDON)."""

    @workflow.run
    async def run(self, start: FilingYearStart) -> FilingYearOutcome:
        year = start.year or workflow.now().astimezone(SHANGHAI).year
        started: list[str] = []
        existing: list[str] = []
        for county in COUNTIES:
            workflow_id = filing_workflow_id(county, year, start.prefix)
            try:
                await workflow.start_child_workflow(
                    FilingDeadlineWorkflow.run,
                    FilingStart(county=county, year=year, started_by=workflow.info().workflow_id),
                    id=workflow_id,
                    parent_close_policy=ParentClosePolicy.ABANDON,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                )
                started.append(workflow_id)
            except WorkflowAlreadyStartedError:
                existing.append(workflow_id)
        return FilingYearOutcome(year=year, started=started, already_running=existing)
