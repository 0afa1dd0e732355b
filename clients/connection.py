"""Connecting to Temporal with biaogan's data converter (pydantic payloads, encrypted), as the worker does."""

import asyncio
import gc
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from temporalio.client import Client, Interceptor
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from clients.codec import data_converter
from config import Settings

T = TypeVar("T")


async def connect(
    settings: Settings, runtime: Runtime | None = None, interceptors: Sequence[Interceptor] = ()
) -> Client:
    """``runtime``: the worker passes one that exports the SDK's metrics; everyone else shares the default.
    ``interceptors``: the API passes its ``WorkerGate`` (clients/gate.py)."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings),  # payloads encrypted (clients/codec.py)
        runtime=runtime,
        interceptors=interceptors,
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


async def register_search_attributes(client: Client) -> None:
    """Register biaogan's search attributes on a server that was not started with them (the time-skipping test
    server; ``biaogan up`` starts the dev server with them)."""
    from temporalio.api.enums.v1 import IndexedValueType
    from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest

    from workflows import search_attributes as sa

    keyword = IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(namespace=client.namespace, search_attributes={k.name: keyword for k in sa.ALL})
    )
