"""The worker's sweep of uploads, every ``BIAOGAN_UPLOAD_SWEEP_MINUTES``: unreferenced uploads past their expiry
(and the bytes no other upload keeps), half-written files of killed writers (``.put-*``, past a grace), rows
whose bytes are missing, and rate-limit windows no longer read. Each step is idempotent and safe to run from
several workers at once. Not a Temporal activity: a loop of the worker process (worker.py), off the request path."""

import asyncio
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from config import Settings
from db import ratelimits
from db.materials import drop_rows_without_bytes, expire_unreferenced, unnamed
from storage import BlobStore, open_store

log = logging.getLogger("biaogan.sweep")
FULL_EVERY = 24 * 3600  # seconds between sweeps that list the whole store


@dataclass(frozen=True)
class Swept:
    expired: int
    temporaries: int
    rows_without_bytes: int
    unnamed_bytes: int
    rate_windows: int


def sweep_uploads(settings: Settings, now: datetime | None = None, full: bool = True) -> Swept:
    """One sweep; ``full`` also lists the whole store for bytes no upload names (a writer killed between its
    bytes and its row), which costs a listing of every file: the periodic loop does it once a day."""
    now = now or datetime.now(UTC)
    store = open_store(settings.blobs, settings.material_store_dir())
    grace = timedelta(minutes=settings.blobs.upload_temp_grace_minutes)
    older_than = timedelta(hours=settings.materials.material_unreferenced_hours)
    expired = 0
    while True:  # a thousand at a time
        batch = expire_unreferenced(settings.database_url, store, now, older_than)
        expired += batch
        if batch < 1000:
            break
    temporaries = store.sweep_temporaries(time.time() - (now - grace).timestamp())  # those put before now - grace
    rows = drop_rows_without_bytes(settings.database_url, store, now - grace)
    unnamed_bytes = _drop_unnamed_bytes(settings.database_url, store, now - grace) if full else 0
    limits = settings.limits
    longest = max(limits.objection_window_seconds, limits.upload_quota_window_seconds)
    windows = ratelimits.prune(settings.database_url, now.timestamp(), 2 * longest)
    return Swept(expired, temporaries, rows, unnamed_bytes, windows)


def batched(items: Iterable[str], n: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == n:
            yield batch
            batch = []
    if batch:
        yield batch


def _drop_unnamed_bytes(database_url: str, store: BlobStore, put_before: datetime) -> int:
    """Delete the files put before ``put_before`` that no upload names (rechecked by their time as deleted: bytes
    put again since are another upload's, whose row is on its way)."""
    dropped, grace = 0, time.time() - put_before.timestamp()
    for batch in batched(store.kept_before(put_before.timestamp()), 500):
        for sha256 in unnamed(database_url, batch):
            dropped += store.delete(sha256, unless_newer_than=grace)
    return dropped


async def sweep_periodically(settings: Settings, stop: asyncio.Event) -> None:
    """Sweep now and then every ``upload_sweep_minutes`` until ``stop``; a failed sweep is logged and tried again
    at the next turn."""
    every, last_full = settings.blobs.upload_sweep_minutes * 60, float("-inf")
    while not stop.is_set():
        try:
            full = time.monotonic() - last_full >= FULL_EVERY
            swept = await asyncio.to_thread(sweep_uploads, settings, None, full)
            if full:
                last_full = time.monotonic()
            if any(vars(swept).values()):
                log.info("upload sweep: %s", swept)
        except Exception as e:
            log.warning("upload sweep failed (tried again in %g s): %s: %s", every, type(e).__name__, e)
        try:
            await asyncio.wait_for(stop.wait(), timeout=every)
        except TimeoutError:
            pass
