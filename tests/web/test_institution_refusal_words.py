"""The declaration page says why one institution cannot be declared twice in the service's own Chinese words
(web/refusals.py), with nothing of another county's application in them."""

from services.institution_claims import already_declared, already_titled
from state.domain import Level
from web.refusals import explain


def test_the_declaration_page_says_an_institution_already_declared_or_titled_in_chinese():
    code = "91371302MA3C4XY818"
    theirs = explain(already_declared(Level.county, code, "罗庄区", "兰山区", "LS-2026-0007"))
    assert theirs.status == 409 and theirs.kind == "该机构已申报" and not theirs.fields
    assert theirs.lines == [
        f"统一社会信用代码为{code}的机构已有一份县级申报正在办理中，在其办结（撤回或未通过）之前不能再次申报"
    ]
    ours = explain(already_declared(Level.city, code, "兰山区", "兰山区", "LS-2026-0007"))
    assert "市级申报正在办理中（本县区申报编号LS-2026-0007）" in ours.lines[0]
    titled = explain(already_titled(Level.county, code))
    assert titled.kind == "该机构已获称号"
    assert titled.lines == [f"统一社会信用代码为{code}的机构已获县级标杆机构称号且未被撤销，不能再次申报该级别称号"]
