"""The bare floor the benches measure the service against: a workflow with updates and activities that do
nothing, no state machine, no database, no search attributes (bench/pipeline.py, bench/api_latency.py)."""

from dataclasses import dataclass
from datetime import timedelta

from temporalio import activity, workflow


@dataclass
class Step:
    name: str


@activity.defn(name="bench_noop")
def noop(step: Step) -> None:
    """Does nothing, in the same thread pool as the real activities."""


@workflow.defn(name="BareWorkflow")
class BareWorkflow:
    """Same updates and activities as ApplicationWorkflow on the lifecycle's path, nothing else: one activity at the
    start (the declaration), one per act, one more for the notice's deadline at "publicize"."""

    def __init__(self) -> None:
        self.publicized = False
        self.closed = False

    @workflow.run
    async def run(self, application_id: str) -> None:
        await self._act("declare")
        await workflow.wait_condition(lambda: self.publicized)
        await self._act("close_notice")
        self.closed = True
        await workflow.wait_condition(lambda: False)  # stays open, as an awarded application does

    async def _act(self, name: str) -> str:  # one activity per act, as ApplicationWorkflow's record_act
        await self._noop(name)
        return name

    async def _noop(self, name: str) -> None:
        await workflow.execute_activity(noop, Step(name), start_to_close_timeout=timedelta(seconds=30))

    @workflow.update
    async def act(self, step: Step) -> str:
        if step.name == "publicize":
            await self._noop("deadline")
            self.publicized = True
        return await self._act(step.name)

    @act.validator
    def _validate(self, step: Step) -> None:
        if step.name.startswith("co_sign") and not self.closed:
            raise ValueError("notice not closed")

    @workflow.query
    def notice_closed(self) -> bool:
        return self.closed
