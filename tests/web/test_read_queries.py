"""The pages' reads on both databases (SQLite and PostgreSQL, the ``api`` fixture): searching (LIKE escaped), the
workbench's to-do (guards read from events and objections), the directory and the notice board; without a browser."""

import re

import httpx
import pytest

from services.identity import add_login
from tests.api.conftest import Driver, eventually, expect
from tests.conftest import unique
from tests.web.conftest import PASSWORD, user_id_for


async def signed_in(api, who: str) -> httpx.AsyncClient:
    login = f"{who.replace('_', '-')}-{unique('')[-8:]}"
    add_login(api.database_url, user_id_for(api.database_url, api.tokens[who]), login, PASSWORD)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=api.app), base_url="http://testserver")
    form = await http.get("/login")
    token = re.search(r'name="csrf-token" content="([^"]+)"', form.text).group(1)
    answer = await http.post("/login", data={"csrf_token": token, "login": login, "password": PASSWORD})
    assert answer.status_code == 303, answer.text
    return http


@pytest.mark.parametrize("late_api", ["sqlite", "postgresql"], indirect=True)
async def test_search_to_do_directory_and_board_read_the_same_on_both_databases(late_api):
    api, driver = late_api, Driver(late_api)
    name = f"兰山区100%_测试零工市场{unique('')[-6:]}"
    awarded = await driver.awarded("county", name=f"{name}已授牌")  # past its notice (time skipped), then
    objected, _ = await driver.objected("county", name=name)
    decoy = await driver.declare("county", name="兰山区100X测试零工市场")

    async def projected() -> bool:
        listed = expect(await api.get("supervisor", "/applications", params={"limit": 200}), 200)["items"]
        return {objected, awarded, decoy} <= {i["id"] for i in listed}

    await eventually(projected)
    http = await signed_in(api, "bureau")
    try:
        found = await http.get("/applications", params={"q": "100%_测试"})
        assert objected in found.text and awarded in found.text and decoy not in found.text  # % and _ are literal
        workbench = (await http.get("/")).text
        assert re.search(r'todo-count">\d+</span>件待异议调查核实', workbench) and name in workbench
        directory = (await http.get("/titles")).text
        assert f"{name}已授牌" in directory
        board = (await http.get("/notices")).text
        assert objected in board
    finally:
        await http.aclose()
