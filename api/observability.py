"""What the API tells its operators: request counts and latencies by route and status, domain gauges read from the
read model at each scrape, and a request id on every answer and log line.

``/metrics`` counts applications in states not yet public, so it answers only the bearer of
``BIAOGAN_METRICS_TOKEN``; with none configured it answers 404, like a path that does not exist."""

import hmac
import logging
import time
import uuid
from collections.abc import Iterator

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlmodel import Session, col
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import API_PREFIX
from db.filing import FilingStatus
from db.models import Application
from db.session import get_engine
from logs import REQUEST_ID
from services.refusals import Refusal
from state.domain import Stage

log = logging.getLogger("biaogan.api")


class DomainCollector(Collector):
    """Applications by state, open notices and overdue filings, counted when Prometheus scrapes."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def collect(self) -> Iterator[GaugeMetricFamily]:
        by_state = GaugeMetricFamily("biaogan_applications", "Applications by state", labels=["state"])
        notices = GaugeMetricFamily("biaogan_open_notices", "Applications under public notice now")
        overdue = GaugeMetricFamily("biaogan_overdue_filings", "County filings past their deadline, not filed")
        with Session(get_engine(self.database_url)) as s:
            by_stage = select(col(Application.state), func.count()).group_by(col(Application.state))
            counts: dict[str, int] = dict(s.execute(by_stage).all())
            late = s.execute(select(func.count()).where(col(FilingStatus.state) == "overdue")).scalar_one()
        for stage in Stage:
            by_state.add_metric([stage.value], counts.get(stage, counts.get(stage.value, 0)))
        notices.add_metric([], counts.get(Stage.publicized, counts.get(Stage.publicized.value, 0)))
        overdue.add_metric([], late)
        yield from (by_state, notices, overdue)


class Measured:
    """Counts and times every request by route template and status, logs it, and gives it a request id (the
    caller's X-Request-Id, else a new one) in the log lines and on the answer. A plain ASGI middleware: Starlette's
    BaseHTTPMiddleware (``@app.middleware``) runs the rest of the app in a task and a stream of its own per request."""

    def __init__(self, app: ASGIApp, requests: Counter, latency: Histogram) -> None:
        self.app, self.requests, self.latency = app, requests, latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"").decode("latin-1")
        request_id = given[:64] or uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-Id"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, answer)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", "unmatched")  # the template, never the ids in the path
            if scope["path"].startswith(API_PREFIX) and not template.startswith(API_PREFIX):
                template = API_PREFIX + template  # routers included under the prefix keep their own paths
            elapsed = time.perf_counter() - started
            self.requests.labels(scope["method"], template, str(status)).inc()
            self.latency.labels(scope["method"], template).observe(elapsed)
            log.info("%s %s %s %.1f ms", scope["method"], template, status, elapsed * 1000)
            REQUEST_ID.reset(token)


def install(app: FastAPI, database_url: str) -> None:
    registry = CollectorRegistry()
    requests = Counter(
        "biaogan_http_requests", "HTTP requests by route and status", ["method", "route", "status"], registry=registry
    )
    latency = Histogram(
        "biaogan_http_request_seconds",
        "HTTP request latency by route",
        ["method", "route"],
        registry=registry,
        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    )
    registry.register(DomainCollector(database_url))

    app.add_middleware(Measured, requests=requests, latency=latency)

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        scraper_may(request)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def scraper_may(request: Request) -> None:
    """Admit the bearer of the configured metrics token; 404 when none is configured, 401 for any other caller."""
    token = request.app.state.settings.metrics_token
    if token is None:
        raise HTTPException(404)
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.get_secret_value().encode()):
        raise Refusal(
            401,
            "指标接口需要运维令牌（Authorization: Bearer <BIAOGAN_METRICS_TOKEN>）",
            headers={"WWW-Authenticate": "Bearer"},
            rule="metrics_token",
        )
