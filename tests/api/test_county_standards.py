"""A county's own conditions (附件5 评定标准, 因地制宜) over HTTP, with a real dev server, worker and read model: set by
the admin or the county's bureau through CountyStandardsWorkflow (others refused in Chinese), recorded version by
version with who and when, merged into the condition book (GET /conditions), and attested by that county's
county-level declarations; a removed code is retired and never used again; bad input is 422 with field and rule."""

import secrets

import pytest_asyncio
from temporalio.service import RPCError

from services.identity import create_user
from tests.api.conftest import declaration_body, expect
from tests.conftest import unique
from workflows.standards import standards_workflow_id

COUNTY = "郯城县"  # no other test declares here: its own conditions bind no one else's declarations
PATH = f"/counties/{COUNTY}/conditions"


@pytest_asyncio.fixture
async def county(api):
    """The county's bureau (a token of its own), and the county's workflow ended afterwards: the next database's
    run starts it afresh from its own read model."""
    api.tokens["tancheng"] = create_user(api.database_url, unique("郯城县人社局"), "county_bureau", COUNTY)
    yield api
    try:
        await api.client.get_workflow_handle(standards_workflow_id(COUNTY)).terminate("test over")
    except RPCError:
        pass


def fresh(prefix: str) -> str:
    """A code no earlier run used (codes are never reused)."""
    return f"{prefix}_{secrets.token_hex(4)}"


def conditions(*pairs: tuple[str, str], types: list[str] | None = None) -> list[dict]:
    return [{"code": code, "text": text, **({"types": types} if types else {})} for code, text in pairs]


async def test_the_bureau_sets_its_conditions_and_its_county_level_declarations_attest_them(county):
    api = county
    brand, hall = fresh("tc_brand"), fresh("tc_hall")
    body = {
        "conditions": conditions((brand, "具有县级就业服务特色品牌"))
        + conditions((hall, "零工市场设有县级零工服务大厅"), types=["gig_market"]),
        "reason": "郯城县评定标准（附件5）",
    }
    set_ = expect(await api.http.put(PATH, json=body, headers=api.auth("tancheng")), 200)
    assert (set_["added"], set_["retired"], set_["unchanged"]) == ([brand, hall], [], False)
    version = set_["version"]

    # The condition book: the notice's, then the county's, for this county's county-level declarations only
    book = expect(
        await api.get(None, "/conditions", params={"type": "gig_market", "level": "county", "county": COUNTY}), 200
    )
    own = [c for c in book["items"] if c["kind"] == "county"]
    assert [(c["code"], c["text"]) for c in own] == [
        (brand, "具有县级就业服务特色品牌"),
        (hall, "零工市场设有县级零工服务大厅"),
    ]
    training = expect(
        await api.get(None, "/conditions", params={"type": "training", "level": "county", "county": COUNTY}), 200
    )
    assert [c["code"] for c in training["items"] if c["kind"] == "county"] == [brand]
    city = expect(
        await api.get(None, "/conditions", params={"type": "gig_market", "level": "city", "county": COUNTY}), 200
    )
    assert not [c for c in city["items"] if c["kind"] == "county"]
    other = expect(
        await api.get(None, "/conditions", params={"type": "gig_market", "level": "county", "county": "兰山区"}), 200
    )
    assert not [c for c in other["items"] if c["kind"] == "county"]

    # A county-level declaration in the county must attest them: refused naming the code, accepted with it
    declaration = declaration_body("county", COUNTY)
    declaration = await api.with_materials("tancheng", declaration)
    refused = expect(await api.post("tancheng", "/applications", declaration), 422)
    assert refused["detail"]["field"] == f"institution.attestations.{brand}"
    assert refused["detail"]["rule"] == "attestation_missing"
    assert {p["field"] for p in refused["detail"]["problems"]} == {
        f"institution.attestations.{brand}",
        f"institution.attestations.{hall}",
    }
    assert "缺少评定条件的核实说明" in refused["detail"]["message"]
    attested = dict(declaration["institution"]["attestations"])
    attested |= {brand: "经核实，具有“郯城就业”服务品牌", hall: "经核实，设有零工服务大厅"}
    declaration["institution"]["attestations"] = attested
    expect(await api.post("tancheng", "/applications", declaration), 201)

    # Who set them and when, every version kept; a removed code is retired and never used again
    again = {"conditions": conditions((brand, "具有县级就业服务特色品牌（已注册）")), "reason": "修订"}
    revised = expect(await api.http.put(PATH, json=again, headers=api.auth("admin")), 200)
    assert (revised["version"], revised["changed"], revised["retired"]) == (version + 1, [brand], [hall])
    same = expect(await api.http.put(PATH, json=again, headers=api.auth("admin")), 200)
    assert same["unchanged"] and same["version"] == version + 1  # a repeated PUT records nothing
    reuse = {"conditions": conditions((hall, "零工市场设有县级零工服务大厅")), "reason": "恢复"}
    retired = expect(await api.http.put(PATH, json=reuse, headers=api.auth("tancheng")), 422)
    assert retired["detail"]["rule"] == "condition_code_retired" and retired["detail"]["field"] == "conditions[0].code"
    assert "已停用" in retired["detail"]["message"]

    read = expect(await api.get("tancheng", PATH), 200)
    assert (read["version"], [c["code"] for c in read["conditions"]]) == (version + 1, [brand])
    assert hall in read["retired"] and read["set_by"].startswith("admin")
    newest, previous = read["versions"][:2]
    assert (newest["reason"], newest["set_by_role"], newest["retired_now"]) == ("修订", "admin", [hall])
    assert previous["set_by"].startswith("郯城县人社局") and previous["set_by_role"] == "county_bureau"
    assert [c["code"] for c in previous["conditions"]] == [brand, hall]
    assert expect(await api.get("reviewer", PATH), 200)["version"] == version + 1


async def test_only_the_admin_and_the_countys_own_bureau_set_them(county):
    api = county
    body = {"conditions": conditions((fresh("tc_x"), "具有特色服务")), "reason": "设定"}
    for who in ("clerk", "other_bureau"):  # bureaus of other counties
        refused = expect(await api.http.put(PATH, json=body, headers=api.auth(who)), 403)
        assert (
            refused["detail"]["message"]
            == f"{COUNTY}的县级评定标准（附件5）只能由系统管理员或{COUNTY}人力资源社会保障局设定"
        )
    for who in ("reviewer", "supervisor", "inspector"):
        expect(await api.http.put(PATH, json=body, headers=api.auth(who)), 403)
    expect(await api.http.put(PATH, json=body), 401)
    expect(await api.get("clerk", PATH), 404)  # another county's standard: as if there were none
    assert "郯城县" in (await api.get("clerk", PATH)).json()["detail"]["message"]


async def test_bad_conditions_are_422_naming_the_field_and_rule(county):
    api = county

    async def refused(items: list[dict], reason: str = "设定") -> dict:
        response = await api.http.put(PATH, json={"conditions": items, "reason": reason}, headers=api.auth("tancheng"))
        return expect(response, 422)["detail"]

    cases = [
        (conditions(("Bad-Code", "具有特色服务")), "conditions[0].code", "condition_code_format"),
        (conditions(("basic_9_extra", "具有特色服务")), "conditions[0].code", "condition_code_reserved"),
        (
            conditions(("tc_same", "具有特色服务"), ("tc_same", "另一条")),
            "conditions[1].code",
            "condition_code_duplicated",
        ),
        (conditions(("tc_blank", "   ")), "conditions[0].text", "condition_text_required"),
        (conditions(("tc_english", "has a brand")), "conditions[0].text", "condition_text_chinese"),
        (conditions(("tc_types", "具有特色服务"), types=[]) + [], "conditions[0].types", "condition_types_required"),
    ]
    cases[-1][0][0]["types"] = []
    for items, field, rule in cases:
        detail = await refused(items)
        assert (detail["field"], detail["rule"]) == (field, rule), detail
        assert any("\u4e00" <= ch <= "\u9fff" for ch in detail["message"]), detail
    detail = await refused(conditions(("tc_ok", "具有特色服务")), reason="   ")
    assert (detail["field"], detail["rule"]) == ("reason", "reason_required")
    unknown_type = [{"code": "tc_t", "text": "具有特色服务", "types": ["bakery"]}]
    detail = await refused(unknown_type)
    assert detail["field"] == "conditions.0.types.0" and detail["rule"] == "enum"
    assert expect(
        await api.http.put(
            "/counties/火星区/conditions", json={"conditions": [], "reason": "x"}, headers=api.auth("admin")
        ),
        422,
    )
