"""Revocation as the issuing organs' decision, over HTTP on real servers: an inspector proposes (202, nothing revoked
yet), the three departments of the level that announced the title co-sign, and the third signature issues the
撤销决定 (a 文号 from the register, the PDF kept as rendered) and revokes; a decline ends the proposal; the public
list and the institution's county bureau hear of it; a historic title is revoked the same way; a county-level
title's revocation still flags the institution's live city-level application."""

import hashlib
import io
from datetime import date, datetime

import pdfplumber
from sqlmodel import Session

from db.document_register import register_rows
from db.rounds import HistoricTitle
from db.session import get_engine
from state.calendar import TZ
from state.organs import DOCUMENT_NUMBER
from tests.api.conftest import COUNTY_DEPARTMENTS, Driver, eventually, expect
from tests.factory import COUNTY, credit_code


async def test_a_city_title_is_revoked_by_the_third_of_three_signatures(late_api):
    api, driver = late_api, Driver(late_api)
    app_id = await driver.awarded("city", name="临沂市罗庄区零工驿站")
    url = f"/applications/{app_id}/revocation"
    assert expect(await api.get("supervisor", url), 404)["detail"]["rule"] == "revocation_not_found"

    proposal = expect(
        await api.post("inspector", url, {"reason": "deregistered", "evidence": "经核查，机构已注销登记"}), 202
    )
    assert (proposal["state"], proposal["state_label"], proposal["ground_label"]) == ("pending", "待会签", "机构注销")
    assert proposal["awaiting"] == ["hrss", "drc", "civil_affairs"] and proposal["document_no"] is None
    detail = await driver.state(app_id)
    assert detail["state"] == "plaque_awarded"  # nothing revoked by the proposal alone
    assert detail["revocation"]["id"] == proposal["id"] and detail["revocation"]["state"] == "pending"
    second = await api.post("inspector", url, {"reason": "violation", "evidence": "另一项违规"})
    assert expect(second, 409)["detail"]["rule"] == "revocation_already_proposed"
    no_pdf = expect(await api.get("supervisor", f"{url}/document.pdf"), 404)
    assert no_pdf["detail"]["rule"] == "revocation_no_document"

    async def owed(who: str) -> list[str]:
        tasks = expect(await api.get(who, "/tasks"), 200)
        return [t["title"] for t in tasks if t["act"] == "revocation_co_sign" and t["application_id"] == app_id]

    assert (await owed("hrss"))[0].startswith("撤销会签：临沂市罗庄区零工驿站") and not await owed("county_hrss")
    signatures = f"{url}/co-signatures"
    wrong_level = expect(await api.post("county_hrss", signatures, {"decision": "sign"}), 403)
    assert wrong_level["detail"]["rule"] == "revocation_signer_level"
    expect(await api.post("inspector", signatures, {"decision": "sign"}), 403)
    expect(await api.post("hrss", signatures, {"decision": "sign"}), 200)
    assert not await owed("hrss") and await owed("drc")  # each department's word once
    twice = expect(await api.post("hrss", signatures, {"decision": "sign"}), 409)
    assert twice["detail"]["rule"] == "revocation_signed_twice" and "同意撤销" in twice["detail"]["message"]
    after_two = expect(await api.post("drc", signatures, {"decision": "sign"}), 200)
    assert after_two["state"] == "pending" and after_two["awaiting"] == ["civil_affairs"]
    assert (await driver.state(app_id))["state"] == "plaque_awarded"  # two signatures revoke nothing
    blank = expect(await api.post("civil_affairs", signatures, {"decision": "decline"}), 422)
    assert blank["detail"]["rule"] == "revocation_decline_reason"

    decided = expect(await api.post("civil_affairs", signatures, {"decision": "sign"}), 200)
    assert (decided["state"], decided["state_label"]) == ("revoked", "已撤销")
    number = DOCUMENT_NUMBER.match(decided["document_no"])
    assert number and number["prefix"] == "临人社字"
    drawn = [r for r in register_rows(api.database_url) if r["key"] == f"revocation:{proposal['id']}"]
    assert [r["number"] for r in drawn] == [decided["document_no"]] and drawn[0]["purpose"] == "撤销决定"
    detail = await driver.state(app_id)
    assert detail["state"] == "revoked" and detail["revocation"]["document_no"] == decided["document_no"]
    revoke = detail["acts"][-1]
    assert revoke["act"] == "revoke" and revoke["details"] == {
        "ground": "deregistered",
        "document_no": decided["document_no"],
    }
    assert (
        expect(await api.post("drc", signatures, {"decision": "sign"}), 409)["detail"]["rule"] == "revocation_none_open"
    )

    first = await api.get("supervisor", f"{url}/document.pdf")
    again = await api.get("supervisor", f"{url}/document.pdf")
    assert first.status_code == again.status_code == 200 and first.content == again.content
    sha = hashlib.sha256(first.content).hexdigest()
    assert first.headers["etag"] == f'"{sha}"' and first.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(first.content)) as pdf:
        text = "".join((p.extract_text() or "") for p in pdf.pages).replace("\n", "").replace(" ", "")
    assert "临沂市罗庄区零工驿站" in text and "机构注销" in text and decided["document_no"] in text
    assert "关于撤销临沂市罗庄区零工驿站" in text and "称号的决定" in text

    listed = expect(await api.get(None, "/public/revocations"), 200)
    mine = [i for i in listed["items"] if i["document_no"] == decided["document_no"]]
    assert mine and mine[0]["institution_name"] == "临沂市罗庄区零工驿站" and mine[0]["ground_label"] == "机构注销"
    assert mine[0]["level_label"] == "市级"
    public_pdf = await api.get(None, mine[0]["document_url"].removeprefix("/api/v1"))
    assert public_pdf.status_code == 200 and public_pdf.content == first.content

    inbox = expect(await api.get("clerk", "/notifications"), 200)["items"]
    told = [n for n in inbox if decided["document_no"] in n["subject"]]
    assert told and "机构注销" in told[0]["body"] and "临沂市罗庄区零工驿站" in told[0]["body"]


async def test_a_decline_ends_the_proposal_and_a_county_revocation_still_flags_the_city_application(late_api):
    api, driver = late_api, Driver(late_api)
    code = credit_code()
    county = await driver.announced("county", type="training", credit_code=code)  # its county-level title
    title = await driver.state(county)
    city = await driver.city_reviewed(  # then its live city-level application, naming that title
        credit_code=code, county_title_doc_no=title["announcement_doc_no"], county_title_date=title["announced_on"]
    )
    url = f"/applications/{county}/revocation"
    expect(await api.post("inspector", url, {"reason": "violation", "evidence": "发生违规问题"}), 202)
    expect(await api.post("county_hrss", f"{url}/co-signatures", {"decision": "sign"}), 200)
    declined = expect(
        await api.post("county_drc", f"{url}/co-signatures", {"decision": "decline", "reason": "证据不足，不同意撤销"}),
        200,
    )
    assert (declined["state"], declined["state_label"], declined["document_no"]) == ("declined", "已否决", None)
    assert declined["signatures"][-1]["decision_label"] == "不同意撤销"
    assert (await driver.state(county))["state"] == "announced"
    assert not (await driver.state(city))["flags"]

    decided = await driver.revoked(county, "false_materials", "申报材料虚假", level="county")
    assert decided["state"] == "revoked" and DOCUMENT_NUMBER.match(decided["document_no"])["prefix"] == "兰山人社字"
    assert (await driver.state(county))["state"] == "revoked"

    async def flagged() -> bool:
        return bool((await driver.state(city))["flags"])

    await eventually(flagged)


def historic_title(database_url: str, name: str) -> int:
    with Session(get_engine(database_url)) as s:
        title = HistoricTitle(
            institution_name=name,
            institution_type="training",
            county=COUNTY,
            credit_code=credit_code(),
            level="county",
            document_no="兰人社发〔2021〕3号",
            awarded_on=date(2021, 6, 1),
            source="test",
            imported_at=datetime.now(TZ),
        )
        s.add(title)
        s.commit()
        assert title.id is not None
        return title.id


async def test_a_historic_title_is_revoked_the_same_way(late_api):
    api = late_api
    title_id = historic_title(api.database_url, "兰山区老字号职业培训学校")
    missing = expect(
        await api.post("inspector", "/historic-titles/987654321/revocation", {"reason": "other", "evidence": "无"}), 404
    )
    assert missing["detail"]["rule"] == "historic_title_not_found"
    url = f"/historic-titles/{title_id}/revocation"
    proposal = expect(await api.post("inspector", url, {"reason": "below_standard", "evidence": "服务达不到标准"}), 202)
    assert proposal["subject"] == "historic" and proposal["state"] == "pending"
    for who in COUNTY_DEPARTMENTS:
        decided = expect(await api.post(who, f"{url}/co-signatures", {"decision": "sign"}), 200)
    assert decided["state"] == "revoked" and decided["document_no"].startswith("兰山人社字〔")
    pdf = await api.get("supervisor", f"{url}/document.pdf")
    assert pdf.status_code == 200 and pdf.headers["etag"] == f'"{hashlib.sha256(pdf.content).hexdigest()}"'
    again = expect(await api.post("inspector", url, {"reason": "other", "evidence": "再次提议"}), 409)
    assert again["detail"]["rule"] == "revocation_title_revoked"
    listed = expect(await api.get(None, "/public/revocations"), 200)["items"]
    assert any(
        i["institution_name"] == "兰山区老字号职业培训学校" and i["ground_label"] == "就业服务工作被证实达不到标准"
        for i in listed
    )
