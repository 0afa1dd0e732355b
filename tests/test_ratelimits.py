"""The rate limits' windows, counted in the database (both kinds, the default) or in memory: a limit holds within
its sliding window, forgets what slid out of it, and a refused request counts nothing."""

import threading

import pytest

from api.ratelimit import Counts, DatabaseCounts, Limits, MemoryCounts
from config import LimitSettings
from db import ratelimits
from db.ratelimits import Limit
from services.refusals import Refusal
from tests.conftest import settings_for, unique

LIMIT = Limit(limit=2, window_seconds=10)
T0 = 1_800_000_000.0  # a window's start (a multiple of 10)


@pytest.fixture(params=["database", "memory"])
def counts(request, database_url) -> Counts:
    return MemoryCounts() if request.param == "memory" else DatabaseCounts(database_url)


def test_the_window_forgets_old_requests(counts):
    scope = {unique("s"): (1, LIMIT)}
    assert counts.take("a", scope, T0) is None and counts.take("a", scope, T0 + 1) is None
    assert counts.take("a", scope, T0 + 5) == pytest.approx(15 - 5)  # both still weigh until the next window
    assert counts.take("b", scope, T0 + 5) is None  # another client counts apart
    # half the previous window has slid out: 2 × 0.5 + 1 = 2 ≤ 2
    assert counts.take("a", scope, T0 + 15) is None
    assert counts.take("a", scope, T0 + 16) is not None
    assert counts.take("a", scope, T0 + 30) is None  # long after: nothing weighs


def test_a_refused_request_counts_nothing_in_any_scope(counts):
    files, size = unique("files"), unique("bytes")
    quota = {files: (1, Limit(3, 3600)), size: (600, Limit(1000, 3600))}
    assert counts.take("u", quota, T0) is None
    assert counts.take("u", quota, T0 + 1) is not None  # 1200 bytes > 1000: the file count is not taken either
    small = {files: (1, Limit(3, 3600)), size: (400, Limit(1000, 3600))}
    assert counts.take("u", small, T0 + 2) is None
    assert counts.take("u", small, T0 + 3) is not None  # bytes again
    tiny = {files: (1, Limit(3, 3600)), size: (0, Limit(1000, 3600))}
    assert counts.take("u", tiny, T0 + 4) is None  # the third file
    assert counts.take("u", tiny, T0 + 5) is not None  # the fourth


def test_concurrent_requests_admit_exactly_the_limit(database_url):
    """Sixteen threads (as several processes would) against one count: exactly ``limit`` admitted."""
    counts, scope, admitted = DatabaseCounts(database_url), {unique("race"): (1, Limit(5, 60))}, []
    barrier = threading.Barrier(16)

    def one() -> None:
        barrier.wait()
        admitted.append(counts.take("racer", scope, T0 + 1) is None)

    threads = [threading.Thread(target=one) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(admitted) == 5


def test_the_upload_quota_is_a_chinese_429_with_retry_after(database_url):
    settings = settings_for(
        database_url, unique("quota"), limits=LimitSettings(upload_quota_files=2, upload_quota_bytes=10_000)
    )
    limits = Limits(settings)
    limits.upload("clerk", 4000, now=T0)
    limits.upload("clerk", 4000, now=T0 + 1)
    with pytest.raises(Refusal) as refused:
        limits.upload("clerk", 10, now=T0 + 2)
    r = refused.value
    assert r.status == 429 and r.extra["rule"] == "upload_quota" and "每 1 小时" in r.message
    assert 1 <= int(r.headers["Retry-After"]) <= 7200
    limits.upload("inspector", 4000, now=T0 + 2)  # per account
    # another deployment (task queue) on the same database counts apart
    Limits(settings.model_copy(update={"task_queue": unique("other")})).upload("clerk", 10, now=T0 + 2)


def test_old_windows_are_pruned(database_url):
    counts = DatabaseCounts(database_url)
    counts.take("old", {unique("prune"): (1, LIMIT)}, 1_000.0)
    assert ratelimits.prune(database_url, now=T0, keep_seconds=7200) >= 1
    assert ratelimits.prune(database_url, now=T0, keep_seconds=7200) == 0
