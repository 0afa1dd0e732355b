"""Concurrent revocations: the first is applied, every other one is answered 409, none vanishes unanswered."""

import asyncio

from tests.api.conftest import Driver, expect


async def test_twenty_concurrent_revocations_one_accepted_the_rest_refused(late_api):
    sqlite_api = late_api
    driver = Driver(late_api)
    app_id = await driver.awarded("county")
    url = f"/applications/{app_id}/revocation"
    bodies = [{"reason": "deregistered", "evidence": f"证据{i}：机构已注销"} for i in range(20)]
    answers = await asyncio.gather(*(sqlite_api.post("inspector", url, body) for body in bodies))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [202] + [409] * 19, [a.text for a in answers if a.status_code not in (202, 409)]
    accepted = next(a for a in answers if a.status_code == 202)
    assert accepted.json() == {"id": app_id, "state": "revoked"}
    for refused in (a for a in answers if a.status_code == 409):
        assert refused.json()["detail"]["state"] in ("revoked", "plaque_awarded")
    acts = expect(await sqlite_api.get("supervisor", f"/applications/{app_id}"), 200)["acts"]
    revocations = [a for a in acts if a["act"] == "revoke"]
    assert len(revocations) == 1  # one evidence on record: the accepted one
