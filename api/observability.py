"""What the API tells its operators: request counts and latencies by route and status, domain gauges read from the
read model at each scrape, and a request id on every answer and log line."""

import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlmodel import Session

from api.deps import API_PREFIX
from db.filing import FilingStatus
from db.models import Application
from db.session import get_engine
from logs import REQUEST_ID
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
            counts = dict(s.execute(select(Application.state, func.count()).group_by(Application.state)).all())
            late = s.execute(select(func.count()).where(FilingStatus.state == "overdue")).scalar_one()
        for stage in Stage:
            by_state.add_metric([stage.value], counts.get(stage, counts.get(stage.value, 0)))
        notices.add_metric([], counts.get(Stage.publicized, counts.get(Stage.publicized.value, 0)))
        overdue.add_metric([], late)
        yield from (by_state, notices, overdue)


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

    @app.middleware("http")
    async def measure(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            response.headers["X-Request-Id"] = request_id
            return response
        finally:
            route = request.scope.get("route")
            template = getattr(route, "path", "unmatched")  # the template, never the ids in the path
            if request.url.path.startswith(API_PREFIX) and not template.startswith(API_PREFIX):
                template = API_PREFIX + template  # routers included under the prefix keep their own paths
            elapsed = time.perf_counter() - started
            requests.labels(request.method, template, str(status)).inc()
            latency.labels(request.method, template).observe(elapsed)
            log.info("%s %s %s %.1f ms", request.method, template, status, elapsed * 1000)
            REQUEST_ID.reset(token)

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
