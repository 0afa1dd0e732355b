"""Objectors the investigating department can reach: a name in letters, a phone number or e-mail address that is
one, content of some substance; contacts kept in one form so that the per-contact cap counts one contact once;
and pending objections capped per network, so that a few addresses cannot fill the application's cap and shut
out every genuine objector. Against the real workflow."""

import httpx
import pytest
from pydantic import ValidationError

from contracts.application import ObjectionAct
from schemas.models import ObjectionCreate
from state.objector import normal_contact
from tests.api.conftest import expect
from web.forms import field_errors
from workflows.application import ApplicationWorkflow, workflow_id_for
from workflows.application_rules import PENDING_PER_APPLICATION, PENDING_PER_NETWORK

CONTENT = "该机构服务场所面积与申报不符"


async def lodge(api, app_id: str, body: dict, address: str = "127.0.0.1") -> httpx.Response:
    """An objection from ``address`` (the TCP peer the API sees)."""
    transport = httpx.ASGITransport(app=api.app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url=api.http.base_url) as http:
        return await http.post(f"/public/applications/{app_id}/objections", json=body)


def objection(contact: str, name: str = "李四") -> dict:
    return {"name": name, "contact": contact, "content": CONTENT}


async def pending(driver, app_id: str) -> list[dict]:
    return [o for o in (await driver.state(app_id))["objections"] if o["upheld"] is None]


def test_contacts_are_kept_in_one_form():
    for written in (
        "138 0000 9999",
        "+8613800009999",
        "+86 138-0000-9999",
        "008613800009999",
        "１３８００００９９９９",
    ):
        assert normal_contact(written) == "+8613800009999", written
    assert normal_contact("0539-8123456") == normal_contact("+86 539 8123456") == "+865398123456"
    assert normal_contact("(010)88123456") == "+861088123456"
    assert normal_contact(" Li.Si@Example.COM ") == "li.si@example.com"
    for nobody in ("0", "12345", "1380000999", "23800009999", "li@", "@example.com", "li@example", "电话"):
        assert normal_contact(nobody) is None, nobody


async def test_an_objector_who_cannot_be_reached_is_refused_naming_each_field(api, driver):
    app_id = await driver.publicized("county")
    detail = expect(await lodge(api, app_id, {"name": "0", "contact": "0", "content": "0"}), 422)["detail"]
    rules = {p["field"]: p["rule"] for p in detail["problems"]}
    assert rules == {"name": "objector_name", "contact": "objector_contact", "content": "objection_content"}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in p["message"]) for p in detail["problems"])
    for body, field, rule in (
        ({**objection("13800009999"), "name": "\x01\x02"}, "name", "control_character"),
        ({**objection("13800009999"), "name": "１２"}, "name", "objector_name"),
        ({**objection("\x07\x08")}, "contact", "control_character"),
        ({**objection("li at example.com")}, "contact", "objector_contact"),
        ({**objection("13800009999"), "content": "！！！！！！！！！！"}, "content", "objection_content"),
        ({**objection("13800009999"), "content": "场地不实"}, "content", "objection_content"),
    ):
        detail = expect(await lodge(api, app_id, body), 422)["detail"]
        assert (detail["field"], detail["rule"]) == (field, rule), (body, detail)
    assert await pending(driver, app_id) == []


async def test_one_contact_however_written_is_counted_once(api, driver):
    app_id = await driver.publicized("county")
    for written in ("138 0000 9999", "+8613800009999"):
        expect(await lodge(api, app_id, objection(written)), 201)
    refused = expect(await lodge(api, app_id, objection("0086 138-0000-9999")), 409)["detail"]
    assert refused["rule"] == "objections_pending_per_contact"
    for written in ("Wang.Wu@Example.com", " wang.wu@example.COM"):
        expect(await lodge(api, app_id, objection(written, "王五")), 201)
    refused = expect(await lodge(api, app_id, objection("WANG.WU@EXAMPLE.COM", "王五")), 409)["detail"]
    assert refused["rule"] == "objections_pending_per_contact"
    seen = await api.get("supervisor", f"/applications/{app_id}")
    contacts = [o["contact"] for o in expect(seen, 200)["objections"]]
    assert contacts == ["+8613800009999"] * 2 + ["wang.wu@example.com"] * 2


async def test_contacts_recorded_before_they_were_normalised_count_too(api, driver):
    app_id = await driver.publicized("county")
    handle = api.client.get_workflow_handle(workflow_id_for(app_id))
    await handle.execute_update(ApplicationWorkflow.lodge_objection, ObjectionAct("李四", "138 0000 7777", CONTENT))
    expect(await lodge(api, app_id, objection("13800007777")), 201)
    refused = expect(await lodge(api, app_id, objection("+86 13800007777")), 409)["detail"]
    assert refused["rule"] == "objections_pending_per_contact"


async def test_a_network_fills_only_its_own_share_and_the_total_cap_needs_many_networks(api, driver):
    app_id = await driver.publicized("county")
    n = 0

    async def from_(address: str) -> httpx.Response:
        nonlocal n
        n += 1
        return await lodge(api, app_id, objection(f"1390000{n:04d}"), address)

    for i in range(PENDING_PER_NETWORK):
        expect(await from_(f"203.0.113.{10 + i}"), 201)
    for flooder in ("203.0.113.10", "203.0.113.250"):  # the same /24
        refused = expect(await from_(flooder), 409)["detail"]
        assert refused["rule"] == "objections_pending_per_network" and "同一网络" in refused["message"]
    for i in range(PENDING_PER_NETWORK):  # IPv6: one /48
        expect(await from_(f"2001:db8:1:{i}::1"), 201)
    refused = expect(await from_("2001:db8:1:ffff::2"), 409)["detail"]
    assert refused["rule"] == "objections_pending_per_network"
    expect(await from_("198.51.100.7"), 201)  # a genuine objector elsewhere still gets through

    networks = PENDING_PER_APPLICATION // PENDING_PER_NETWORK
    assert networks >= 5  # the total cap is reached only by objectors from five networks or more
    lodged = len(await pending(driver, app_id))
    for k in range(PENDING_PER_APPLICATION - lodged):
        expect(await from_(f"10.{k}.0.1"), 201)
    refused = expect(await from_("10.250.0.1"), 409)["detail"]
    assert refused["rule"] == "objections_pending_cap"
    assert len(await pending(driver, app_id)) == PENDING_PER_APPLICATION


def test_the_objection_form_says_each_problem_in_chinese_beside_its_field():
    """The page's form validates with the same model (web/routes/public.py) and says the rule's own words."""
    with pytest.raises(ValidationError) as refused:
        ObjectionCreate.model_validate({"name": "0", "contact": "0", "content": "\u3000\u200b "})
    errors = field_errors(refused.value)
    assert errors["name"].startswith("请填写真实姓名") and "匿名" in errors["name"]
    assert errors["contact"].startswith("请填写能联系到您的手机号码")
    assert errors["content"].startswith("此项必填")
