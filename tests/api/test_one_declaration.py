"""One institution, one live declaration: by 统一社会信用代码, city-wide, at each level (services/institution_claims.py,
workflows/institution_claim.py). A second declaration is refused 409 while the first lives or holds the title; to
another county's clerk without naming the first; race-safe."""

import asyncio
import json
from datetime import timedelta

from sqlmodel import Session, select
from temporalio.api.enums.v1 import EventType
from temporalio.worker import Replayer

from db.models import Application
from db.session import get_engine
from services import institution_claims
from state.domain import Level
from tests.api.conftest import Api, Driver, declaration_body, eventually, expect, seed_county_title
from tests.conftest import unique
from tests.factory import COUNTY, OTHER_COUNTY, credit_code, declaration, start
from workflows.application import RELEASES_ITS_CLAIM, ApplicationWorkflow, workflow_id_for
from workflows.institution_claim import InstitutionClaim, InstitutionClaimWorkflow, claim_workflow_id


def number_of(api: Api, application_id: str) -> str | None:
    with Session(get_engine(api.database_url)) as s:
        return s.exec(select(Application.number).where(Application.id == application_id)).first()


async def numbered(api: Api, application_id: str) -> str:
    async def given() -> bool:
        return number_of(api, application_id) is not None

    await eventually(given)
    number = number_of(api, application_id)
    assert number is not None
    return number


def says_nothing_of(detail: dict, *secrets: str) -> None:
    """Neither the words nor the facts shown name any of ``secrets``."""
    shown = json.dumps(detail, ensure_ascii=False)
    for secret in secrets:
        assert secret not in shown, f"{secret!r} shown: {shown}"


async def test_the_same_institution_twice_is_refused_and_its_own_county_is_told_its_number(sqlite_api):
    api, driver = sqlite_api, Driver(sqlite_api)
    code = credit_code()
    first = await driver.declare("county", credit_code=code)
    number = await numbered(api, first)
    again = expect(await api.post("clerk", "/applications", declaration_body("county", credit_code=code)), 409)
    detail = again["detail"]
    assert detail["rule"] == "institution_already_declared" and detail["field"] == "institution.credit_code"
    assert detail["number"] == number and number in detail["message"] and code in detail["message"]
    assert "县级申报正在办理中" in detail["message"]
    says_nothing_of(detail, first)

    theirs = declaration_body("county", county=OTHER_COUNTY, credit_code=code)
    refused = expect(await api.post("other_bureau", "/applications", theirs), 409)["detail"]
    assert refused["rule"] == "institution_already_declared" and code in refused["message"]
    says_nothing_of(refused, first, number, COUNTY)
    assert not {"id", "application_id", "number", "county", "yours"} & set(refused)


async def test_a_withdrawn_or_rejected_declaration_frees_the_institution_and_the_new_path_replays(sqlite_api):
    api, driver = sqlite_api, Driver(sqlite_api)
    code = credit_code()
    first = await driver.declare("county", credit_code=code)
    expect(await api.post("bureau", f"/applications/{first}/withdrawal", {"reason": "机构决定暂不申报"}), 200)
    second = await driver.declare("county", credit_code=code)  # the claim is released as the first ends
    rejected = {"decision": "fail", "opinion": "场地面积不足"}
    expect(await api.post("bureau", f"/applications/{second}/county-review", rejected), 200)
    third = await driver.declare("county", who="other_bureau", county=OTHER_COUNTY, credit_code=code)
    assert len({first, second, third}) == 3

    assert api.client is not None
    history = await api.client.get_workflow_handle(workflow_id_for(first)).fetch_history()
    kinds = [e.event_type for e in history.events]
    assert EventType.EVENT_TYPE_MARKER_RECORDED in kinds  # the patch RELEASES_ITS_CLAIM
    assert EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED in kinds
    assert RELEASES_ITS_CLAIM in json.dumps([str(e) for e in history.events])
    replayed = await Replayer(
        workflows=[ApplicationWorkflow], data_converter=api.client.data_converter
    ).replay_workflow(history)
    assert replayed.replay_failure is None
    held = api.client.get_workflow_handle(claim_workflow_id(Level.county, code))
    assert (await held.query(InstitutionClaimWorkflow.holder)).application_id == third


async def test_an_idempotent_retry_is_not_a_second_declaration(sqlite_api):
    api = sqlite_api
    body = declaration_body("county")
    key = {"Idempotency-Key": unique("key")}
    first = expect(await api.post("clerk", "/applications", body, headers=key), 201)["id"]
    await numbered(api, first)  # on record too: neither the read model nor the claim counts it twice
    assert expect(await api.post("clerk", "/applications", body, headers=key), 200)["id"] == first


async def test_of_concurrent_declarations_of_one_institution_exactly_one_is_accepted(api):
    code = credit_code()
    bodies = [
        (who, declaration_body("county", county=county, credit_code=code))
        for who, county in [("clerk", COUNTY), ("other_bureau", OTHER_COUNTY)] * 4
    ]
    answers = await asyncio.gather(
        *(api.post(who, "/applications", body, headers={"Idempotency-Key": unique("key")}) for who, body in bodies)
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [409] * 7, [a.text for a in answers]
    assert {a.json()["detail"]["rule"] for a in answers if a.status_code == 409} == {"institution_already_declared"}
    with Session(get_engine(api.database_url)) as s:
        rows = s.exec(select(Application.id).where(Application.credit_code == code)).all()
    assert rows == [next(a.json()["id"] for a in answers if a.status_code == 201)]


async def test_a_county_level_application_does_not_block_the_city_level_declaration(sqlite_api):
    api, driver = sqlite_api, Driver(sqlite_api)
    code = credit_code()
    await driver.declare("county", credit_code=code)  # live at the county level
    city = await driver.declare("city", credit_code=code)  # holding an older county-level title (seeded)
    again = expect(await api.post("clerk", "/applications", declaration_body("city", credit_code=code)), 409)
    assert again["detail"]["rule"] == "institution_already_declared" and "市级申报" in again["detail"]["message"]
    assert city


async def test_an_imported_title_or_an_application_declared_before_claims_is_on_record(sqlite_api):
    api = sqlite_api
    titled = declaration_body("city", credit_code=credit_code())
    seed_county_title(api.database_url, titled["institution"])  # an imported county-level title, not revoked
    body = declaration_body("county", credit_code=titled["institution"]["credit_code"])
    refused = expect(await api.post("clerk", "/applications", body), 409)["detail"]
    assert refused["rule"] == "institution_already_titled" and "已获县级标杆机构称号" in refused["message"]

    assert api.client is not None
    older = declaration(Level.county, county=OTHER_COUNTY, code=credit_code())  # started without a claim
    await start(api.client, api.task_queue, older)
    await numbered(api, older.application_id)
    body = declaration_body("county", credit_code=older.institution.credit_code)
    refused = expect(await api.post("clerk", "/applications", body), 409)["detail"]
    assert refused["rule"] == "institution_already_declared"
    says_nothing_of(refused, older.application_id, OTHER_COUNTY, number_of(api, older.application_id) or "-")


async def test_an_announced_title_is_institution_already_titled(late_api, late_driver):
    api, driver = late_api, late_driver
    code = credit_code()
    announced = await driver.announced("county", credit_code=code)
    body = declaration_body("county", county=OTHER_COUNTY, credit_code=code)
    refused = expect(await api.post("other_bureau", "/applications", body), 409)["detail"]
    assert refused["rule"] == "institution_already_titled" and code in refused["message"]
    says_nothing_of(refused, announced, COUNTY)


async def test_a_claim_whose_application_never_started_is_released_by_the_next_declaration(sqlite_api, monkeypatch):
    api = sqlite_api
    assert api.client is not None
    code = credit_code()
    cut_off = InstitutionClaim(unique("A"), Level.county, code, COUNTY)  # its declaration died after the claim
    claim = await api.client.start_workflow(
        InstitutionClaimWorkflow.run, cut_off, id=claim_workflow_id(Level.county, code), task_queue=api.task_queue
    )
    refused = expect(await api.post("clerk", "/applications", declaration_body("county", credit_code=code)), 409)
    assert refused["detail"]["rule"] == "institution_already_declared" and "number" not in refused["detail"]
    monkeypatch.setattr(institution_claims, "STALE_AFTER", timedelta(0))  # as if 5 minutes had passed
    again = expect(await api.post("clerk", "/applications", declaration_body("county", credit_code=code)), 201)
    assert await claim.result() == cut_off.application_id
    held = api.client.get_workflow_handle(claim_workflow_id(Level.county, code))
    assert (await held.query(InstitutionClaimWorkflow.holder)).application_id == again["id"]
