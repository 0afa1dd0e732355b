"""Two API processes on one database and one S3-compatible store (moto's server on 127.0.0.1), as a province runs
several behind a proxy: a file uploaded through one is downloaded through the other, and the objection limit
counts the requests of both (limit N: the N+1-th, whichever process answers it, is 429)."""

import httpx

from config import LimitSettings
from services.identity import create_user
from storage.s3 import s3_store
from tests.api.conftest import Api, declaration_body, expect
from tests.api_process import ApiProcess
from tests.conftest import RunningWorker, settings_for, unique
from tests.factory import COUNTY
from tests.s3server import bucket_on, moto_server, s3_env

LIMIT = 3
OBJECTION = {"name": "张三", "contact": "13800000000", "content": "该机构场地面积不实"}


async def test_two_apis_share_the_files_and_the_objection_limit(dev_env, database_url, tmp_path):
    with moto_server(tmp_path / "moto.log") as endpoint:
        blobs = bucket_on(endpoint)
        settings = settings_for(
            database_url,
            unique("two"),
            temporal_address=dev_env.client.service_client.config.target_host,
            limits=LimitSettings(objection_limit=LIMIT, objection_window_seconds=600),
            blobs=blobs,
        )
        env = s3_env(blobs) | {"BIAOGAN_OBJECTION_LIMIT": str(LIMIT), "BIAOGAN_OBJECTION_WINDOW_SECONDS": "600"}
        # each process a data directory of its own: nothing is shared through a local disk
        apis = [
            ApiProcess(settings, tmp_path / f"api-{n}.log", **env, BIAOGAN_DATA_DIR=str(tmp_path / f"data-{n}"))
            for n in (1, 2)
        ]
        tokens = {
            who: create_user(database_url, unique(who), role, COUNTY if role == "county_bureau" else None)
            for who, role in (("bureau", "county_bureau"), ("supervisor", "supervisor"))
        }
        try:
            async with RunningWorker(dev_env.client, settings):
                for api in apis:
                    await api.start()
                async with (
                    httpx.AsyncClient(base_url=apis[0].url, timeout=30) as first,
                    httpx.AsyncClient(base_url=apis[1].url, timeout=30) as second,
                ):
                    one = Api(http=first, app=None, database_url=database_url, client=dev_env.client, tokens=tokens)  # type: ignore[arg-type]
                    one.task_queue = settings.task_queue
                    body = await one.with_materials("bureau", declaration_body("county"))
                    app_id = expect(await one.post("bureau", "/applications", body), 201)["id"]

                    auth = {"Authorization": f"Bearer {tokens['supervisor']}"}
                    listed = expect(await second.get(f"/applications/{app_id}/materials", headers=auth), 200)["items"]
                    assert {m["material_id"] for m in listed} == {m["material_id"] for m in body["materials"]}
                    store = s3_store(blobs)
                    for m in listed:
                        got = await second.get(f"/applications/{app_id}/materials/{m['material_id']}", headers=auth)
                        assert got.status_code == 200 and got.content == store.get(m["sha256"])
                    assert not list(tmp_path.glob("data-*/materials/*/*/*"))  # in the bucket, not on a disk

                    url = "/public/applications/Anonexistent/objections"
                    codes = [(await (first, second)[n % 2].post(url, json=OBJECTION)).status_code for n in range(LIMIT)]
                    assert codes == [404] * LIMIT  # admitted (and then not found), alternately by each process
                    for http in (first, second):
                        flooded = await http.post(url, json=OBJECTION)
                        assert expect(flooded, 429)["detail"]["rule"] == "rate_limited"
                        assert int(flooded.headers["Retry-After"]) >= 1
        finally:
            for api in apis:
                api.stop()
