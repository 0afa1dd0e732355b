"""Issue 12's story over the API, end to end, at the county level: the 兰山区 clerk uploads a file for every item of the
checklist and declares; another account of the bureau (the county's reviewer) previews the files and returns the
declaration for one missing photo of the premises; the clerk uploads the photo and resubmits; the history keeps both
versions and says what changed; the declaration is reviewed and noticed, its 5 working days pass (time-skipping
server), the county's three departments co-sign one joint document for a batch of two, the bureau awards the
plaques, and the city prints the joint 公布文件 (both institutions in it) and each plaque certificate.

At every step another county's users get 404 and the anonymous 401 for the application, its files, its history and
its documents — exactly as for an application that does not exist."""

import hashlib
import re
from io import BytesIO

import httpx
from pypdf import PdfReader

from tests.api.conftest import Api, Driver, declaration_body, expect, opinions_given
from tests.conftest import unique
from tests.samples import unique_pdf, unique_png

OUTSIDERS = ("other_bureau", "other_county_hrss")  # 罗庄区's bureau and its county HRSS department
DOCUMENTS = ("declaration", "announcement", "certificate")
PDF, PNG = "application/pdf", "image/png"


def pdf_text(response: httpx.Response) -> str:
    """The PDF's text, whitespace removed (a long name wraps inside its table cell)."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == PDF
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    return re.sub(r"\s+", "", text)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def nothing_outside_the_scope(api: Api, app_id: str, material_ids: list[str]) -> None:
    """Another county's users: 404, as if the application did not exist (even a document not due yet, which its
    own readers are refused with 409); no token: 401."""
    base = f"/applications/{app_id}"
    paths = [base, f"{base}/materials", f"{base}/history"]
    paths += [f"{base}/materials/{m}" for m in material_ids]
    paths += [f"{base}/documents/{d}.pdf" for d in DOCUMENTS]
    for path in paths:
        for who in OUTSIDERS:
            answer = await api.get(who, path)
            assert answer.status_code == 404, f"{who} GET {path}: {answer.status_code}"
            assert b"%PDF" not in answer.content and b"PNG" not in answer.content
        assert (await api.get(None, path)).status_code == 401, f"anonymous GET {path}"


async def test_a_county_level_title_from_the_clerks_files_to_the_citys_print(late_api: Api, late_driver: Driver):
    api, driver = late_api, late_driver
    name = f"兰山区人力资源市场零工驿站{unique('')[-6:]}"

    # ---- the clerk uploads a file for every item of the checklist, then declares -----------------------------
    checklist = expect(
        await api.get(None, "/materials/checklist", params={"type": "gig_market", "level": "county"}), 200
    )["items"]
    assert {"declaration_form", "registration_certificate", "premises_photos", "gig_market_area_proof"} <= {
        i["code"] for i in checklist if i["required"]
    }
    files: dict[str, bytes] = {}
    refs: list[dict[str, str]] = []
    for item in checklist:
        data, filename = (unique_pdf(), f"{item['code']}.pdf") if PDF in item["accepts"] else (unique_png(), "大厅.png")
        uploaded = expect(await api.upload("clerk", data, filename), 201)
        assert uploaded["sha256"] == sha256(data) and uploaded["size"] == len(data)
        assert uploaded["content_type"] == (PDF if data.startswith(b"%PDF") else PNG)  # told by the bytes
        files[uploaded["id"]] = data
        refs.append({"item": item["code"], "material_id": uploaded["id"]})
    photo = next(r["material_id"] for r in refs if r["item"] == "premises_photos")

    body = {**declaration_body("county", name=name), "materials": refs}
    borrowed = expect(await api.post("other_bureau", "/applications", {**body, "county": "罗庄区"}), 422)["detail"]
    assert borrowed["rule"] == "material_unknown"  # another county's bureau cannot declare with our clerk's files
    app_id = expect(await api.post("clerk", "/applications", body), 201)["id"]
    app = f"/applications/{app_id}"
    declared = expect(await api.get("clerk", app), 200)
    assert declared["state"] == "declared"
    recorded = {m["sha256"] for m in declared["acts"][0]["materials"]}
    assert recorded == {sha256(d) for d in files.values()}  # the declare act proves what was declared
    await nothing_outside_the_scope(api, app_id, list(files))

    # ---- the bureau's reviewer previews the files ------------------------------------------------------------
    listed = expect(await api.get("bureau", f"{app}/materials"), 200)["items"]
    assert {m["item"] for m in listed} == {i["code"] for i in checklist}
    assert all(m["current"] and m["act"]["act"] == "declare" for m in listed)
    for m in listed:
        shown = await api.get("bureau", f"{app}/materials/{m['material_id']}")
        assert shown.status_code == 200 and shown.content == files[m["material_id"]]
        assert shown.headers["content-type"] == m["content_type"]
    assert (await api.get("bureau", f"{app}/materials/{photo}")).headers["content-type"] == PNG
    form = pdf_text(await api.get("bureau", f"{app}/documents/declaration.pdf"))
    assert "申报表" in form and name in form

    # ---- and returns the declaration for one missing photo ---------------------------------------------------
    missing_photo = {"reason": "缺少服务大厅窗口设置的照片，请补充后重新报送", "items": ["premises_photos"]}
    expect(await api.post("other_bureau", f"{app}/correction-request", missing_photo), 404)
    returned = expect(await api.post("bureau", f"{app}/correction-request", missing_photo), 200)
    assert returned["state"] == "returned"
    seen = expect(await api.get("clerk", app), 200)
    assert (
        seen["correction"]["items"] == ["premises_photos"] and seen["correction"]["reason"] == missing_photo["reason"]
    )
    assert "resubmit" in seen["allowed_acts"]
    await nothing_outside_the_scope(api, app_id, list(files))

    # ---- the clerk uploads the photo and resubmits (with one fact amended) --------------------------------
    new_photo = unique_png()
    new_photo_id = expect(await api.upload("clerk", new_photo, "服务大厅窗口.png"), 201)["id"]
    files[new_photo_id] = new_photo
    resubmission = {
        "reason": "已补充服务大厅窗口照片，更正工作人员数",
        "institution": {**seen["institution"], "staff_count": 8},
        "materials": [{"item": "premises_photos", "material_id": new_photo_id}],
    }
    expect(await api.post("other_bureau", f"{app}/resubmission", resubmission), 404)
    back = expect(await api.post("clerk", f"{app}/resubmission", resubmission), 200)
    assert back["state"] == "declared"

    # ---- the history shows both versions and what changed ---------------------------------------------------
    detail = expect(await api.get("bureau", app), 200)
    assert detail["correction"] is None and detail["institution"]["staff_count"] == 8
    assert [v["staff_count"] for v in detail["institution_versions"]] == [6]  # the version declared first
    assert [a["act"] for a in detail["acts"]] == ["declare", "county_request_correction", "resubmit"]
    resubmit = detail["acts"][-1]
    assert "staff_count: 6 → 8" in resubmit["details"]["changed"] and resubmit["details"]["version"] == "2"
    assert [m["sha256"] for m in resubmit["materials"] if m["item"] == "premises_photos"] == [sha256(new_photo)]
    photos = [
        m for m in expect(await api.get("bureau", f"{app}/materials"), 200)["items"] if m["item"] == "premises_photos"
    ]
    assert [(m["act"]["act"], m["current"], m["sha256"]) for m in photos] == [
        ("declare", False, sha256(files[photo])),
        ("resubmit", True, sha256(new_photo)),
    ]
    assert (await api.get("bureau", f"{app}/materials/{photo}")).content == files[photo]  # the replaced one is kept
    events = expect(await api.get("supervisor", f"{app}/history"), 200)["events"]
    told = [e for e in events if e["kind"] == "act"]
    assert [e["act"] for e in told][:3] == ["declare", "county_request_correction", "resubmit"]
    assert sha256(new_photo) in {m["sha256"] for m in told[2]["materials"]}
    await nothing_outside_the_scope(api, app_id, list(files))

    # ---- county review, and the notice (with a second declaration of the same batch) -----------------------
    review = {"decision": "pass", "opinion": "补正后材料齐全，同意"}
    await opinions_given(api, app_id)
    assert expect(await api.post("bureau", f"{app}/county-review", review), 200)["state"] == "county_reviewed"
    assert expect(await api.post("bureau", f"{app}/notice", {}), 200)["state"] == "publicized"
    other_name = f"兰山区职业培训学校{unique('')[-6:]}"
    second = await driver.publicized("county", type="training", name=other_name)
    await nothing_outside_the_scope(api, app_id, list(files))
    await driver.pass_notice(app_id, second)  # 5 working days on the time-skipping server's clock
    assert (await driver.state(app_id))["notice_closed"]

    # ---- the county's three departments co-sign one joint document for both -------------------------------
    # (批次公布: the bureau forms the batch, its 文号 drawn from the register; each department signs it once)
    doc_no = (await driver.batch_announced([app_id, second], "county"))["document_no"]
    assert (await driver.state(app_id))["state"] == "announced"
    refused = await api.get("reviewer", f"{app}/documents/certificate.pdf")
    assert expect(refused, 409)["detail"]["rule"] == "no_plaque"

    # ---- the bureau awards the plaques -------------------------------------------------------------------------
    plaques = {}
    for each in (app_id, second):
        plaques[each] = f"LS-2026-{unique('')[-6:]}"
        award = {"plaque_no": plaques[each], "awarded_on": (await driver.state(each))["announced_on"]}
        assert expect(await api.post("bureau", f"/applications/{each}/award", award), 200)["state"] == "plaque_awarded"
    await nothing_outside_the_scope(api, app_id, list(files))
    await nothing_outside_the_scope(api, second, [])

    # ---- the city prints the joint 公布文件 and each plaque certificate ------------------------------------------
    for each in (app_id, second):
        joint = pdf_text(await api.get("reviewer", f"/applications/{each}/documents/announcement.pdf"))
        assert doc_no in joint and name in joint and other_name in joint  # one document for the batch
        for organ in ("兰山区人力资源和社会保障局", "兰山区发展和改革局", "兰山区民政局"):
            assert organ in joint
    for each, institution in ((app_id, name), (second, other_name)):
        certificate = pdf_text(await api.get("reviewer", f"/applications/{each}/documents/certificate.pdf"))
        assert plaques[each] in certificate and institution in certificate and "县级" in certificate
        other = name if institution == other_name else other_name
        assert other not in certificate  # each its own
