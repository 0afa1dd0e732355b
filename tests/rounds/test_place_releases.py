"""A revoked title keeps its quota place for the period (so no more titles are awarded than the quota); only an
admin releases it, with a reason, over POST /quotas/{period}/releases, and the released places are listed apart
(GET /quotas/{period}/releases) with which application, who, when and why. The read model is seeded here (a
revoked title, one still announced, each holding a city place); the release itself goes through QuotaWorkflow and
its activity."""

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select
from temporalio.client import WorkflowUpdateFailedError

from activities.quota import QuotaActivities, live_usage
from contracts.quota import PlaceRequest, ReleasePlace
from db import models
from db.rounds import QuotaPlace
from db.session import get_engine
from state.domain import InstitutionType, Level, Stage
from tests.conftest import unique
from tests.factory import reviewer
from tests.rounds.conftest import ADMIN, as_, http  # noqa: F401 (the fixture)
from tests.rounds.test_api import _period
from workflows.quota import QuotaWorkflow


def seed(database_url: str, period_id: str, state: Stage, slot: int, name: str) -> str:
    """An application in ``state`` holding city place ``slot`` of the period."""
    app_id = unique("rel")
    now = datetime.now(UTC)
    with Session(get_engine(database_url)) as s:
        s.add(
            models.Application(
                id=app_id,
                workflow_id=f"application-{app_id}",
                level=Level.city,
                county="兰山区",
                institution_name=name,
                institution_type=InstitutionType.gig_market,
                credit_code=unique("C")[-18:],
                state=state,
                declared_at=now,
                updated_at=now,
            )
        )
        s.add(
            QuotaPlace(
                period_id=period_id,
                level="city",
                scope="city",
                slot_no=slot,
                application_id=app_id,
                round_id="R",
                reserved_at=now,
            )
        )
        s.commit()
    return app_id


async def test_a_revoked_title_keeps_its_place_until_an_admin_releases_it_with_a_reason(http):  # noqa: F811
    db = http.worker.settings.database_url
    pid = await _period(http)
    r = await http.put(
        f"/quotas/{pid}/city", json={"totals": {"city": 2}, "reason": "市级名额"}, headers=as_(http, "admin")
    )
    assert r.status_code == 200, r.text
    revoked = seed(db, pid, Stage.revoked, 1, "撤销称号的零工市场")
    announced = seed(db, pid, Stage.announced, 2, "已公布的零工市场")

    # A reservation (as every round's and notice's) no longer gives back a revoked title's place.
    grant = QuotaActivities(db).reserve_places(
        PlaceRequest(pid, Level.city, "city", 2, "R2", [unique("new")], datetime.now(UTC))
    )
    assert grant.granted == [] and grant.released == [] and grant.used_after == 2
    used = (await http.get(f"/quotas/{pid}/city", headers=as_(http, "admin"))).json()
    assert used["used"] == {"city": 2} and used["remaining"] == {"city": 0}

    body = {"application_id": revoked, "reason": "经市局研究，收回的名额用于下一批次"}
    for who in ("reviewer", "bureau", "supervisor"):
        assert (await http.post(f"/quotas/{pid}/releases", json=body, headers=as_(http, who))).status_code == 403
    r = await http.post(
        f"/quotas/{pid}/releases", json={**body, "application_id": announced}, headers=as_(http, "admin")
    )
    assert r.status_code == 409 and r.json()["detail"]["rule"] == "place_not_revoked", r.text
    assert "已公布" in r.json()["detail"]["message"]
    r = await http.post(
        f"/quotas/{pid}/releases", json={**body, "application_id": unique("none")}, headers=as_(http, "admin")
    )
    assert r.status_code == 409 and r.json()["detail"]["rule"] == "place_not_held", r.text
    r = await http.post(f"/quotas/{pid}/releases", json={**body, "reason": "  "}, headers=as_(http, "admin"))
    assert r.status_code == 422, r.text
    assert live_usage(db, pid, Level.city, ["city"]) == {"city": 2}  # nothing refused changed anything

    r = await http.post(f"/quotas/{pid}/releases", json=body, headers=as_(http, "admin"))
    assert r.status_code == 200, r.text
    assert r.json() == {"application_id": revoked, "scope": "city", "slot_no": 1, "used_after": 1}
    again = await http.post(f"/quotas/{pid}/releases", json=body, headers=as_(http, "admin"))
    assert again.status_code == 409 and again.json()["detail"]["rule"] == "place_not_held"  # once
    used = (await http.get(f"/quotas/{pid}/city", headers=as_(http, "reviewer"))).json()
    assert used["used"] == {"city": 1} and used["remaining"] == {"city": 1}

    shown = (await http.get(f"/quotas/{pid}/releases", headers=as_(http, "supervisor"))).json()
    assert [(x["application_id"], x["institution_name"], x["reason"]) for x in shown] == [
        (revoked, "撤销称号的零工市场", "经市局研究，收回的名额用于下一批次")
    ]
    assert shown[0]["released_by"] and shown[0]["level"] == "city" and shown[0]["released_at"]
    with Session(get_engine(db)) as s:
        row = s.exec(select(QuotaPlace).where(QuotaPlace.application_id == revoked)).one()
    assert row.released_by_role == "admin" and row.release_key and row.released_at is not None


async def test_a_rejected_or_withdrawn_application_still_gives_its_place_back_in_chinese(http):  # noqa: F811
    db = http.worker.settings.database_url
    pid = await _period(http)
    r = await http.put(
        f"/quotas/{pid}/city", json={"totals": {"city": 2}, "reason": "市级名额"}, headers=as_(http, "admin")
    )
    assert r.status_code == 200, r.text
    withdrawn = seed(db, pid, Stage.withdrawn, 1, "撤回的零工市场")
    revoked = seed(db, pid, Stage.revoked, 2, "撤销称号的零工市场")
    grant = QuotaActivities(db).reserve_places(
        PlaceRequest(pid, Level.city, "city", 2, "R2", ["next-one"], datetime.now(UTC))
    )
    assert grant.released == [withdrawn] and grant.granted == ["next-one"] and grant.used_after == 2
    shown = (await http.get(f"/quotas/{pid}/releases", headers=as_(http, "admin"))).json()
    assert [(x["application_id"], x["reason"], x["released_by"]) for x in shown] == [
        (withdrawn, "申报已撤回，名额随之释放", None)
    ]
    assert revoked not in {x["application_id"] for x in shown}


async def test_quota_workflow_refuses_a_release_by_anyone_but_an_admin_or_without_a_reason(http):  # noqa: F811
    pid = await _period(http)
    r = await http.put(
        f"/quotas/{pid}/city", json={"totals": {"city": 1}, "reason": "市级名额"}, headers=as_(http, "admin")
    )
    assert r.status_code == 200, r.text
    handle = http.worker.quota(pid, Level.city)
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await handle.execute_update(QuotaWorkflow.release, ReleasePlace(reviewer(), "X", "释放"))
    assert e.value.cause.type == "Forbidden" and e.value.cause.details[0]["rule"] == "place_release_by_admin"
    assert e.value.cause.message == "已撤销称号的名额只能由系统管理员释放，当前账号为市人社局评审"
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await handle.execute_update(QuotaWorkflow.release, ReleasePlace(ADMIN, "X", " "))
    assert e.value.cause.type == "InvalidInput" and e.value.cause.details[0]["rule"] == "place_release_reason"


async def test_the_releases_address_is_never_taken_for_a_level(http):  # noqa: F811
    pid = await _period(http)
    r = await http.put(
        f"/quotas/{pid}/releases", json={"totals": {"city": 1}, "reason": "x"}, headers=as_(http, "admin")
    )
    assert (
        r.status_code == 405
        and set(r.headers["allow"].split(", ")) >= {"GET", "POST"}
        and "PUT" not in r.headers["allow"]
    )
    assert r.json()["detail"]["rule"] == "method_not_allowed"
    assert (await http.get(f"/quotas/{pid}/releases", headers=as_(http, "admin"))).json() == []
