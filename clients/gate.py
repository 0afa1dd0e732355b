"""No act waits for a worker that is not there: the API's Temporal client looks before it leaps.

An update or a query is answered by a worker. With none polling the task queue, Temporal holds the call until
its own deadline (half a minute and more) or for ever. ``WorkerGate``, a client interceptor on the API's client,
checks before each update and query whether a worker has polled the task queue lately
(``describe_task_queue``: a cheap call, its answer kept a few seconds) and raises ``NoWorker`` at once when none
has, which the API answers with 503 and ``Retry-After``. A worker that dies after the check is caught by the
deadlines: an update must be *accepted* by the workflow within ``accept_timeout`` (its completion is then
awaited as before), a query must answer within it; else ``WorkflowUpdateRPCTimeoutOrCancelledError`` or
``RPCError(DEADLINE_EXCEEDED)``, both 503 too. Starting a workflow and signalling need no worker (Temporal
keeps them durably) and pass unchecked.

A Temporal that does not answer at all (its process stopped, a network that drops packets) is bounded the same way:
every call through the client (start, signal, describe, history, …) and the gate's own look at the task queue wait
at most ``accept_timeout``, so no request, a declaration included, waits longer for Temporal than an act does.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from datetime import timedelta
from typing import Any

from temporalio.client import (
    CancelWorkflowInput,
    Client,
    CountWorkflowsInput,
    DescribeWorkflowInput,
    FetchWorkflowHistoryEventsInput,
    Interceptor,
    OutboundInterceptor,
    QueryWorkflowInput,
    SignalWorkflowInput,
    StartWorkflowInput,
    StartWorkflowUpdateInput,
    StartWorkflowUpdateWithStartInput,
    TerminateWorkflowInput,
    WorkflowExecutionCount,
    WorkflowExecutionDescription,
    WorkflowHandle,
    WorkflowHistoryEventAsyncIterator,
    WorkflowUpdateHandle,
    WorkflowUpdateStage,
)
from temporalio.service import RPCError, RPCStatusCode

from clients.health import workflow_pollers

LOOK_SECONDS = 2.0  # the gate's look at the task queue (a cheap call) waits this long at most


class NoWorker(Exception):
    """No worker has polled ``task_queue`` lately: an update or query would wait for nobody."""

    def __init__(self, task_queue: str, retry_after: int) -> None:
        super().__init__(f"no worker polls task queue {task_queue!r}")
        self.task_queue = task_queue
        self.retry_after = retry_after


class WorkerGate(Interceptor):
    """``Client.connect(interceptors=[gate])``, then ``gate.bind(client)``."""

    def __init__(
        self,
        task_queue: str,
        accept_timeout: timedelta = timedelta(seconds=10),
        keep_seconds: float = 3.0,
        grace_seconds: float = 1.0,
    ) -> None:
        self.task_queue = task_queue
        self.accept_timeout = accept_timeout
        self.keep_seconds = keep_seconds  # a worker seen is trusted this long without asking again
        self.grace_seconds = grace_seconds  # none seen: look again this long (a worker may be starting)
        self._client: Client | None = None
        self._seen_at = float("-inf")
        self._blind = False  # the server cannot say who polls (Temporal's time-skipping test server): no gate

    def bind(self, client: Client | None) -> None:
        self._client = client

    def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
        return _Outbound(next, self)

    async def check(self) -> None:
        """Return when a worker polls the task queue lately; else raise ``NoWorker`` (within ``grace_seconds``)."""
        if self._client is None or self._blind or time.monotonic() - self._seen_at < self.keep_seconds:
            return
        deadline = time.monotonic() + self.grace_seconds
        while True:
            try:
                polled = await workflow_pollers(self._client, self.task_queue, self._look_seconds())
            except RPCError as e:
                if e.status != RPCStatusCode.UNIMPLEMENTED:
                    raise
                self._blind = True
                return
            if polled:
                self._seen_at = time.monotonic()
                return
            if time.monotonic() >= deadline:
                raise NoWorker(self.task_queue, retry_after=max(1, round(self.keep_seconds)))
            await asyncio.sleep(0.2)

    def _look_seconds(self) -> float:
        return min(LOOK_SECONDS, self.accept_timeout.total_seconds())


class _Outbound(OutboundInterceptor):
    def __init__(self, next: OutboundInterceptor, gate: WorkerGate) -> None:
        super().__init__(next)
        self.gate = gate

    def _bounded(self, rpc_timeout: timedelta | None) -> timedelta:
        return min(rpc_timeout, self.gate.accept_timeout) if rpc_timeout else self.gate.accept_timeout

    async def query_workflow(self, input: QueryWorkflowInput) -> Any:
        await self.gate.check()
        return await super().query_workflow(dataclasses.replace(input, rpc_timeout=self._bounded(input.rpc_timeout)))

    async def start_workflow_update(self, input: StartWorkflowUpdateInput) -> WorkflowUpdateHandle[Any]:
        await self.gate.check()
        # Wait (bounded) only until the workflow has accepted the update; the caller's handle.result() then
        # awaits its completion, however long its activities take.
        bounded = dataclasses.replace(
            input,
            wait_for_stage=min(input.wait_for_stage, WorkflowUpdateStage.ACCEPTED),
            rpc_timeout=self._bounded(input.rpc_timeout),
        )
        return await super().start_workflow_update(bounded)

    async def start_update_with_start_workflow(self, input: StartWorkflowUpdateWithStartInput) -> Any:
        await self.gate.check()
        return await super().start_update_with_start_workflow(input)

    # Calls no worker answers: unchecked, but a Temporal that does not answer is waited for no longer than an act.

    async def start_workflow(self, input: StartWorkflowInput) -> WorkflowHandle[Any, Any]:
        return await super().start_workflow(dataclasses.replace(input, rpc_timeout=self._bounded(input.rpc_timeout)))

    async def signal_workflow(self, input: SignalWorkflowInput) -> None:
        await super().signal_workflow(dataclasses.replace(input, rpc_timeout=self._bounded(input.rpc_timeout)))

    async def describe_workflow(self, input: DescribeWorkflowInput) -> WorkflowExecutionDescription:
        return await super().describe_workflow(dataclasses.replace(input, rpc_timeout=self._bounded(input.rpc_timeout)))

    async def cancel_workflow(self, input: CancelWorkflowInput) -> None:
        await super().cancel_workflow(dataclasses.replace(input, rpc_timeout=self._bounded(input.rpc_timeout)))

    async def terminate_workflow(self, input: TerminateWorkflowInput) -> None:
        await super().terminate_workflow(dataclasses.replace(input, rpc_timeout=self._bounded(input.rpc_timeout)))

    async def count_workflows(self, input: CountWorkflowsInput) -> WorkflowExecutionCount:
        return await super().count_workflows(dataclasses.replace(input, rpc_timeout=self._bounded(input.rpc_timeout)))

    def fetch_workflow_history_events(
        self, input: FetchWorkflowHistoryEventsInput
    ) -> WorkflowHistoryEventAsyncIterator:
        if input.wait_new_event:  # a long poll for the workflow's result: its wait is the caller's to choose
            return super().fetch_workflow_history_events(input)
        bounded = dataclasses.replace(input, rpc_timeout=self._bounded(input.rpc_timeout))
        return super().fetch_workflow_history_events(bounded)
