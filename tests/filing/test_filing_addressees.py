"""评定结果报省、市备案: a confirmed filing (and each correction) goes to both addressees. The city reads it in its inbox;
the province, which has no account here, gets the form's rows on the channel configured for it (a real local webhook
receiver here). Each delivery is recorded, and the API's filing view and board show both addressees with their
state; with no channel for the province its delivery is recorded as unconfigured."""

import json
from datetime import datetime

import httpx
from sqlalchemy import delete

from api.deps import API_PREFIX
from api.routes import filings
from app import create_app
from config import ChannelAddresses, ChannelSettings, FilingSettings
from db.filing import FilingDelivery, FilingStatus, FilingVersion
from db.session import session_for
from services.identity import create_user
from state.calendar import TZ
from tests.api.conftest import temporal_address
from tests.conftest import settings_for, unique
from tests.filing.conftest import FilingWorker
from tests.filing.receivers import WebhookReceiver
from tests.filing.test_filing_api import ok

SECRET = "省厅-secret-7"


def clean(database_url: str, county: str) -> None:
    with session_for(database_url) as s:
        for table in (FilingVersion, FilingStatus, FilingDelivery):
            s.exec(delete(table).where(table.county == county))  # type: ignore[call-overload,attr-defined]
        s.commit()


async def filed(dev_env, database_url: str, county: str, channels: ChannelSettings) -> tuple[dict, dict, dict]:
    """The county files its (empty) draft and then corrects it; the filing view, the board row and the city's inbox."""
    clean(database_url, county)
    settings = settings_for(database_url, unique("faddr"), temporal_address=temporal_address(dev_env))
    fs = FilingSettings(filing_workflow_prefix=unique("fa"))
    year = datetime.now(TZ).year
    async with FilingWorker(dev_env.client, settings, fs, channels):
        app = create_app(settings.model_copy(update={"filing": fs, "channels": channels}))
        app.include_router(filings.router, prefix=API_PREFIX)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t/api/v1", timeout=30) as http,
        ):
            suffix = unique("u")
            bureau = {
                "Authorization": f"Bearer {create_user(database_url, f'{county}人社局-{suffix}', 'county_bureau', county)}"
            }
            city = {"Authorization": f"Bearer {create_user(database_url, f'市人社局-{suffix}', 'city_reviewer')}"}
            base = f"/filings/{county}/{year}"
            before = ok(await http.get(base, headers=city))
            assert [(a["addressee"], a["state"]) for a in before["addressees"]] == [
                ("province", "not_filed"),
                ("city", "not_filed"),
            ]
            digest = ok(await http.get(f"{base}/draft", headers=bureau))["digest"]
            ok(await http.post(base, json={"digest": digest}, headers=bureau), 201)
            ok(await http.post(f"{base}/corrections", json={"digest": digest, "reason": "补报"}, headers=bureau), 201)
            view = ok(await http.get(base, headers=city))
            board = ok(await http.get(f"/filings?year={year}", headers=city))
            inbox = ok(await http.get("/notifications", headers=city))
    row = next(r for r in board["counties"] if r["county"] == county)
    return view, row, inbox


async def test_a_filing_and_its_correction_are_delivered_to_the_province_and_the_city(dev_env, database_url):
    county = "平邑县"  # no other test files here
    with WebhookReceiver() as hook:
        channels = ChannelSettings(
            webhook_secret=SECRET,
            public_base_url="http://biaogan.test",
            notify_directory={"province": ChannelAddresses(webhook=[hook.url("/province")])},
        )
        view, row, inbox = await filed(dev_env, database_url, county, channels)

    latest = {a["addressee"]: a for a in view["addressees"]}
    assert (latest["province"]["state"], latest["province"]["version"]) == ("delivered", 2)
    assert latest["province"]["name"] == "省人力资源社会保障厅"
    assert latest["province"]["channels"] == [f"webhook {hook.url('/province')}: sent"]
    assert (latest["city"]["state"], latest["city"]["channels"]) == ("delivered", ["inbox"])
    assert latest["city"]["name"] == "市人力资源社会保障局" and latest["city"]["at"] is not None
    for version in view["versions"]:
        assert [(a["addressee"], a["state"], a["version"]) for a in version["deliveries"]] == [
            ("province", "delivered", version["version"]),
            ("city", "delivered", version["version"]),
        ]
    assert [(a["addressee"], a["state"]) for a in row["addressees"]] == [
        ("province", "delivered"),
        ("city", "delivered"),
    ]

    assert len(hook.hits) == 2  # the filing and the correction, once each
    first, second = (json.loads(h.body) for h in hook.hits)
    assert first["recipient"] == {"role": "province", "county": None} and first["event"] == "filing_to_province"
    assert first["subject"].startswith(f"【评定结果备案】临沂市{county}") and "（第1版）" in first["subject"]
    assert first["body"].startswith(f"省人力资源社会保障厅：临沂市{county}于")
    assert "同时报市人力资源社会保障局" in first["body"] and "本年度无公布的县级标杆机构。" in first["body"]
    assert "第2版，更正" in second["body"] and "更正说明：补报" in second["body"]
    subjects = [n["subject"] for n in inbox["items"]]
    assert any(s.startswith(f"【备案已报送】{county}") for s in subjects)
    assert any(s.startswith(f"【备案更正】{county}") for s in subjects)


async def test_with_no_channel_for_the_province_its_delivery_is_recorded_as_unconfigured(dev_env, sqlite_url):
    county = "兰陵县"  # no other test files here
    view, row, _ = await filed(dev_env, sqlite_url, county, ChannelSettings())
    states = [(a["addressee"], a["state"], a["channels"]) for a in view["addressees"]]
    assert states == [("province", "unconfigured", []), ("city", "delivered", ["inbox"])]
    assert [(a["addressee"], a["state"]) for a in row["addressees"]] == [
        ("province", "unconfigured"),
        ("city", "delivered"),
    ]
