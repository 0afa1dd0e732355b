"""``/healthz``: the process answers. ``/readyz``: Temporal reachable, a worker polling, the database answering."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import text

from clients.health import workflow_pollers
from db.session import get_engine

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def _database_answers(url: str) -> None:
    with get_engine(url).connect() as c:
        c.execute(text("select 1"))


@router.get(
    "/readyz",
    summary="Ready to serve: Temporal, a worker and the database",
    responses={
        200: {"description": "ready: every check `ok`"},
        503: {"description": "not ready: `checks` says which of temporal, worker and database is not `ok`"},
    },
)
async def readyz(request: Request) -> JSONResponse:
    settings = request.app.state.settings
    checks: dict[str, Any] = {}
    try:
        pollers = await workflow_pollers(request.app.state.temporal, settings.task_queue)
        checks["temporal"] = "ok"
        checks["worker"] = "ok" if pollers else f"no worker polls task queue {settings.task_queue!r}"
    except Exception as e:  # any failure to reach Temporal means not ready
        checks["temporal"] = f"unreachable: {type(e).__name__}"
        checks["worker"] = "unknown"
    try:
        await run_in_threadpool(_database_answers, settings.database_url)
        checks["database"] = "ok"
    except Exception as e:
        checks["database"] = f"unreachable: {type(e).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503
    )
