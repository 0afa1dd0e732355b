"""Uploads as an attacker sends them: a polyglot named .html is served as what its bytes are, one account
cannot upload without bound, and a form of too many parts is told so."""

import httpx
import pytest_asyncio
from sqlmodel import Session, func, select

from app import create_app
from config import LimitSettings, MaterialSettings
from db.materials import Material
from db.session import get_engine
from services.identity import create_user
from tests.api.conftest import declaration_body, expect
from tests.conftest import settings_for, unique
from tests.factory import COUNTY
from tests.samples import pdf, unique_pdf


async def test_a_polyglot_named_html_downloads_as_what_its_bytes_are(api):
    polyglot = pdf("<html><script>alert(document.domain)</script></html>" + unique("p"))
    uploaded = expect(await api.upload("bureau", polyglot, "poly.html"), 201)
    assert uploaded["content_type"] == "application/pdf" and uploaded["filename"] == "poly.html"
    body = await api.with_materials("bureau", declaration_body("county"))
    body["materials"] = [
        {**m, "material_id": uploaded["id"]} if m["item"] == "declaration_form" else m for m in body["materials"]
    ]
    app_id = expect(await api.post("bureau", "/applications", body), 201)["id"]
    got = await api.get("supervisor", f"/applications/{app_id}/materials/{uploaded['id']}")
    assert got.status_code == 200 and got.content == polyglot
    assert got.headers["content-type"] == "application/pdf"
    disposition = got.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''poly.pdf" in disposition
    assert 'filename="material.pdf"' in disposition and ".html" not in disposition
    # a name that already says what the bytes are is kept as the uploader gave it
    kept = next(m for m in body["materials"] if m["item"] != "declaration_form")
    again = await api.get("supervisor", f"/applications/{app_id}/materials/{kept['material_id']}")
    assert ".html" not in again.headers["content-disposition"]


@pytest_asyncio.fixture(scope="module")
async def quota_app(sqlite_url):
    """An app with a quota of three files or 10 KiB an hour per account. Uploads need no workflow, so the app
    runs without its lifespan (no Temporal)."""
    limits = LimitSettings(upload_quota_files=3, upload_quota_bytes=10 * 1024)
    settings = settings_for(sqlite_url, unique("quota"), limits=limits, materials=MaterialSettings())
    app = create_app(settings)
    app.state.temporal = None
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver/api/v1") as http:
        yield http, settings


def _rows_of(database_url: str, owner: str) -> int:
    with Session(get_engine(database_url)) as s:
        return s.exec(select(func.count()).select_from(Material).where(Material.owner_user_id == owner)).one()


async def test_the_upload_quota_per_account_is_429_and_keeps_nothing(quota_app, sqlite_url):
    http, _ = quota_app
    token = create_user(sqlite_url, unique("clerk"), "county_bureau", COUNTY)
    other = create_user(sqlite_url, unique("clerk"), "county_bureau", COUNTY)
    auth = {"Authorization": f"Bearer {token}"}
    ids = [
        expect(await http.post("/materials", files={"file": ("a.pdf", unique_pdf())}, headers=auth), 201)["id"]
        for _ in range(3)
    ]
    owner = _owner_of(sqlite_url, ids[0])
    refused = await http.post("/materials", files={"file": ("d.pdf", unique_pdf())}, headers=auth)
    detail = expect(refused, 429)["detail"]
    assert detail["rule"] == "upload_quota" and detail["field"] == "file"
    assert "每 1 小时每个账号最多上传 3 个文件" in detail["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 7200
    assert _rows_of(sqlite_url, owner) == 3  # the refused upload left no row
    # bytes count too: another account's 8 KiB file fits, a second does not
    big = {"Authorization": f"Bearer {other}"}
    expect(await http.post("/materials", files={"file": ("b.pdf", pdf("b" * 8000))}, headers=big), 201)
    over = await http.post("/materials", files={"file": ("c.pdf", pdf("c" * 8000))}, headers=big)
    assert expect(over, 429)["detail"]["rule"] == "upload_quota"


def _owner_of(database_url: str, material_id: str) -> str:
    with Session(get_engine(database_url)) as s:
        row = s.get(Material, material_id)
        assert row is not None
        return row.owner_user_id


async def test_a_form_of_too_many_parts_is_told_so(quota_app, sqlite_url):
    http, _ = quota_app
    auth = {"Authorization": f"Bearer {create_user(sqlite_url, unique('clerk'), 'county_bureau', COUNTY)}"}
    fields = {f"f{i}": "x" for i in range(1001)}
    refused = await http.post("/materials", data=fields, files={"file": ("a.pdf", unique_pdf())}, headers=auth)
    detail = expect(refused, 413)["detail"]
    assert detail["rule"] == "multipart_too_many_parts" and detail["limit"] == 1000
    assert "最多 1000 个字段" in detail["message"]
    broken = await http.post(
        "/materials", content=b"--x\r\nnot a part", headers={**auth, "Content-Type": "multipart/form-data"}
    )
    assert expect(broken, 422)["detail"]["rule"] == "multipart_invalid"
    # a form within the limit is an upload like any other
    fine = await http.post("/materials", data={"note": "x"}, files={"file": ("a.pdf", unique_pdf())}, headers=auth)
    expect(fine, 201)
