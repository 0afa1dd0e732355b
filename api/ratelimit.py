"""A sliding-window limit per client address, in memory, for the one endpoint anyone may write to.

One process, one window: behind several API processes each keeps its own count (the limit multiplies), which
is acceptable for flood protection. The address is the TCP peer's: uvicorn, started by ``cli.api_command``
(``biaogan up``, ``biaogan api``), rewrites it from ``X-Forwarded-For`` only for a peer listed in
``BIAOGAN_TRUSTED_PROXIES`` (none by default), so varying the header does not escape the limit.
"""

import math
import threading
import time
from collections import OrderedDict, deque

from fastapi import Request

from api.errors import RATE_LIMITED, Refusal
from config import LimitSettings

MAX_TRACKED_CLIENTS = 10_000


class SlidingWindow:
    def __init__(self, limit: int, window_seconds: float, max_clients: int = MAX_TRACKED_CLIENTS) -> None:
        self.limit = limit
        self.window = window_seconds
        self.max_clients = max_clients
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, client: str, now: float | None = None) -> float | None:
        """Count one request by ``client``; None when admitted, else the seconds until it would be."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.pop(client, None) or deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            self._hits[client] = hits  # most recently seen last, so the oldest are evicted first
            while len(self._hits) > self.max_clients:
                self._hits.popitem(last=False)
            if len(hits) >= self.limit:
                return hits[0] + self.window - now
            hits.append(now)
            return None


def objection_limiter(limits: LimitSettings) -> SlidingWindow:
    return SlidingWindow(limits.objection_limit, limits.objection_window_seconds)


def limit_objections(request: Request) -> None:
    """Dependency: 429 with Retry-After once an address has lodged too many objections in the window."""
    limiter: SlidingWindow = request.app.state.objection_limiter
    client = request.client.host if request.client else "unknown"
    wait = limiter.retry_after(client)
    if wait is not None:
        raise Refusal(
            RATE_LIMITED,
            f"too many objections from this address; at most {limiter.limit} per {limiter.window:g} seconds",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )
