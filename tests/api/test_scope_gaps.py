"""What the README's access table does not allow is refused: departments read no rounds (API and pages); the
API's /metrics answers only the bearer of the metrics token; and a refusal (a full quota) is logged by the worker
in one line, without a traceback."""

import logging
import sys
from datetime import UTC, datetime

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import Session, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

import logs
from app import create_app
from contracts.application import PublicizeAct, ReviewAct
from db.session import get_engine
from db.users import User
from services.identity import create_user, hash_token, open_session
from state.domain import Level
from tests.api.conftest import Api, Driver, eventually, expect, temporal_address
from tests.conftest import RunningWorker, fresh_database, settings_for, today, unique
from tests.factory import COUNTY, bureau, declaration, opinions_given, start
from tests.rounds.conftest import RoundWorker
from web.visitors import SESSION_COOKIE
from workflows.application import ApplicationWorkflow

METRICS_TOKEN = "metrics-" + "x" * 24


def pages_as(api: Api, who: str) -> httpx.AsyncClient:
    """The pages, signed in as the user of ``who``'s API token."""
    with Session(get_engine(api.database_url)) as s:
        user = s.exec(select(User).where(User.token_hash == hash_token(api.tokens[who]))).one()
    cookie = open_session(api.database_url, user.id, datetime.now(UTC), 1)
    transport = httpx.ASGITransport(app=api.app)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", cookies={SESSION_COOKIE: cookie})


async def test_departments_read_no_rounds_neither_by_the_api_nor_by_the_pages(sqlite_api):
    round_id = unique("RC")
    await sqlite_api.ensure_round(round_id)

    async def listed() -> bool:  # the round's record reaches the read model by its activity, a moment later
        return any(r["id"] == round_id for r in expect(await sqlite_api.get("reviewer", "/rounds"), 200))

    await eventually(listed)
    for who in ("hrss", "county_hrss"):
        for path in ("/rounds", f"/rounds/{round_id}"):
            refused = expect(await sqlite_api.get(who, path), 403)["detail"]
            assert refused["rule"] == "round_readers" and "会签部门无权查看" in refused["message"], refused
        async with pages_as(sqlite_api, who) as pages:
            for path in ("/rounds", f"/rounds/{round_id}"):
                page = await pages.get(path)
                assert page.status_code == 403 and "无权" in page.text, (who, path, page.status_code)
                assert round_id not in page.text
    # The roles the table names still read them.
    for who in ("reviewer", "bureau", "inspector", "supervisor", "admin"):
        assert any(r["id"] == round_id for r in expect(await sqlite_api.get(who, "/rounds"), 200)), who
        expect(await sqlite_api.get(who, f"/rounds/{round_id}"), 200)
    async with pages_as(sqlite_api, "supervisor") as pages:
        assert (await pages.get(f"/rounds/{round_id}")).status_code == 200


async def test_metrics_answer_404_without_a_configured_token(sqlite_api):
    answer = await sqlite_api.http.get("http://testserver/metrics")
    assert answer.status_code == 404 and "biaogan_applications" not in answer.text


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_metrics_answer_only_the_bearer_of_the_metrics_token(dev_env, sqlite_url):
    settings = settings_for(
        sqlite_url, unique("metrics"), temporal_address=temporal_address(dev_env), metrics_token=METRICS_TOKEN
    )
    async with RunningWorker(dev_env.client, settings):
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver/api/v1") as http:
                token = create_user(sqlite_url, unique("clerk"), "county_bureau", COUNTY)
                api = Api(http, app, sqlite_url, dev_env.client, settings.task_queue, tokens={"clerk": token})
                app_id = await Driver(api).declare("county")
                expect(await http.get(f"/applications/{app_id}", headers=api.auth("clerk")), 200)

                for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {METRICS_TOKEN}"}):
                    refused = await http.get("http://testserver/metrics", headers=headers)
                    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
                    assert refused.json()["detail"]["rule"] == "metrics_token"
                    assert "biaogan_applications" not in refused.text

                scraped = await http.get(
                    "http://testserver/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
                )
                assert scraped.status_code == 200, scraped.text
                metrics = samples(scraped.text)
                detail = ("route", "/api/v1/applications/{application_id}")
                assert metrics[("biaogan_http_requests_total", (("method", "GET"), detail, ("status", "200")))] >= 1
                assert not any(app_id in str(labels) for _, labels in metrics)  # ids never become labels
                assert metrics[("biaogan_applications", (("state", "declared"),))] >= 1
                assert ("biaogan_open_notices", ()) in metrics and ("biaogan_overdue_filings", ()) in metrics


async def test_a_full_quota_is_logged_by_the_worker_in_one_line_without_a_traceback(dev_env, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    with fresh_database("sqlite", tmp_path) as url:
        async with RoundWorker(dev_env.client, settings_for(url, unique("log")), places=False) as w:
            first, second = [await start(w.client, w.task_queue, declaration(Level.county)) for _ in range(2)]
            for h in (first, second):
                await opinions_given(h)
                await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "同意"))
            period_id = unique("P")
            await w.define_period(period_id, today().year, today().year + 4)
            await w.set_quota(period_id, Level.county, {COUNTY: 1})
            publish = PublicizeAct(bureau(), today(), "县人社局网站公示")
            await first.execute_update(ApplicationWorkflow.publicize, publish)
            try:
                await second.execute_update(ApplicationWorkflow.publicize, publish)
                raise AssertionError("the second notice was not refused")
            except WorkflowUpdateFailedError as e:
                assert isinstance(e.cause, ApplicationError) and e.cause.details[0]["rule"] == "quota_full"

    refusals = [r for r in caplog.records if r.name == logs.ACTIVITY_LOGGER and "quota_full" in r.getMessage()]
    assert len(refusals) == 1, [r.getMessage() for r in caplog.records if r.name == logs.ACTIVITY_LOGGER]
    line = refusals[0]
    assert line.exc_info is None and line.levelno == logging.INFO
    assert "ActNotAllowed" in line.getMessage() and "没有剩余名额" in line.getMessage()
    assert "\n" not in logging.Formatter().format(line)
    assert "Traceback" not in caplog.text

    # Any other failure keeps its traceback.
    try:
        raise RuntimeError("database unreachable")
    except RuntimeError:
        record = logging.LogRecord(logs.ACTIVITY_LOGGER, logging.WARNING, __file__, 1, "failed", None, sys.exc_info())
    assert logs.RefusalsInOneLine().filter(record) and record.exc_info is not None
    assert "Traceback" in logging.Formatter().format(record)
