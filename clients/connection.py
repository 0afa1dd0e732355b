"""Connecting to Temporal with the pydantic data converter, as the worker does."""

import asyncio
import gc
from collections.abc import Awaitable, Callable
from typing import TypeVar

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from config import Settings

T = TypeVar("T")


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address, namespace=settings.temporal_namespace, data_converter=pydantic_data_converter
    )


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
