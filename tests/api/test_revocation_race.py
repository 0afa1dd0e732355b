"""Concurrent revocation proposals: one title has one open proposal; the first is accepted, every other one is
answered 409, none vanishes unanswered; concurrent words of the three departments revoke it once."""

import asyncio

from tests.api.conftest import COUNTY_DEPARTMENTS, Driver, expect


async def test_twenty_concurrent_proposals_one_accepted_the_rest_refused(late_api):
    sqlite_api = late_api
    driver = Driver(late_api)
    app_id = await driver.awarded("county")
    url = f"/applications/{app_id}/revocation"
    bodies = [{"reason": "deregistered", "evidence": f"证据{i}：机构已注销"} for i in range(20)]
    answers = await asyncio.gather(*(sqlite_api.post("inspector", url, body) for body in bodies))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [202] + [409] * 19, [a.text for a in answers if a.status_code not in (202, 409)]
    accepted = next(a for a in answers if a.status_code == 202).json()
    assert accepted["state"] == "pending"
    for refused in (a for a in answers if a.status_code == 409):
        assert refused.json()["detail"]["rule"] == "revocation_already_proposed"
    assert (await driver.state(app_id))["state"] == "plaque_awarded"

    signed = await asyncio.gather(
        *(sqlite_api.post(who, f"{url}/co-signatures", {"decision": "sign"}) for who in COUNTY_DEPARTMENTS)
    )
    assert [s.status_code for s in signed] == [200] * 3, [s.text for s in signed]
    decided = expect(await sqlite_api.get("supervisor", url), 200)
    assert decided["state"] == "revoked" and len(decided["signatures"]) == 3
    acts = expect(await sqlite_api.get("supervisor", f"/applications/{app_id}"), 200)["acts"]
    revocations = [a for a in acts if a["act"] == "revoke"]
    assert len(revocations) == 1 and revocations[0]["reason"] == accepted["evidence"]  # the accepted proposal's
