"""The applications area's refusals the API answers, each provoked through the running API: the answer's status, its
``rule`` and the rule's own Chinese words (contracts/rules/applications.py). The pages' own refusals of this area are
provoked in tests/web/test_application_refusal_codes.py."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import Session, col

import services.declarations
from contracts.rules import RULES
from db.materials import Material, claim, expire_unreferenced
from db.session import get_engine
from services.declarations import store_for
from state import materials as checklists
from tests.api.conftest import Api, Driver, declaration_body, expect, required_items
from tests.samples import unique_pdf, unique_png


def refused(response: httpx.Response, status: int, code: str, **facts: str) -> dict:
    """The answer's detail, after checking its status, its rule and that its message is the rule's text."""
    detail = expect(response, status)["detail"]
    assert detail["rule"] == code
    assert detail["message"] == RULES[code].say(**facts)
    return detail


async def uploads_of_my_own(api: Api, who: str, level: str = "county") -> list[dict[str, str]]:
    """One fresh file per required item (bytes no other test shares), uploaded by ``who``; refs and digests."""
    refs = []
    for item in required_items("gig_market", level):
        data = unique_pdf() if checklists.PDF in item.accepts else unique_png()
        uploaded = expect(await api.upload(who, data, f"{item.title}.pdf"), 201)
        refs.append({"item": item.code, "material_id": uploaded["id"], "sha256": uploaded["sha256"]})
    return refs


def as_refs(uploaded: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{"item": u["item"], "material_id": u["material_id"]} for u in uploaded]


async def test_a_file_the_application_does_not_have_is_material_not_found(sqlite_api: Api):
    app_id = await Driver(sqlite_api).declare("county")
    answer = await sqlite_api.get("bureau", f"/applications/{app_id}/materials/Mnot-on-it")
    detail = refused(answer, 404, "material_not_found")
    assert detail["material_id"] == "Mnot-on-it"
    someone_elses = expect(await sqlite_api.upload("bureau", unique_pdf(), "别的文件.pdf"), 201)["id"]
    answer = await sqlite_api.get("supervisor", f"/applications/{app_id}/materials/{someone_elses}")
    refused(answer, 404, "material_not_found")  # an upload that exists, but not among this application's files


async def test_a_declared_file_whose_stored_bytes_are_gone_is_material_unreadable(sqlite_api: Api):
    uploaded = await uploads_of_my_own(sqlite_api, "bureau")
    body = {**declaration_body("county"), "materials": as_refs(uploaded)}
    app_id = expect(await sqlite_api.post("bureau", "/applications", body), 201)["id"]
    lost = uploaded[0]
    path = f"/applications/{app_id}/materials/{lost['material_id']}"
    assert (await sqlite_api.get("supervisor", path)).status_code == 200
    assert store_for(sqlite_api.app.state.settings).delete(lost["sha256"])  # the bytes are lost from the store

    detail = refused(await sqlite_api.get("supervisor", path), 500, "material_unreadable")
    assert detail["sha256"] == lost["sha256"]
    kept = uploaded[1]["material_id"]  # the application's other files are still served
    assert (await sqlite_api.get("supervisor", f"/applications/{app_id}/materials/{kept}")).status_code == 200


async def test_an_upload_that_expires_while_it_is_being_declared_is_material_expired(
    sqlite_api: Api, monkeypatch: pytest.MonkeyPatch
):
    """The sweep (activities/uploads.py) deletes an unreferenced upload past its expiry; the declaration reads its
    files, then marks them as referenced: the sweep is made to land in between (as it can on a busy server). One
    upload is made old enough to expire (only it: the others in this read model are spared) and the sweep's own
    ``expire_unreferenced`` takes it."""
    uploaded = await uploads_of_my_own(sqlite_api, "bureau")
    expiring = uploaded[-1]["material_id"]
    settings = sqlite_api.app.state.settings
    older_than = timedelta(hours=settings.materials.material_unreferenced_hours)
    long_ago = datetime(2000, 1, 1, tzinfo=UTC)

    def swept_then_claimed(database_url: str, ids, owner_user_id: str, application_id: str) -> list[Material]:
        with Session(get_engine(database_url)) as s:
            s.exec(update(Material).where(col(Material.id) == expiring).values(uploaded_at=long_ago))
            s.commit()
        assert expire_unreferenced(database_url, store_for(settings), long_ago + 2 * older_than, older_than) == 1
        return claim(database_url, ids, owner_user_id, application_id)

    monkeypatch.setattr(services.declarations, "claim", swept_then_claimed)
    body = {**declaration_body("county"), "materials": as_refs(uploaded)}
    detail = refused(
        await sqlite_api.post("bureau", "/applications", body), 422, "material_expired", materials=expiring
    )
    assert detail["field"] == "materials"
    assert detail["problems"] == [
        {"field": "materials", "rule": "material_expired", "message": RULES["material_expired"].say(materials=expiring)}
    ]


async def test_objection_evidence_for_an_application_not_under_notice_is_not_under_notice(sqlite_api: Api):
    app_id = await Driver(sqlite_api).declare("county")  # declared: not under notice yet
    for target in (app_id, "Anonexistent"):  # an application that does not exist is answered alike
        answer = await sqlite_api.http.post(
            f"/public/applications/{target}/objections/evidence", files={"file": ("现场照片.png", unique_png())}
        )
        refused(answer, 404, "not_under_notice")


async def test_the_notice_list_of_a_round_with_nothing_under_notice_is_nothing_under_notice_in_round(
    sqlite_api: Api,
):
    await Driver(sqlite_api).declare("city")  # in the API's city round, declared, not noticed
    path = f"/rounds/{sqlite_api.city_round}/documents/notice-list.pdf"
    refused(await sqlite_api.get("supervisor", path), 404, "nothing_under_notice_in_round")
    refused(await sqlite_api.get("reviewer", path), 404, "nothing_under_notice_in_round")
