"""Evidence files: the public attaches one or two images (size-limited) to an objection while the application is
under notice, and an inspector attaches files to a revocation; each act records the files' SHA-256, and they are
read within the application's scope like its other files."""

import hashlib

from tests.api.conftest import expect
from tests.samples import jpeg, unique_pdf, unique_png


async def evidence(api, app_id: str, data: bytes, name: str = "现场照片.jpg"):
    return await api.http.post(f"/public/applications/{app_id}/objections/evidence", files={"file": (name, data)})


async def test_an_objection_carries_one_or_two_images(api, driver):
    app_id = await driver.publicized("county")
    photos = [unique_png(), jpeg(app_id)]
    ids = [expect(await evidence(api, app_id, data, f"照片{n}.png"), 201)["id"] for n, data in enumerate(photos)]
    refused = expect(await evidence(api, app_id, unique_pdf(), "证明.pdf"), 422)["detail"]  # images only
    assert refused["rule"] == "file_type_not_accepted"
    big = unique_png() + b"\0" * (2 * 1024 * 1024)  # over BIAOGAN_OBJECTION_EVIDENCE_MAX_BYTES
    assert expect(await evidence(api, app_id, big), 413)["detail"]["rule"] == "file_too_large"
    third = expect(await evidence(api, app_id, unique_png()), 201)["id"]

    body = {"name": "王五", "contact": "13700000000", "content": "服务大厅实际面积不足"}
    too_many = expect(
        await api.post(None, f"/public/applications/{app_id}/objections", {**body, "evidence": [*ids, third]}), 422
    )
    assert too_many["detail"]["rule"] == "too_many_evidence_files"
    elsewhere = await driver.publicized("county")  # evidence uploaded for another application
    theirs = expect(await evidence(api, elsewhere, unique_png()), 201)["id"]
    wrong = expect(
        await api.post(None, f"/public/applications/{app_id}/objections", {**body, "evidence": [theirs]}), 422
    )
    assert wrong["detail"]["rule"] == "evidence_unknown"

    lodged = expect(await api.post(None, f"/public/applications/{app_id}/objections", {**body, "evidence": ids}), 201)
    detail = expect(await api.get("bureau", f"/applications/{app_id}"), 200)
    objection = next(o for o in detail["objections"] if o["id"] == lodged["id"])
    digests = {hashlib.sha256(d).hexdigest() for d in photos}
    assert {m["sha256"] for m in objection["evidence"]} == digests
    act = detail["acts"][-1]
    assert act["act"] == "lodge_objection" and {m["sha256"] for m in act["materials"]} == digests
    assert {m["item"] for m in act["materials"]} == {"objection_evidence"}
    for material_id, data in zip(ids, photos, strict=True):
        got = await api.get("bureau", f"/applications/{app_id}/materials/{material_id}")
        assert got.status_code == 200 and got.content == data
        expect(await api.get("other_bureau", f"/applications/{app_id}/materials/{material_id}"), 404)
        expect(await api.get(None, f"/applications/{app_id}/materials/{material_id}"), 401)


async def test_evidence_is_taken_only_while_under_notice(api, driver):
    declared = await driver.declare("county")
    expect(await evidence(api, declared, unique_png()), 404)
    expect(await evidence(api, "Anonexistent", unique_png()), 404)


async def test_a_revocation_carries_the_inspectors_files(late_api, late_driver):
    api, driver = late_api, late_driver
    app_id = await driver.awarded("county")
    report = unique_pdf()
    uploaded = expect(await api.upload("inspector", report, "注销证明.pdf"), 201)
    a_bureaus = expect(await api.upload("bureau", unique_pdf(), "申报表.pdf"), 201)["id"]
    body = {"reason": "deregistered", "evidence": "机构已注销，见市场监管部门注销证明"}
    refused = expect(
        await api.post("inspector", f"/applications/{app_id}/revocation", {**body, "files": [a_bureaus]}), 422
    )
    assert refused["detail"]["rule"] == "evidence_unknown"
    expect(await api.post("inspector", f"/applications/{app_id}/revocation", {**body, "files": [uploaded["id"]]}), 202)
    await driver.revocation_signed(app_id)  # the decision carries the proposal's files to the revoking act
    detail = expect(await api.get("supervisor", f"/applications/{app_id}"), 200)
    revoke = detail["acts"][-1]
    assert revoke["act"] == "revoke" and [m["sha256"] for m in revoke["materials"]] == [
        hashlib.sha256(report).hexdigest()
    ]
    assert revoke["materials"][0]["title"] == "撤销依据材料"
    history = expect(await api.get("supervisor", f"/applications/{app_id}/history"), 200)["events"]
    assert any(e["kind"] == "act" and e["act"] == "revoke" and e["materials"] for e in history)
    listed = expect(await api.get("bureau", f"/applications/{app_id}/materials"), 200)["items"]
    assert {m["item"] for m in listed} >= {"declaration_form", "revocation_evidence"}
