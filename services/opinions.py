"""会商: the county departments' opinions (县区部门意见) as the documents print them, one text per department."""

from contracts.application import ApplicationView
from services.narration import chinese_day
from state.domain import Department
from state.opinions import OPINION_WORDS


def recorded_texts(view: ApplicationView) -> dict[Department, str]:
    """Each department's opinion as it stands: 同意。<text>（张三，2026年12月7日）. An application declared before the
    departments recorded their own keeps the text typed with its declaration."""
    if not view.opinions_required and not view.county_opinions:
        return dict(view.department_opinions)
    out = {}
    for o in view.county_opinions:
        word = OPINION_WORDS["agree" if o.agree else "disagree"]
        out[o.department] = f"{word}。{o.text}（{o.by.name}，{chinese_day(o.at.isoformat())}）"
    return out
