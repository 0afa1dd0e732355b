"""Every number and date a caller sends is bounded at the API: a value no database can store, or NaN and Infinity
(which Python's JSON parser reads), is refused with 422 naming the field and a stable rule, before any workflow."""

import json

from tests.api.conftest import Driver, declaration_body, expect


async def test_dates_out_of_range_and_non_finite_numbers_are_refused_on_applications(sqlite_api):
    api = sqlite_api
    body = declaration_body("county")
    body["institution"]["founded_on"] = "1899-12-31"
    r = expect(await api.post("bureau", "/applications", body), 422)
    assert (r["detail"]["field"], r["detail"]["rule"]) == ("institution.founded_on", "date_out_of_range")
    assert "1900-01-01" in r["detail"]["message"]
    body["institution"]["founded_on"] = "1995-03-01"  # an institution may be older than the procedure

    raw = json.dumps(body).replace('"premises_area_m2": 800', '"premises_area_m2": NaN')
    r = await api.http.post(
        "/applications", content=raw, headers={**api.auth("bureau"), "Content-Type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["detail"]["rule"] == "finite_number", r.text

    app_id = await Driver(api).county_reviewed("county", founded_on="1995-03-01")
    for day in ("0001-01-01", "1999-12-31"):
        r = expect(await api.post("bureau", f"/applications/{app_id}/notice", {"published_on": day}), 422)
        assert (r["detail"]["field"], r["detail"]["rule"]) == ("published_on", "date_out_of_range")
