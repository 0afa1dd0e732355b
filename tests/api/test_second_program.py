"""A second program runs end to end beside the first, with no code of its own: an administrator publishes 南昌市市级创业
孵化基地认定 from a file in a directory of its own, with its city's region file; a 南昌 county clerk declares into it;
the county and the city review it (a recognition: no round); its notice lasts that program's 7 working days; the
batch is signed by its one issuing department, numbered and named by 南昌's organs; the plaque is awarded; the title is
revoked by the same department's decision. Another city's departments can neither sign nor see its batch."""

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from contracts.revocation import SubjectKind
from programs.evaluate import conditions
from programs.load import DEFINITIONS, read
from services import programs
from services.identity.users import add_user
from state.calendar import WorkingDayCalendar
from tests.api.conftest import Api, eventually, expect
from tests.conftest import unique
from tests.factory import credit_code
from tests.samples import unique_pdf
from tests.test_replay import replayer
from workflows.announcement import announcement_workflow_id
from workflows.application import ApplicationWorkflow, workflow_id_for
from workflows.revocation import workflow_id_for as revocation_workflow_id

SOURCE = DEFINITIONS / "nanchang-incubator-2024.toml"
REGION = Path(__file__).resolve().parents[1] / "region_files" / "jiangxi.toml"
CITY, COUNTY = "南昌市", "东湖区"
RECORD = "BIAOGAN_RECORD_PROGRAM_HISTORIES"  # a directory: the run writes its three histories there as goldens
NANCHANG = {  # name -> (role, county, department)
    "nc_clerk": ("county_bureau", COUNTY, None),
    "nc_bureau": ("county_bureau", COUNTY, None),
    "nc_reviewer": ("city_reviewer", None, None),
    "nc_hrss": ("department", None, "hrss"),
    "nc_inspector": ("inspector", None, None),
}


def facts(code: str, area: int = 1600) -> dict:
    return {
        "name": "南昌青创孵化运营有限公司",
        "credit_code": code,
        "base_name": "东湖青年创业孵化基地",
        "contact": "李四",
        "phone": "13912345678",
        "county_title_doc_no": "东湖人社字〔2023〕12号",
        "legal_person": True,
        "incubation_main_business": True,
        "years_operating": 3,
        "incubation_area_m2": area,
        "area_in_use_pct": 80,
        "incubated_entities": 20,
        "jobs_created": 150,
        "success_rate_pct": 55,
        "exit_rate_pct": 65,
    }


@pytest.fixture
def published(late_api: Api, tmp_path, monkeypatch) -> Api:
    """The program's file and its city's region file in directories of their own; the program published as a
    version; 南昌's accounts made (their city set as 用户管理 sets it)."""
    regions = tmp_path / "regions"
    regions.mkdir()
    shutil.copy(REGION, regions / "jiangxi.toml")
    monkeypatch.setenv("BIAOGAN_REGIONS_DIR", str(regions))
    copied = tmp_path / "programs" / "incubators.toml"
    copied.parent.mkdir()
    shutil.copy(SOURCE, copied)
    programs.publish(late_api.database_url, copied, "系统管理员", "发布南昌市市级创业孵化基地认定")
    suffix = unique("nc")
    for name, (role, county, department) in NANCHANG.items():
        made = add_user(late_api.database_url, f"{name}-{suffix}", role, county, department, city=CITY)
        late_api.tokens[name], late_api.ids[name] = made.token, made.id
    return late_api


async def post(api: Api, who: str, path: str, body: dict | None = None) -> dict:
    response = await api.http.post(path, json=body or {}, headers=api.auth(who))
    answer = response.json()
    return {"status": response.status_code, "body": response.text, **answer.get("detail", answer)}


async def declaration(api: Api, area: int = 1600) -> dict:
    program = read(SOURCE).program
    refs = []
    for item in program.materials.items:
        uploaded = expect(await api.upload("nc_clerk", unique_pdf(), f"{item.title}.pdf"), 201)
        refs.append({"item": item.code, "material_id": uploaded["id"]})
    attested = {c.code: "经县区人社局实地核实，符合" for c in conditions(program, "social_base", "city")}
    return {
        "program": program.id,
        "level": "city",
        "county": COUNTY,
        "institution": {"type": "social_base", "facts": facts(credit_code(), area), "attestations": attested},
        "materials": refs,
        "reason": "东湖区人社局推荐",
    }


async def test_a_second_program_runs_from_declaration_to_revocation(published: Api):
    api = published
    body = await declaration(api)

    too_small = {**body, "institution": {**body["institution"], "facts": {**body["institution"]["facts"]}}}
    too_small["institution"]["facts"]["incubation_area_m2"] = 1400
    refused = await post(api, "nc_clerk", "/applications", too_small)
    assert refused["status"] == 422 and refused.get("rule") == "social_area_min_1500", refused["body"]
    assert refused["field"] == "institution.facts.incubation_area_m2" and "1500" in refused["message"]
    linyi_clerk = await post(api, "clerk", "/applications", body)  # another city's clerk: the program is not theirs
    assert linyi_clerk["status"] == 404 and linyi_clerk["rule"] == "program_unknown"

    app_id = expect(await api.http.post("/applications", json=body, headers=api.auth("nc_clerk")), 201)["id"]
    view = expect(await api.get("nc_clerk", f"/applications/{app_id}"), 200)
    assert view["state"] == "declared"
    again = await post(api, "nc_clerk", "/applications", await declaration(api))
    assert again["status"] == 201  # another institution (a fresh credit code) declares freely

    review = {"decision": "pass", "opinion": "材料齐全，符合认定条件"}
    expect(
        await api.http.post(f"/applications/{app_id}/county-review", json=review, headers=api.auth("nc_bureau")), 200
    )
    expect(
        await api.http.post(f"/applications/{app_id}/city-review", json=review, headers=api.auth("nc_reviewer")), 200
    )
    expect(await api.http.post(f"/applications/{app_id}/notice", json={}, headers=api.auth("nc_reviewer")), 200)
    notice = expect(await api.get("nc_reviewer", f"/applications/{app_id}"), 200)["notice"]
    first_day, last_day = date.fromisoformat(notice["first_day"]), date.fromisoformat(notice["last_day"])
    calendar = WorkingDayCalendar.from_file(None)
    assert calendar.working_days_between(first_day, last_day) + 1 == 7  # the program's 7 working days, not 5

    assert api.env is not None
    from tests.api.conftest import Driver

    await Driver(api).pass_notice(app_id)
    batch = expect(
        await api.http.post("/announcements", json={"applications": [app_id]}, headers=api.auth("nc_reviewer")), 201
    )
    linyi_hrss = await post(api, "hrss", f"/announcements/{batch['id']}/co-signatures")
    assert linyi_hrss["status"] == 404  # 临沂's department does not sign 南昌's batch
    signed = expect(
        await api.http.post(f"/announcements/{batch['id']}/co-signatures", headers=api.auth("nc_hrss")), 200
    )  # its one issuing department: the only signature
    assert signed["state"] == "announced" and signed["document_no"].startswith("洪人社字〔")
    pdf = await api.get("nc_reviewer", f"/announcements/{batch['id']}/document.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "南昌市人力资源和社会保障局" in text and "南昌市市级创业孵化基地" in text
    assert "临沂" not in text and "发展和改革" not in text and "民政局" not in text

    async def announced() -> bool:
        return (await api.get("nc_reviewer", f"/applications/{app_id}")).json()["state"] == "announced"

    await eventually(announced)
    on = expect(await api.get("nc_reviewer", f"/applications/{app_id}"), 200)["announced_on"]
    award = {"plaque_no": f"NC-{unique('P')}", "awarded_on": on}
    expect(await api.http.post(f"/applications/{app_id}/award", json=award, headers=api.auth("nc_reviewer")), 200)

    proposal = {"reason": "deregistered", "evidence": "运营机构已注销"}
    expect(
        await api.http.post(f"/applications/{app_id}/revocation", json=proposal, headers=api.auth("nc_inspector")),
        202,
    )
    decided = expect(
        await api.http.post(
            f"/applications/{app_id}/revocation/co-signatures", json={"decision": "sign"}, headers=api.auth("nc_hrss")
        ),
        200,
    )
    assert decided["state"] == "revoked" and decided["document_no"].startswith("洪人社字〔")

    async def revoked() -> bool:
        return (await api.get("nc_reviewer", f"/applications/{app_id}")).json()["state"] == "revoked"

    await eventually(revoked)
    assert api.client is not None  # its history, the program's version recorded in it, replays with today's code
    history = await api.client.get_workflow_handle(workflow_id_for(app_id)).fetch_history()
    replayed = await replayer(ApplicationWorkflow).replay_workflow(history, raise_on_replay_failure=False)
    assert replayed.replay_failure is None, replayed.replay_failure
    if where := os.environ.get(RECORD):  # the golden histories tests/test_program_replay.py replays
        kept = {
            "application": workflow_id_for(app_id),
            "announcement": announcement_workflow_id(batch["id"]),
            "revocation": revocation_workflow_id(SubjectKind.application, app_id),
        }
        for name, workflow_id in kept.items():
            found = await api.client.get_workflow_handle(workflow_id).fetch_history()
            (Path(where) / f"{name}.json").write_text(json.dumps(found.to_json_dict(), ensure_ascii=False, indent=1))


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
