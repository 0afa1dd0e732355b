"""修改评分 over HTTP (POST /api/v1/applications/{id}/scores/amendments), against a real worker and read model: the
reviewer's own sheet amended with a reason, told on the history's timeline and in the 审批单's opinions; refusals
in Chinese with their rule, changing nothing."""

import io
import re

from pypdf import PdfReader

from tests.api.conftest import expect


def amendment(written: float | None = 92, reason: str = "复核书面材料后调整") -> dict:
    return {"scores": {"written": written}, "reason": reason}


async def test_a_reviewer_amends_their_score_and_the_history_and_the_sheet_tell_it(api, driver):
    app_id = await driver.county_reviewed("city")
    url = f"/applications/{app_id}"
    expect(await api.post("reviewer", f"{url}/scores", {"opinion": "材料扎实", "written": 80}), 200)
    done = expect(await api.post("reviewer", f"{url}/scores/amendments", amendment()), 200)
    assert done["id"] == app_id and done["state"] == "county_reviewed"
    detail = expect(await api.get("reviewer", url), 200)
    assert [(s["written"], s["opinion"]) for s in detail["scores"]] == [(92, "材料扎实")]
    last = detail["acts"][-1]
    assert last["act"] == "amend_score" and last["reason"] == "复核书面材料后调整"
    assert last["details"]["old_written"] == "80" and last["details"]["written"] == "92"
    pdf = await api.get("reviewer", f"{url}/documents/approval-sheet.pdf")
    assert pdf.status_code == 200
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages))
    assert "修改评分" in text and "复核书面材料后调整" in text and "80→92" in text


async def test_amendments_refused_say_why_in_chinese_and_change_nothing(api, driver):
    app_id = await driver.county_reviewed("city")
    url = f"/applications/{app_id}"
    refused = expect(await api.post("reviewer", f"{url}/scores/amendments", amendment()), 409)["detail"]
    assert refused["rule"] == "score_not_found" and "尚未" in refused["message"]
    expect(await api.post("reviewer", f"{url}/scores", {"opinion": "材料扎实", "written": 80}), 200)
    refused = expect(await api.post("reviewer", f"{url}/scores/amendments", amendment(reason="  ")), 422)["detail"]
    assert refused["field"] == "reason" and refused["rule"] == "text_blank"  # the schema's own check
    refused = expect(await api.post("reviewer", f"{url}/scores/amendments", amendment(written=80)), 422)["detail"]
    assert refused["rule"] == "score_amend_unchanged"
    expect(await api.post("bureau", f"{url}/scores/amendments", amendment()), 403)
    expect(await api.post("other_bureau", f"{url}/scores/amendments", amendment()), 404)
    detail = expect(await api.get("reviewer", url), 200)
    assert [s["written"] for s in detail["scores"]] == [80]
    assert "amend_score" not in [a["act"] for a in detail["acts"]]
