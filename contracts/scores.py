"""修改评分: a reviewer amends their own score sheet while the review is open, with a reason (the workflow's
``amend_score`` update, workflows/application_scores.py)."""

from dataclasses import dataclass

from state.domain import Actor


@dataclass
class AmendScoreAct:
    """The new marks (0-100; a part left None is not scored) and why; an empty ``opinion`` keeps the sheet's."""

    actor: Actor
    reason: str
    written: float | None = None  # 书面评审
    defence: float | None = None  # 现场答辩
    field_inspection: float | None = None  # 实地考察
    opinion: str = ""
