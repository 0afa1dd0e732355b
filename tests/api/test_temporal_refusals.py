"""Temporal's own refusals answer HTTP statuses a client can act on: a busy service 503 with Retry-After, and no
worker polling the task queue 503 with Retry-After within a second or two (not 500 after half a minute)."""

import time

import httpx
from fastapi import FastAPI
from temporalio.service import RPCError, RPCStatusCode

from api import errors
from app import create_app
from services.identity import create_user
from tests.api.conftest import checklists, declaration_body, required_items, temporal_address, unique_pdf, unique_png
from tests.conftest import settings_for, unique
from tests.factory import COUNTY


def test_resource_exhausted_is_503_with_retry_after():
    busy = RPCError("namespace rate limit exceeded", RPCStatusCode.RESOURCE_EXHAUSTED, b"")
    refusal = errors.from_temporal(busy, "application 'x'")
    assert refusal.status == 503 and refusal.headers == {"Retry-After": "1"}
    assert refusal.extra["code"] == "temporal_busy" and "繁忙" in refusal.message


async def test_a_temporal_error_a_route_does_not_catch_is_translated_too():
    """The app answers any RPCError through from_temporal, so a route that forgot to catch it is not a 500."""
    app = FastAPI()
    errors.install(app)

    @app.get("/busy")
    async def busy() -> None:
        raise RPCError("namespace rate limit exceeded", RPCStatusCode.RESOURCE_EXHAUSTED, b"")

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        r = await http.get("/busy")
    assert r.status_code == 503 and r.headers["Retry-After"] == "1" and r.json()["detail"]["code"] == "temporal_busy"


async def test_with_no_worker_polling_acts_and_reads_answer_503_at_once(dev_env, tmp_path):
    db = f"sqlite:///{tmp_path / 'lonely.db'}"
    lonely = settings_for(db, unique("noworker"), temporal_address=temporal_address(dev_env))
    app = create_app(lonely)
    async with app.router.lifespan_context(app):
        admin = create_user(db, "admin", "admin", None, None)
        bureau = create_user(db, "bureau", "county_bureau", COUNTY, None)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t/api/v1", timeout=60) as http:
            period = {"name": "十五五", "start_year": 2026, "end_year": 2030, "reason": "规划期"}
            started = time.monotonic()
            r = await http.put(f"/periods/{unique('p')}", json=period, headers={"Authorization": f"Bearer {admin}"})
            took = time.monotonic() - started
            assert r.status_code == 503, r.text
            assert took < 5, f"took {took:.1f}s"  # a second or two; slack for a loaded machine
            assert int(r.headers["Retry-After"]) >= 1
            assert r.json()["detail"]["code"] == "no_worker" and "工作进程" in r.json()["detail"]["message"]

            # A declaration is durable without a worker (started, not waited on); reading it needs a worker.
            as_bureau = {"Authorization": f"Bearer {bureau}"}
            body = declaration_body("county")
            body["materials"] = []
            for item in required_items(body["institution"]["type"], "county"):  # uploads need no worker either
                pdf = checklists.PDF in item.accepts
                data, name = (unique_pdf(), "材料.pdf") if pdf else (unique_png(), "照片.png")
                uploaded = await http.post("/materials", files={"file": (name, data)}, headers=as_bureau)
                assert uploaded.status_code == 201, uploaded.text
                body["materials"].append({"item": item.code, "material_id": uploaded.json()["id"]})
            declared = await http.post("/applications", json=body, headers=as_bureau)
            assert declared.status_code == 201, declared.text
            started = time.monotonic()
            r = await http.get(f"/applications/{declared.json()['id']}", headers=as_bureau)
            assert r.status_code == 503 and time.monotonic() - started < 5, r.text
            assert r.json()["detail"]["code"] == "no_worker"
