"""Whether the service is ready: Temporal reachable, a worker polling the task queue, the database answering."""

from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import text

from clients.health import workflow_pollers
from db.session import get_engine
from services.context import Context


def _database_answers(url: str) -> None:
    with get_engine(url).connect() as c:
        c.execute(text("select 1"))


async def readiness(ctx: Context) -> dict[str, Any]:
    """Each check's answer: "ok", or what is wrong (for operators: the names of what failed, not Chinese)."""
    checks: dict[str, Any] = {}
    try:
        pollers = await workflow_pollers(ctx.client, ctx.settings.task_queue)
        checks["temporal"] = "ok"
        checks["worker"] = "ok" if pollers else f"no worker polls task queue {ctx.settings.task_queue!r}"
    except Exception as e:  # any failure to reach Temporal means not ready
        checks["temporal"] = f"unreachable: {type(e).__name__}"
        checks["worker"] = "unknown"
    try:
        await run_in_threadpool(_database_answers, ctx.database_url)
        checks["database"] = "ok"
    except Exception as e:
        checks["database"] = f"unreachable: {type(e).__name__}"
    return checks
