"""The objector's receipt texted (短信) when they object through the notice page with a mobile number, once, and
nothing texted for an e-mail address; an account's own number through ``/me/phone``: kept as a mainland mobile
number (11 digits starting with 1), shown back masked, anything else refused in Chinese (422 phone_not_mobile)."""

import asyncio
import re

import pytest
from temporalio.testing import ActivityEnvironment

from activities.sms import SmsActivities
from clients import sms
from db.phones import UserPhone
from db.receipts import ObjectionReceipt, normal_receipt, shown
from db.session import session_for
from tests.api.conftest import Driver, expect, serve
from tests.conftest import fresh_database
from tests.sms.gateway import SmsGateway
from tests.sms.test_sms import rows, sms_channels, wait_for


@pytest.fixture
def url(tmp_path):
    with fresh_database("sqlite", tmp_path) as made:
        yield made


async def objected(api, app_id: str, contact: str) -> str:
    """Object through the notice page, as the public does; the receipt it redirects to."""
    page = await api.http.get(f"http://testserver/notices/{app_id}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    fields = {
        "csrf_token": token.group(1),
        "name": "王五",
        "contact": contact,
        "content": "该机构服务场地面积与申报不符",
    }
    lodged = await api.http.post(
        f"http://testserver/notices/{app_id}/objections", files={"evidence": ("", b"")}, data=fields
    )
    assert lodged.status_code == 303, lodged.text[:500]
    return lodged.headers["location"].split("/objections/")[1].split("?")[0]


async def test_the_objectors_receipt_is_texted_to_the_mobile_number_they_gave(dev_env, url):
    with SmsGateway() as gateway:
        async with serve(dev_env, url, channels=sms_channels(gateway)) as api:
            app_id = await Driver(api).publicized("county")
            name = expect(await api.get("supervisor", f"/applications/{app_id}"), 200)["institution"]["name"]
            receipt = await objected(api, app_id, "138 1234 5678")
            for _ in range(300):
                if gateway.delivered:
                    break
                await asyncio.sleep(0.1)
            with session_for(url) as s:
                objection_id = s.get(ObjectionReceipt, normal_receipt(receipt)).objection_id
            await wait_for(lambda: [r.status for r in rows(url, f"receipt:{objection_id}")] == ["sent"])
            await sms.text_receipt(api.client, api.task_queue, objection_id)  # started again: the same workflow
            again = SmsActivities(url, sms_channels(gateway))
            assert ActivityEnvironment().run(again.text_receipt, objection_id) == "skipped"  # a retried activity
            by_mail = await objected(api, app_id, "wangwu@example.cn")
            await asyncio.sleep(2)  # time enough for a text that should not come
    assert by_mail != receipt
    [text] = gateway.texts
    assert text.signed and text.body["phone"] == "13812345678" and text.body["template_id"] == "SMS_RECEIPT_4"
    assert text.body["params"] == {"institution": name, "receipt": shown(receipt)}
    assert text.body["sign_name"] == "临沂人社"


async def test_an_account_keeps_its_mobile_number_masked_and_a_wrong_one_is_refused_in_chinese(dev_env, url):
    async with serve(dev_env, url) as api:
        await phone_calls(api)


async def phone_calls(api) -> None:
    assert expect(await api.get("bureau", "/me/phone"), 200) == {"phone": None, "sms": False}
    for wrong in ("1381234567", "23812345678", "0539-8322113", "１３８ｘ"):
        refused = await api.http.put("/me/phone", json={"phone": wrong}, headers=api.auth("bureau"))
        body = expect(refused, 422)["detail"]
        assert body["rule"] == "phone_not_mobile" and body["field"] == "phone" and "11位" in body["message"]
        [problem] = body["problems"]  # the field's own words, in Chinese (the message names the field before them)
        assert problem["rule"] == "phone_not_mobile" and not re.search(r"[A-Za-z]", problem["message"])
    assert expect(await api.get("bureau", "/me/phone"), 200) == {"phone": None, "sms": False}  # nothing changed
    kept = await api.http.put("/me/phone", json={"phone": "+86 138-1234-5678"}, headers=api.auth("bureau"))
    assert expect(kept, 200) == {"phone": "138****5678", "sms": True}
    off = await api.http.put("/me/phone", json={"phone": "13812345678", "sms": False}, headers=api.auth("bureau"))
    assert expect(off, 200) == {"phone": "138****5678", "sms": False}
    with session_for(api.database_url) as s:
        row = s.get(UserPhone, api.ids["bureau"])
        assert row is not None and (row.phone, row.sms) == ("13812345678", False)
    assert expect(await api.get("reviewer", "/me/phone"), 200)["phone"] is None  # each their own
    assert (await api.http.delete("/me/phone", headers=api.auth("bureau"))).status_code == 204
    assert expect(await api.get("bureau", "/me/phone"), 200) == {"phone": None, "sms": False}
