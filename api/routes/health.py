"""``/healthz``: the process answers. ``/readyz``: Temporal reachable, a worker polling, the database answering."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.context import Context
from services.health import readiness

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Ready to serve: Temporal, a worker and the database",
    responses={
        200: {"description": "ready: every check `ok`"},
        503: {"description": "not ready: `checks` says which of temporal, worker and database is not `ok`"},
    },
)
async def readyz(request: Request) -> JSONResponse:
    ctx = Context(request.app.state.temporal, request.app.state.settings)
    checks = await readiness(ctx)
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503
    )
