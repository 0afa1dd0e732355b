"""Connecting to Temporal with the pydantic data converter, as the worker does."""

import asyncio
import gc
from collections.abc import Awaitable, Callable
from typing import TypeVar

from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from config import Settings
from contracts.converter import DATA_CONVERTER

T = TypeVar("T")


async def connect(settings: Settings, runtime: Runtime | None = None) -> Client:
    """``runtime``: the worker passes one that exports the SDK's metrics; everyone else shares the default."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=DATA_CONVERTER,
        runtime=runtime,
    )


def metrics_runtime(port: int) -> Runtime:
    """A Temporal runtime serving the SDK's own metrics for Prometheus on ``port`` (all interfaces)."""
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=f"0.0.0.0:{port}")))


def run_with_client(settings: Settings, task: Callable[[Client], Awaitable[T]]) -> T:
    """Run one command's ``task`` with a client, from synchronous code (the CLI).

    The client is dropped inside the event loop: collected during interpreter shutdown instead, its native
    half aborts the process ("PyGILState_Release … must be current").
    """

    async def go() -> T:
        client = await connect(settings)
        try:
            return await task(client)
        finally:
            del client
            gc.collect()

    return asyncio.run(go())
