"""Declaration materials over HTTP: the checklist and conditions, uploads told by their bytes and size-limited, a
declaration refused for a missing item, attestation or someone else's file, and the declared files on record
(SHA-256 in the declare act and its history) and readable only within the application's scope."""

import hashlib
import os
from datetime import UTC, datetime, timedelta

import httpx
import pytest_asyncio
from sqlmodel import Session, select

from app import create_app
from config import MaterialSettings
from db.materials import Material, expire_unreferenced, record_upload
from db.session import get_engine
from services.identity import create_user
from storage import FileBlobStore
from tests.api.conftest import declaration_body, expect, required_items
from tests.conftest import settings_for, unique
from tests.factory import COUNTY
from tests.samples import jpeg, pdf, png, unique_pdf, unique_png


# ---- reference data, no account needed ---------------------------------------------------------------------
async def test_the_checklist_per_type_and_level(api):
    gig = expect(await api.get(None, "/materials/checklist", params={"type": "gig_market", "level": "city"}), 200)
    items = {i["code"]: i for i in gig["items"]}
    assert items["gig_market_area_proof"] == {
        "code": "gig_market_area_proof",
        "title": "零工市场场地面积证明",
        "required": True,
        "accepts": ["application/pdf", "image/jpeg", "image/png"],
    }
    assert items["integrity_pledge"]["required"] and items["integrity_pledge"]["title"].startswith("诚信承诺书")
    assert items["county_title_document"]["required"] and items["premises_photos"]["accepts"] == [
        "image/jpeg",
        "image/png",
    ]
    training = expect(await api.get(None, "/materials/checklist", params={"type": "training", "level": "county"}), 200)
    codes = {i["code"]: i["required"] for i in training["items"]}
    assert codes["training_pass_rate_proof"] is False and "county_title_document" not in codes
    expect(await api.get(None, "/materials/checklist", params={"type": "bakery", "level": "city"}), 422)


async def test_the_conditions_that_apply(api):
    def codes(answer: dict) -> list[str]:
        return [c["code"] for c in answer["items"]]

    params = {"type": "public_agency", "level": "county", "county": COUNTY}
    public = expect(await api.get(None, "/conditions", params=params), 200)
    assert codes(public) == [
        "basic_1_law_abiding",
        "basic_2_sound_institution",
        "basic_3_facilities",
        "basic_3_information_system",
        "basic_4_complete_functions",
        "basic_5_standard_management",
        "basic_6_employment_effect",
    ]
    assert "山东省公共就业和人才服务信息系统" in public["items"][3]["text"]
    city_gig = expect(await api.get(None, "/conditions", params={"type": "gig_market", "level": "city"}), 200)
    assert "basic_3_information_system" not in codes(city_gig)
    assert codes(city_gig)[-3:] == ["city_1_county_title", "city_2_leading_level", "city_5_gig_market"]
    assert "服务场所面积不少于500㎡" in city_gig["items"][-1]["text"]
    expect(await api.get(None, "/conditions", params={"type": "gig_market", "level": "city", "county": "火星区"}), 422)


# ---- uploads ------------------------------------------------------------------------------------------------
async def test_an_upload_is_typed_by_its_bytes_not_its_name(api):
    data = unique_png()
    named_pdf = expect(await api.upload("bureau", data, "营业执照.pdf"), 201)  # PNG bytes, called .pdf
    assert named_pdf["content_type"] == "image/png" and named_pdf["filename"] == "营业执照.pdf"
    assert named_pdf["sha256"] == hashlib.sha256(data).hexdigest() and named_pdf["size"] == len(data)
    assert expect(await api.upload("bureau", jpeg("x"), "photo.png"), 201)["content_type"] == "image/jpeg"
    assert expect(await api.upload("bureau", pdf("x"), "scan"), 201)["content_type"] == "application/pdf"
    for fake in (b"just text, called a PDF", b"GIF89a\x01\x00", b"PK\x03\x04zip"):
        refused = expect(await api.upload("bureau", fake, "申报表.pdf"), 422)["detail"]
        assert refused["rule"] == "file_type_not_accepted" and refused["field"] == "file"
    again = expect(await api.upload("bureau", data, "../../etc/同一文件.png"), 201)
    assert again["id"] != named_pdf["id"] and again["sha256"] == named_pdf["sha256"]  # stored once, by digest
    assert again["filename"] == "同一文件.png"
    expect(await api.upload(None, data), 401)
    for who in ("reviewer", "supervisor", "hrss", "admin"):
        expect(await api.upload(who, data), 403)


@pytest_asyncio.fixture(scope="module")
async def small(sqlite_url):
    """An app with small limits (4 KiB a file, 6 KiB a declaration). Uploads and these refusals need no workflow,
    so the app runs without its lifespan (no Temporal)."""
    limits = MaterialSettings(material_max_bytes=4096, materials_max_application_bytes=6144)
    settings = settings_for(sqlite_url, unique("small"), materials=limits)
    app = create_app(settings)
    app.state.temporal = None  # never reached: every call here is refused (or answered) before any workflow call
    token = create_user(sqlite_url, unique("small-bureau"), "county_bureau", COUNTY)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver/api/v1") as http:
        http.headers["Authorization"] = f"Bearer {token}"
        yield http, settings


async def test_too_large_is_413(small):
    http, settings = small
    body = pdf("x" * 5000)  # over 4 KiB, under the multipart slack: refused while reading
    refused = expect(await http.post("/materials", files={"file": ("big.pdf", body)}), 413)["detail"]
    assert refused["rule"] == "file_too_large" and refused["limit"] == 4096
    huge = pdf("x" * 100_000)  # Content-Length alone says it is too large
    assert expect(await http.post("/materials", files={"file": ("huge.pdf", huge)}), 413)["detail"]["limit"] == 4096
    fits = pdf("y" * 3000)
    expect(await http.post("/materials", files={"file": ("fits.pdf", fits)}), 201)

    # together over 6 KiB: the declaration is refused before anything starts
    refs = []
    for item in required_items("hr_agency", "county"):
        data = pdf(item.code + "z" * 2000) if "application/pdf" in item.accepts else png(item.code + "z" * 2000)
        uploaded = expect(await http.post("/materials", files={"file": ("f", data)}), 201)
        refs.append({"item": item.code, "material_id": uploaded["id"]})
    body = {**declaration_body("county", type="hr_agency"), "materials": refs}
    refused = expect(await http.post("/applications", json=body), 413)["detail"]
    assert refused["rule"] == "materials_too_large"


# ---- the declaration --------------------------------------------------------------------------------------------
async def test_a_missing_required_item_is_refused_naming_it(api):
    body = await api.with_materials("bureau", declaration_body("city"))  # a city-level gig market
    without_area = [m for m in body["materials"] if m["item"] != "gig_market_area_proof"]
    refused = expect(await api.post("bureau", "/applications", {**body, "materials": without_area}), 422)["detail"]
    assert refused["rule"] == "material_missing" and refused["field"] == "materials"
    assert "缺少必需材料：零工市场场地面积证明" in refused["message"]
    assert refused["missing"] == ["缺少必需材料：零工市场场地面积证明"]
    nothing = expect(await api.post("bureau", "/applications", {**body, "materials": []}), 422)["detail"]
    assert {p["rule"] for p in nothing["problems"]} == {"material_missing"}
    assert len(nothing["problems"]) == len(required_items("gig_market", "city"))


async def test_a_missing_attestation_is_refused_naming_the_code(api):
    body = declaration_body("county", type="public_agency", name="兰山区公共就业和人才服务中心")
    del body["institution"]["attestations"]["basic_3_information_system"]
    body["institution"]["attestations"]["basic_5_standard_management"] = "   "
    refused = expect(await api.post("bureau", "/applications", body), 422)["detail"]
    rules = {p["field"]: p["rule"] for p in refused["problems"]}
    assert rules == {
        "institution.attestations.basic_3_information_system": "attestation_missing",
        "institution.attestations.basic_5_standard_management": "attestation_missing",
    }
    assert "basic_3_information_system" not in refused["message"] and "缺少评定条件的核实说明" in refused["message"]
    gig = declaration_body("county")  # a gig market is no public agency: no information-system condition
    assert "basic_3_information_system" not in gig["institution"]["attestations"]
    expect(await api.post("bureau", "/applications", gig), 201)


async def test_someone_elses_material_or_a_wrong_type_is_refused(api):
    body = await api.with_materials("bureau", declaration_body("county"))
    theirs = expect(await api.upload("other_bureau", unique_pdf(), "他人的申报表.pdf"), 201)["id"]
    swapped = [
        {"item": m["item"], "material_id": theirs if m["item"] == "declaration_form" else m["material_id"]}
        for m in body["materials"]
    ]
    refused = expect(await api.post("bureau", "/applications", {**body, "materials": swapped}), 422)["detail"]
    assert refused["rule"] == "material_unknown" and theirs not in refused["message"]  # no id in the words
    assert refused["problems"][0]["field"].startswith("materials[")
    unknown = [*body["materials"], {"item": "honours", "material_id": "Mnonexistent"}]
    assert (
        expect(await api.post("bureau", "/applications", {**body, "materials": unknown}), 422)["detail"]["rule"]
        == "material_unknown"
    )
    a_pdf = expect(await api.upload("bureau", unique_pdf(), "照片.pdf"), 201)["id"]
    photos_as_pdf = [*body["materials"], {"item": "premises_photos", "material_id": a_pdf}]
    refused = expect(await api.post("bureau", "/applications", {**body, "materials": photos_as_pdf}), 422)["detail"]
    assert refused["rule"] == "material_type_not_accepted"


async def test_the_declared_files_are_on_record_and_readable_in_scope(api):
    files = {"declaration_form": (unique_pdf(), "申报表（盖章）.pdf")}
    files |= {"premises_photos": (unique_png(), "服务大厅.png"), "registration_certificate": (jpeg("证"), "执照.jpg")}
    files |= {
        "gig_market_area_proof": (unique_pdf(), "面积证明.pdf"),
        "integrity_pledge": (jpeg("诺"), "诚信承诺书.jpg"),
    }
    refs, uploaded = [], {}
    for item, (data, name) in files.items():
        answer = expect(await api.upload("bureau", data, name), 201)
        uploaded[answer["id"]] = (item, data, name)
        refs.append({"item": item, "material_id": answer["id"]})
    body = {**declaration_body("county"), "materials": refs}
    app_id = expect(await api.post("bureau", "/applications", body), 201)["id"]

    declare = expect(await api.get("supervisor", f"/applications/{app_id}"), 200)["acts"][0]
    assert declare["act"] == "declare"
    recorded = {m["material_id"]: m for m in declare["materials"]}
    assert set(recorded) == set(uploaded)
    for material_id, (item, data, name) in uploaded.items():
        m = recorded[material_id]
        assert (m["item"], m["filename"], m["size"]) == (item, name, len(data))
        assert m["sha256"] == hashlib.sha256(data).hexdigest() and m["uploader_id"] and m["uploader"]
    assert recorded[refs[0]["material_id"]]["title"].startswith("申报表")

    history = expect(await api.get("supervisor", f"/applications/{app_id}/history"), 200)["events"]
    told = next(e for e in history if e["kind"] == "act" and e["act"] == "declare")
    assert {m["sha256"] for m in told["materials"]} == {hashlib.sha256(d).hexdigest() for _, d, _ in uploaded.values()}

    listed = expect(await api.get("bureau", f"/applications/{app_id}/materials"), 200)["items"]
    assert {(m["material_id"], m["act"]["seq"], m["act"]["act"], m["current"]) for m in listed} == {
        (i, 1, "declare", True) for i in uploaded
    }
    for material_id, (_, data, _) in uploaded.items():
        for who in ("bureau", "supervisor", "reviewer", "county_hrss"):
            got = await api.get(who, f"/applications/{app_id}/materials/{material_id}")
            assert got.status_code == 200 and got.content == data
            assert got.headers["content-type"] == recorded[material_id]["content_type"]
            assert got.headers["x-content-type-options"] == "nosniff"
    some = refs[0]["material_id"]
    unknown_app = expect(await api.get("other_bureau", "/applications/Anonexistent/materials"), 404)
    for who in ("other_bureau", "other_county_hrss"):  # another county: exactly as if it did not exist
        for path in (f"/applications/{app_id}/materials", f"/applications/{app_id}/materials/{some}"):
            hidden = expect(await api.get(who, path), 404)
            assert hidden == unknown_app and hidden["detail"]["rule"] == "application_not_found"
    expect(await api.get(None, f"/applications/{app_id}/materials/{some}"), 401)
    expect(await api.get("bureau", f"/applications/{app_id}/materials/Mnot-on-it"), 404)
    expect(await api.get("admin", f"/applications/{app_id}/materials"), 403)


async def test_an_idempotent_retry_must_attach_the_same_files(api):
    key = {"Idempotency-Key": unique("key")}
    body = await api.with_materials("bureau", declaration_body("county"))
    first = expect(await api.post("bureau", "/applications", body, headers=key), 201)["id"]
    assert expect(await api.post("bureau", "/applications", body, headers=key), 200)["id"] == first
    other = expect(await api.upload("bureau", unique_pdf(), "另一份申报表.pdf"), 201)["id"]
    changed = [
        {"item": m["item"], "material_id": other if m["item"] == "declaration_form" else m["material_id"]}
        for m in body["materials"]
    ]
    clash = expect(await api.post("bureau", "/applications", {**body, "materials": changed}, headers=key), 409)
    assert clash["detail"]["rule"] == "idempotency_key_reused"


# ---- expiry -------------------------------------------------------------------------------------------------------
def _upload_row(url: str, store: FileBlobStore, data: bytes, at: datetime, application_id: str | None = None) -> str:
    sha = store.put(data)
    row = Material(
        id=unique("M"),
        sha256=sha,
        size=len(data),
        content_type="application/pdf",
        filename="f.pdf",
        owner_user_id="u",
        owner_name="兰山区人社局",
        owner_county=COUNTY,
        uploaded_at=at,
        application_id=application_id,
    )
    return record_upload(url, row).id


def test_unreferenced_uploads_expire_and_referenced_ones_stay(sqlite_url, tmp_path):
    store = FileBlobStore(tmp_path)
    now = datetime.now(UTC)
    long_ago = now - timedelta(hours=100)
    stale, kept_bytes = unique_pdf(), unique_pdf()
    expired = _upload_row(sqlite_url, store, stale, long_ago)
    declared = _upload_row(sqlite_url, store, unique_pdf(), long_ago, application_id="A1")
    fresh = _upload_row(sqlite_url, store, unique_pdf(), now)
    shared_old = _upload_row(sqlite_url, store, kept_bytes, long_ago)
    shared_new = _upload_row(sqlite_url, store, kept_bytes, now)  # the same bytes, uploaded again today
    for path in tmp_path.rglob("*"):  # every file was put long ago, as far as the store can tell
        if path.is_file():
            os.utime(path, (long_ago.timestamp(), long_ago.timestamp()))
    assert expire_unreferenced(sqlite_url, store, now, timedelta(hours=72)) >= 2
    with Session(get_engine(sqlite_url)) as s:
        left = {m.id for m in s.exec(select(Material)).all()}
    assert expired not in left and shared_old not in left
    assert {declared, fresh, shared_new} <= left
    assert not store.exists(hashlib.sha256(stale).hexdigest())
    assert store.exists(hashlib.sha256(kept_bytes).hexdigest())  # another row still keeps these bytes


async def test_the_declaration_form_lists_the_files_and_the_attested_conditions(api, driver):
    from tests.api.test_documents_api import text

    app_id = await driver.declare("county")
    declared = expect(await api.get("supervisor", f"/applications/{app_id}"), 200)["acts"][0]["materials"]
    form = " ".join(text(await api.get("bureau", f"/applications/{app_id}/documents/declaration.pdf")).split())
    for m in declared:  # each file by its name (no digest on a form people read)
        assert m["filename"].replace(" ", "") in form.replace(" ", "")
        assert m["sha256"][:16] not in form.replace(" ", "")
    assert "零工市场场地面积证明" in form.replace(" ", "")
    assert "促进就业作用明显" in form.replace(" ", "")  # the condition in the notice's words, not its code
