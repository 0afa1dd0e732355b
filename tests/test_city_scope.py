"""Reads are scoped to the caller's city as they are to a county: a 临沂 reviewer's list, counts, export, to-dos and
statistics leave out another city's applications, and one of them is 404 to them; a province-level supervisor (省级,
no city) reads both. The public pages show the city ``?city=`` names (the deployment's when none; an unknown name is
404). Another city's read-model rows are written directly (its region file: tests/region_files)."""

import io
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from sqlmodel import Session, col, delete, select

from contracts.application import ProgramRef
from db.models import Application, ApplicationEvent, Notification
from db.session import get_engine
from db.users import User
from regions import catalog
from regions.loader import load_file
from services.identity import UserError, add_user, hash_token, open_session
from services.identity.users import PROVINCE_ROLES
from state.calendar import TZ
from state.domain import InstitutionType, Level, Role, Stage
from tests.api.conftest import Api, eventually, expect
from tests.api.conftest import sqlite_api as sqlite_api  # the API's fixture (tests/api/conftest.py), used here
from tests.api.test_scope_gaps import pages_as
from tests.conftest import unique
from tests.factory import COUNTY, credit_code, declaration, start
from web.visitors import SESSION_COOKIE
from workflows.application import workflow_id_for

REGION_FILES = Path(__file__).resolve().parent / "region_files"
# The second city, as its region file names it (no Python file names it: tests/test_regions.py).
SECOND = load_file(REGION_FILES / "rizhao.toml").cities[0]
RIZHAO, RIZHAO_COUNTY = SECOND.name, SECOND.counties[0].name


@pytest.fixture
def regions(monkeypatch) -> None:
    monkeypatch.setenv(catalog.DIRECTORY_VARIABLE, str(REGION_FILES))


def _row(city: str, county: str, level: Level, state: Stage, name: str) -> Application:
    now = datetime.now(UTC)
    today = now.astimezone(TZ).date()
    under_notice = state == Stage.publicized
    app_id = f"A{uuid.uuid4().hex[:10]}"
    return Application(
        id=app_id,
        workflow_id=f"city-scope-{app_id}",
        level=level,
        county=county,
        institution_name=name,
        institution_type=InstitutionType.gig_market.value,
        credit_code=credit_code(),
        state=state,
        city=city,
        notice_published_on=today if under_notice else None,
        notice_first_day=today if under_notice else None,
        notice_last_day=today + timedelta(days=7) if under_notice else None,
        notice_ends_at=now + timedelta(days=7) if under_notice else None,
        declared_at=now,
        updated_at=now,
    )


@pytest.fixture
def two_cities(sqlite_api: Api, regions) -> Iterator[dict[str, Application]]:
    """A city-level application to be publicized (the reviewer's to-do) and one under notice, in 临沂市 and in the second city."""
    tag = unique("城")
    rows = {
        "linyi_review": _row(catalog.DEPLOYMENT.name, COUNTY, Level.city, Stage.city_reviewed, f"临沂待审{tag}"),
        "linyi_notice": _row(catalog.DEPLOYMENT.name, COUNTY, Level.city, Stage.publicized, f"临沂公示{tag}"),
        "rizhao_review": _row(RIZHAO, RIZHAO_COUNTY, Level.city, Stage.city_reviewed, f"二市待审{tag}"),
        "rizhao_notice": _row(RIZHAO, RIZHAO_COUNTY, Level.city, Stage.publicized, f"二市公示{tag}"),
    }
    engine = get_engine(sqlite_api.database_url)
    with Session(engine) as s:
        s.add_all(rows.values())
        s.commit()
        for r in rows.values():
            s.refresh(r)
            s.expunge(r)
    yield rows
    with Session(engine) as s:  # the session's other tests share this read model
        s.exec(delete(Notification).where(col(Notification.application_id).in_([r.id for r in rows.values()])))
        s.exec(delete(Application).where(col(Application.id).in_([r.id for r in rows.values()])))  # type: ignore[call-overload]
        s.commit()


@pytest.fixture
def province(sqlite_api: Api) -> str:
    """A province-level supervisor's token."""
    return add_user(sqlite_api.database_url, unique("省级监督"), Role.supervisor, province=True).token


def _as(api: Api, token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _other_cities(database_url: str) -> int:
    with Session(get_engine(database_url)) as s:
        return len(s.exec(select(Application.id).where(Application.city != catalog.DEPLOYMENT.name)).all())


async def test_a_city_reads_its_own_applications_and_a_province_account_reads_every_city(
    sqlite_api: Api, two_cities, province
):
    api, rows = sqlite_api, two_cities
    linyi = {rows["linyi_review"].id, rows["linyi_notice"].id}
    rizhao = {rows["rizhao_review"].id, rows["rizhao_notice"].id}
    everyone = linyi | rizhao

    # The list and its count.
    mine = expect(await api.get("reviewer", "/applications", params={"limit": 200}), 200)
    ids = {i["id"] for i in mine["items"]}
    assert linyi <= ids and not ids & rizhao
    all_of_them = expect(await api.http.get("/applications", params={"limit": 200}, headers=_as(api, province)), 200)
    assert everyone <= {i["id"] for i in all_of_them["items"]}
    assert all_of_them["total"] == mine["total"] + _other_cities(api.database_url)
    # The to-do: publicizing 临沂's is the reviewer's, the second city's is not.
    todo = {t["application_id"] for t in expect(await api.get("reviewer", "/tasks"), 200)}
    assert rows["linyi_review"].id in todo and rows["rizhao_review"].id not in todo

    # The inbox: a notice to the city reviewers about each city's application reaches 临沂's about 临沂's only.
    with Session(get_engine(api.database_url)) as s:
        for key in ("linyi_review", "rizhao_review"):
            s.add(_notice(rows[key]))
        s.commit()
    inbox = expect(await api.get("reviewer", "/notifications", params={"limit": 200}), 200)["items"]
    about = {n["about"] for n in inbox}
    assert rows["linyi_review"].id in about and rows["rizhao_review"].id not in about

    # The export and the statistics, on the pages.
    async with pages_as(api, "reviewer") as pages:
        export = await pages.get("/applications.xlsx")
        assert export.status_code == 200
        names = _cells(export.content)
        assert rows["linyi_review"].institution_name in names
        assert rows["rizhao_review"].institution_name not in names
        stats = await pages.get("/statistics.xlsx")
        assert stats.status_code == 200 and COUNTY in _cells(stats.content)
        assert RIZHAO_COUNTY not in _cells(stats.content)
        # Searched for by name (counted from the applications, not the tally): not found in 临沂.
        searched = await pages.get("/applications", params={"q": rows["rizhao_review"].institution_name})
        assert searched.status_code == 200 and f"/applications/{rows['rizhao_review'].id}" not in searched.text
        home = await pages.get("/")
        assert home.status_code == 200 and rows["rizhao_review"].institution_name not in home.text
    async with _pages_with(api, province) as pages:
        names = _cells((await pages.get("/applications.xlsx")).content)
        assert rows["linyi_review"].institution_name in names and rows["rizhao_review"].institution_name in names
        stats = await pages.get("/statistics.xlsx")
        assert stats.status_code == 200 and RIZHAO_COUNTY in _cells(stats.content)
        searched = await pages.get("/applications", params={"q": rows["rizhao_review"].institution_name})
        assert searched.status_code == 200 and f"/applications/{rows['rizhao_review'].id}" in searched.text


async def test_the_public_board_shows_the_city_it_is_asked_for(sqlite_api: Api, two_cities):
    api, rows = sqlite_api, two_cities
    linyi, rizhao = rows["linyi_notice"], rows["rizhao_notice"]

    default = {i["id"] for i in expect(await api.get(None, "/public/notices"), 200)["items"]}
    assert linyi.id in default and rizhao.id not in default
    asked = {i["id"] for i in expect(await api.get(None, "/public/notices", params={"city": RIZHAO}), 200)["items"]}
    assert rizhao.id in asked and linyi.id not in asked
    unknown = expect(await api.get(None, "/public/notices", params={"city": "无此市"}), 404)["detail"]
    assert unknown["rule"] == "city_unknown" and "无此市" in unknown["message"]

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api.app), base_url="http://testserver") as web:
        board = await web.get("/notices")
        assert board.status_code == 200
        assert linyi.institution_name in board.text and rizhao.institution_name not in board.text
        board = await web.get("/notices", params={"city": RIZHAO})
        assert board.status_code == 200
        assert rizhao.institution_name in board.text and linyi.institution_name not in board.text
        assert SECOND.hrss.name in board.text  # its own organ publishes it
        missing = await web.get("/notices", params={"city": "无此市"})
        assert missing.status_code == 404 and "城市" in missing.text
        assert (await web.get("/titles", params={"city": "无此市"})).status_code == 404
        assert (await web.get("/titles", params={"city": RIZHAO})).status_code == 200


async def test_another_citys_application_is_not_found_by_a_city_and_read_by_the_province(
    sqlite_api: Api, regions, province
):
    """A real workflow declared into a program the second city runs: 404 to 临沂's reviewer and county bureau (as if it did
    not exist), read by the province-level supervisor."""
    api = sqlite_api
    assert api.client is not None
    decl = declaration(Level.county)
    decl.program = ProgramRef(id="city-scope-test", version=1, sha256="0" * 64, city=RIZHAO, notice_working_days=5)
    await start(api.client, api.task_queue, decl)
    url = f"/applications/{decl.application_id}"

    async def read_by_the_province() -> bool:
        return (await api.http.get(url, headers=_as(api, province))).status_code == 200

    try:
        await eventually(read_by_the_province)
        for who in ("reviewer", "bureau", "supervisor"):  # the 临沂 supervisor too: not province-level
            refused = expect(await api.get(who, url), 404)["detail"]
            assert refused["rule"] == "application_not_found", (who, refused)
        # An act on it (read from the read model, once projected) is not found either.
        await eventually(lambda: _projected(api.database_url, decl.application_id))
        returned = await api.post("reviewer", f"{url}/urges", {"to": "county", "note": "请尽快办理"})
        assert returned.status_code == 404, returned.text
    finally:
        await api.client.get_workflow_handle(workflow_id_for(decl.application_id)).terminate("测试结束")
        with Session(get_engine(api.database_url)) as s:
            s.exec(delete(Application).where(col(Application.id) == decl.application_id))  # type: ignore[call-overload]
            s.exec(delete(ApplicationEvent).where(col(ApplicationEvent.application_id) == decl.application_id))  # type: ignore[call-overload]
            s.commit()


def test_only_supervisors_and_admins_may_be_province_level(sqlite_api: Api):
    assert set(PROVINCE_ROLES) == {Role.supervisor, Role.admin}
    for role in (Role.county_bureau, Role.city_reviewer, Role.inspector):
        county = COUNTY if role == Role.county_bureau else None
        with pytest.raises(UserError) as refused:
            add_user(sqlite_api.database_url, unique("省级"), role, county, province=True)
        assert refused.value.rule == "user_province_not_for_role"
    made = add_user(sqlite_api.database_url, unique("省级管理员"), Role.admin, province=True)
    with Session(get_engine(sqlite_api.database_url)) as s:
        user = s.get(User, made.id)
        assert user is not None and user.city == ""


async def _projected(database_url: str, application_id: str) -> bool:
    with Session(get_engine(database_url)) as s:
        return s.get(Application, application_id) is not None


def _notice(row: Application) -> Notification:
    return Notification(
        key=unique("notice"),
        application_id=row.id,
        recipient_role=Role.city_reviewer,
        recipient_county=None,
        subject=f"待公示：{row.institution_name}",
        body="请办理",
        created_at=datetime.now(UTC),
    )


def _cells(content: bytes) -> set[str]:
    book = load_workbook(io.BytesIO(content))
    return {str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v}


def _pages_with(api: Api, token: str) -> httpx.AsyncClient:
    with Session(get_engine(api.database_url)) as s:
        user = s.exec(select(User).where(User.token_hash == hash_token(token))).one()
    cookie = open_session(api.database_url, user.id, datetime.now(UTC), 1)
    transport = httpx.ASGITransport(app=api.app)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", cookies={SESSION_COOKIE: cookie})
