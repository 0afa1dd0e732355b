"""The HTTP API: ``create_api(settings)`` builds it (routes, middleware, error answers, the Temporal connection on
start). app.py composes it with the pages; nothing connects until the app starts."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

import logs
from api import body_limits, docs, errors, observability
from api.deps import API_PREFIX
from api.ratelimit import Limits
from api.routes import (
    acts,
    announcements,
    applications,
    archive,
    batch,
    calendar,
    corrections,
    department_opinions,
    documents,
    feeds,
    filings,
    health,
    history,
    materials,
    me,
    notifications,
    phones,
    preferences,
    programs,
    public,
    quotas,
    revocations,
    rounds,
    score_amendments,
    standards,
    tasks,
    verify,
)
from api.security_headers import SecurityHeaders
from clients.connection import connect
from clients.gate import WorkerGate
from config import Settings, get_settings
from db.programs import learn_type_labels
from db.schema import upgrade
from services.identity import TokenCache

DESCRIPTION = """
Evaluation of employment-service benchmark institutions (就业服务质量标杆机构评定).

Authenticate with `Authorization: Bearer <token>` (tokens come from `biaogan users create`). The public
notice board, objections and the calendar need no token.

Refusals answer `{"detail": {"message", ...}}`: **401** no or unknown token; **403** the caller's role (or
county, or department) may not do this; **404** unknown, *or outside the caller's county* — an application
another county declared is answered exactly like one that does not exist; **409** the procedure does not
allow the act now (`state` and the caller's `allowed_acts` are in the body); **413** the body is larger than the
route's limit (`limit`, in bytes; README, Configuration); **422** invalid input (`field`, `rule`, `problems`);
**429** too many objections from one address (`Retry-After`); **503** Temporal is
busy or unreachable, or no worker polls the task queue (`code`, `Retry-After`). A refused call changes nothing.
"""


def create_api(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        upgrade(settings.database_url)  # the worker may be doing the same right now: upgrade waits its turn
        learn_type_labels(settings.database_url)  # other programs' institution types, by their definitions
        gate = WorkerGate(settings.task_queue, accept_timeout=timedelta(seconds=settings.worker_wait_seconds))
        app.state.temporal = await connect(settings, interceptors=[gate])  # no act waits for an absent worker
        gate.bind(app.state.temporal)
        yield
        # Drop the client here, inside the event loop: collected at interpreter shutdown instead, its native half
        # can abort the process ("Fatal Python error: PyGILState_Release"; see worker.main).
        del app.state.temporal
        gate.bind(None)
        gc.collect()

    app = FastAPI(
        title="biaogan — 就业服务质量标杆机构评定",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # api/docs.py serves Swagger UI from the app's own files
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.limits = Limits(settings)
    app.state.token_cache = TokenCache()
    errors.install(app)
    app.add_middleware(body_limits.BodyLimits, settings=settings)  # inside Measured: a 413 is counted and logged
    observability.install(app, settings.database_url)
    # outermost of ours: every answer, a 413 included; the sign-out form may end at 统一身份认证's origin
    app.add_middleware(SecurityHeaders, form_targets=settings.oidc.form_targets())
    if settings.log_format == "json":
        logs.configure("json")
    app.include_router(health.router)
    for module in (applications, acts, history, public, calendar, filings, notifications, quotas, rounds, documents):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(materials.router, prefix=API_PREFIX)
    app.include_router(corrections.router, prefix=API_PREFIX)
    app.include_router(standards.router, prefix=API_PREFIX)
    app.include_router(tasks.router, prefix=API_PREFIX)
    app.include_router(batch.router, prefix=API_PREFIX)
    app.include_router(announcements.router, prefix=API_PREFIX)
    app.include_router(preferences.router, prefix=API_PREFIX)
    app.include_router(phones.router, prefix=API_PREFIX)
    app.include_router(me.router, prefix=API_PREFIX)
    app.include_router(score_amendments.router, prefix=API_PREFIX)
    app.include_router(revocations.router, prefix=API_PREFIX)
    app.include_router(department_opinions.router, prefix=API_PREFIX)
    app.include_router(feeds.router, prefix=API_PREFIX)
    app.include_router(verify.router, prefix=API_PREFIX)
    app.include_router(archive.router, prefix=API_PREFIX)
    app.include_router(programs.router, prefix=API_PREFIX)
    docs.install(app)
    body_limits.document(app)
    return app
