"""The limits on what one client may send: objections per address (the one endpoint anyone may write to) and
uploads per account per hour (files and bytes).

Counted in the database by default (db/ratelimits.py), so every API process on it sees one count; with
``BIAOGAN_RATE_LIMIT_STORE=memory`` each process counts alone (the limit then multiplies by the processes).
The counts of one deployment are those of its task queue: two deployments sharing a database count apart.
The address is the TCP peer's: uvicorn, started by ``cli.api_command`` (``biaogan up``, ``biaogan api``),
rewrites it from ``X-Forwarded-For`` only for a peer listed in ``BIAOGAN_TRUSTED_PROXIES`` (none by default),
so varying the header does not escape the limit.
"""

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Protocol

from fastapi import Request

from config import Settings
from db import ratelimits
from db.ratelimits import Limit
from services.refusals import RATE_LIMITED, Refusal

MAX_TRACKED_CLIENTS = 10_000
MIB = 1024 * 1024
Amounts = Mapping[str, tuple[int, Limit]]


class Counts(Protocol):
    def take(self, client: str, amounts: Amounts, now: float) -> float | None:
        """Count ``amounts`` for ``client``: None when admitted, else the seconds to wait (nothing counted)."""
        ...


class DatabaseCounts:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def take(self, client: str, amounts: Amounts, now: float) -> float | None:
        return ratelimits.take(self.database_url, client, amounts, now)


class MemoryCounts:
    """The same windows as the database's, in this process's memory (the most recently seen clients only)."""

    def __init__(self, max_clients: int = MAX_TRACKED_CLIENTS) -> None:
        self.max_clients = max_clients
        self._hits: OrderedDict[tuple[str, str], dict[int, int]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str, amounts: Amounts, now: float) -> float | None:
        with self._lock:
            waits, counted = [], []
            for scope, (amount, limit) in amounts.items():
                windows = self._hits.pop((scope, client), None) or {}
                self._hits[(scope, client)] = windows  # most recently seen last, so the oldest are evicted first
                start = int(now // limit.window_seconds * limit.window_seconds)
                for old in [w for w in windows if w < start - limit.window_seconds]:
                    del windows[old]
                previous, before = windows.get(int(start - limit.window_seconds), 0), windows.get(start, 0)
                wait = ratelimits.refused(limit, previous, before, amount, now - start)
                if wait is not None:
                    waits.append(wait)
                counted.append((windows, start, amount))
            while len(self._hits) > self.max_clients:
                self._hits.popitem(last=False)
            if waits:
                return max(waits)
            for windows, start, amount in counted:
                windows[start] = windows.get(start, 0) + amount
            return None


IN_MEMORY = MemoryCounts()  # the process's own counts, shared by every ``Limits`` of the process


class Limits:
    """The app's limits (``app.state.limits``), from ``settings.limits``."""

    def __init__(self, settings: Settings, counts: Counts | None = None) -> None:
        limits = settings.limits
        if counts is None:
            memory = limits.rate_limit_store == "memory"
            counts = IN_MEMORY if memory else DatabaseCounts(settings.database_url)
        self.counts = counts
        self.deployment = settings.task_queue
        self.objections = Limit(limits.objection_limit, limits.objection_window_seconds)
        self.upload_files = Limit(limits.upload_quota_files, limits.upload_quota_window_seconds)
        self.upload_bytes = Limit(limits.upload_quota_bytes, limits.upload_quota_window_seconds)

    def objection(self, client: str, now: float | None = None) -> None:
        """429 with Retry-After once ``client`` (an address) has lodged too many objections in the window."""
        amounts = {f"objection:{self.deployment}": (1, self.objections)}
        wait = self.counts.take(client, amounts, time.time() if now is None else now)
        if wait is not None:
            raise Refusal(
                RATE_LIMITED,
                f"来自此地址的异议过多：每 {self.objections.window_seconds:g} 秒最多 {self.objections.limit} 次，请稍后再试",
                headers=_retry_after(wait),
                rule="rate_limited",
                limit=self.objections.limit,
            )

    def upload(self, user_id: str, size: int, now: float | None = None) -> None:
        """429 ``upload_quota`` once the account has uploaded its files or bytes for the window; else counted."""
        amounts = {
            f"upload_files:{self.deployment}": (1, self.upload_files),
            f"upload_bytes:{self.deployment}": (size, self.upload_bytes),
        }
        wait = self.counts.take(user_id, amounts, time.time() if now is None else now)
        if wait is not None:
            hours = self.upload_files.window_seconds / 3600
            raise Refusal(
                RATE_LIMITED,
                f"上传已达配额：每 {hours:g} 小时每个账号最多上传 {self.upload_files.limit} 个文件、"
                f"共 {self.upload_bytes.limit / MIB:g} MiB，请稍后再试",
                headers=_retry_after(wait),
                field="file",
                rule="upload_quota",
                limit_files=self.upload_files.limit,
                limit_bytes=self.upload_bytes.limit,
            )


def _retry_after(wait: float) -> dict[str, str]:
    return {"Retry-After": str(max(1, math.ceil(wait)))}


def limit_objections(request: Request) -> None:
    """Dependency (run in a thread: the count may be a database write): 429 with Retry-After once an address has
    lodged too many objections in the window."""
    limits: Limits = request.app.state.limits
    limits.objection(request.client.host if request.client else "unknown")
