"""Text that shows nothing is no content: an institution's name, an opinion, a finding, a withdrawal reason made of
whitespace, zero-width and format characters is refused 422 (rule text_blank) and changes nothing; bidirectional
controls, which make a name read as another, are refused in names and in uploaded file names (bidi_control)."""

import re
import sys
import unicodedata

from schemas.models import InstitutionCreate, ReviewCreate
from state import text
from tests.api.conftest import declaration_body, expect, opinions_given
from tests.samples import unique_png

INVISIBLE = "\u3000\u200b \u00a0\u2060\ufeff\u3164\u2800\u202f"


def test_the_schema_pattern_names_exactly_the_characters_the_validator_counts_as_invisible():
    computed, start = [], None
    for cp in range(sys.maxunicode + 1):
        if text.invisible(chr(cp)):
            start = cp if start is None else start
        elif start is not None:
            computed.append((start, cp - 1))
            start = None
    assert tuple(computed) == text.INVISIBLE_RANGES, f"Unicode {unicodedata.unidata_version}: update INVISIBLE_RANGES"


def test_the_json_schema_pattern_and_the_validator_agree():
    patterns = {
        "name": InstitutionCreate.model_json_schema()["properties"]["name"]["pattern"],
        "opinion": ReviewCreate.model_json_schema()["properties"]["opinion"]["pattern"],
    }
    samples = [
        INVISIBLE,
        "兰山区",
        "a\x00b",
        "\t\n",
        "意见\r\n第二行",
        "兰山\u202e区",
        "\U000e0020",
        "\U000e0020x",
        "x",
    ]
    for value in samples:
        for field, multiline, names in (("name", False, True), ("opinion", True, False)):
            accepted = text.problem(value, multiline, required=True, names=names) is None
            assert bool(re.fullmatch(patterns[field], value)) == accepted, (field, value)


async def test_invisible_text_is_refused_as_a_name_an_opinion_a_finding_or_a_withdrawal_reason(api, driver):
    refused = expect(await api.post("clerk", "/applications", declaration_body("county", name=INVISIBLE)), 422)
    assert refused["detail"]["field"] == "institution.name" and refused["detail"]["rule"] == "text_blank"
    assert "不能为空" in refused["detail"]["message"]

    declared = await driver.declare("county")
    before = await driver.state(declared)
    for who, act, body in (
        ("bureau", "county-review", {"decision": "pass", "opinion": INVISIBLE}),
        ("bureau", "withdrawal", {"reason": INVISIBLE}),
    ):
        detail = expect(await api.post(who, f"/applications/{declared}/{act}", body), 422)["detail"]
        assert detail["rule"] == "text_blank", detail
    assert (await driver.state(declared))["acts"] == before["acts"]

    app_id, objection = await driver.objected("county")
    url = f"/applications/{app_id}/objections/{objection}/finding"
    detail = expect(await api.post("bureau", url, {"upheld": False, "finding": INVISIBLE}), 422)["detail"]
    assert (detail["field"], detail["rule"]) == ("finding", "text_blank")
    assert (await driver.state(app_id))["objections"][0]["upheld"] is None


async def test_bidirectional_controls_are_refused_in_names_and_file_names_not_in_opinions(api, driver):
    spoofed = "兰山区\u202e站驿工零"
    detail = expect(await api.post("clerk", "/applications", declaration_body("county", name=spoofed)), 422)["detail"]
    assert (detail["field"], detail["rule"]) == ("institution.name", "bidi_control")
    assert "U+202E" in detail["message"]
    person = declaration_body("county", person_in_charge="张\u2066三")
    detail = expect(await api.post("clerk", "/applications", person), 422)["detail"]
    assert (detail["field"], detail["rule"]) == ("institution.person_in_charge", "bidi_control")

    upload = await api.upload("clerk", unique_png(), "照片\u202egnp.pdf")
    detail = expect(upload, 422)["detail"]
    assert (detail["field"], detail["rule"]) == ("file", "bidi_control") and "文件名" in detail["message"]

    declared = await driver.declare("county")  # an opinion quoting Arabic or Hebrew may need them
    body = {"decision": "pass", "opinion": "材料齐全 \u2067שלום\u2069"}
    await opinions_given(api, declared)
    expect(await api.post("bureau", f"/applications/{declared}/county-review", body), 200)
