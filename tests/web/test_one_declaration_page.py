"""The declaration page refuses an institution already declared, in the service's own Chinese words, naming nothing
of another county's application."""

import re
from html import unescape

import httpx

from tests.api.conftest import attestations, declaration_body
from tests.factory import OTHER_COUNTY, credit_code
from tests.web.conftest import Site, shown_by_rule, signed_in_over_http


async def test_the_declaration_page_says_the_institution_is_already_declared(site: Site):
    code = credit_code()
    theirs = await site.driver.declare("county", who="other_bureau", county=OTHER_COUNTY, credit_code=code)
    institution = declaration_body("county", credit_code=code)["institution"]
    form = {
        "level": "county",
        "reason": "县人社局会同发改、民政部门申报",
        "opinion_hrss": "同意申报",
        **{k: str(v) for k, v in institution.items() if k != "attestations"},
        **{f"attest__{k}": v for k, v in attestations("gig_market", "county").items()},
    }
    async with httpx.AsyncClient(base_url=site.url) as http:
        token = await signed_in_over_http(http, site, "bureau")
        shown = await http.post("/applications/new", data={"csrf_token": token, **form})
    shown_by_rule(shown, 409, "institution_already_declared", credit_code=code, level_label="县级")
    said = unescape(re.search(r"<div[^>]*data-refusal[^>]*>(.*?)</div>", shown.text, re.S).group(1))
    assert "该机构已申报" in unescape(shown.text) and code in said
    assert theirs not in shown.text and OTHER_COUNTY not in said
