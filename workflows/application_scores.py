"""修改评分: a reviewer amends their own score sheet, with a reason, while the review that scores is still open
(the machine still allows scoring: a county-level application before its county review, a city-level one before
its city review; a round's selection moves it on and closes the amendments with it).

Plain functions over what they are given (the sheets, the act, the state the machine is in), so that the
workflow's update handler is a thin call. The amended sheet replaces the old one, which the act on record keeps
(old and new marks, who, when, why): the round ranks the sheets as they stand."""

from dataclasses import replace
from datetime import datetime

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from contracts.application import ScoreSheet
    from contracts.refusals import RefusalKind, refuse
    from contracts.rules import scores as rules
    from contracts.scores import AmendScoreAct
    from state.domain import Act, Level, authority_refusal
    from state.labels import SCORE_PARTS

PARTS = ("written", "defence", "field_inspection")


def _marks(source: ScoreSheet | AmendScoreAct) -> dict[str, float | None]:
    return {p: getattr(source, p) for p in PARTS}


def check_amendment(
    sheets: list[ScoreSheet],
    act: AmendScoreAct,
    level: Level,
    county: str,
    review_open: bool,
    state: str,
    allowed_now: list[Act],
) -> int:
    """The index of ``act.actor``'s own sheet in ``sheets``; a refusal when the amendment may not be made:
    Forbidden (not the level's reviewer), ActNotAllowed (the review is over, or nothing of theirs to amend),
    InvalidInput (no reason, no mark, a mark out of range, nothing changed)."""
    if authority_refusal(Act.amend_score, act.actor, level, county):
        raise refuse(
            RefusalKind.forbidden, rules.SCORE_AMEND_NOT_PERMITTED.say(), rule=rules.SCORE_AMEND_NOT_PERMITTED.code
        )
    when = {"state": state, "allowed_acts": [a.value for a in allowed_now]}
    if not review_open:
        raise refuse(
            RefusalKind.act_not_allowed, rules.SCORE_AMEND_CLOSED.say(), rule=rules.SCORE_AMEND_CLOSED.code, **when
        )
    index = next((i for i, s in enumerate(sheets) if s.reviewer.user_id == act.actor.user_id), None)
    if index is None:
        raise refuse(RefusalKind.act_not_allowed, rules.SCORE_NOT_FOUND.say(), rule=rules.SCORE_NOT_FOUND.code, **when)
    if not act.reason.strip():
        raise _invalid(rules.SCORE_AMEND_REASON.say(), rules.SCORE_AMEND_REASON.code, "reason")
    marks = _marks(act)
    if all(v is None for v in marks.values()):
        raise _invalid(rules.SCORE_AMEND_EMPTY.say(), rules.SCORE_AMEND_EMPTY.code, "written")
    for part, value in marks.items():
        if value is not None and not 0 <= value <= 100:
            raise _invalid(rules.SCORE_AMEND_RANGE.say(part=SCORE_PARTS[part]), rules.SCORE_AMEND_RANGE.code, part)
    old = sheets[index]
    if marks == _marks(old) and (not act.opinion.strip() or act.opinion.strip() == old.opinion):
        raise _invalid(rules.SCORE_AMEND_UNCHANGED.say(), rules.SCORE_AMEND_UNCHANGED.code, "written")
    return index


def _invalid(message: str, code: str, field: str) -> ApplicationError:
    return refuse(RefusalKind.invalid_input, message, rule=code, field=field)


def amended(old: ScoreSheet, act: AmendScoreAct, at: datetime) -> ScoreSheet:
    """The sheet as amended: the new marks, the new opinion if one was given, the reviewer as they are now."""
    opinion = act.opinion.strip() or old.opinion
    return replace(
        old,
        reviewer=act.actor,
        opinion=opinion,
        at=at,
        written=act.written,
        defence=act.defence,
        field_inspection=act.field_inspection,
    )


def amendment_details(old: ScoreSheet, new: ScoreSheet) -> dict[str, str]:
    """What the act on record keeps: each part's old and new mark (``old_written``, ``written``, …; empty when not
    scored), and the old opinion when it changed."""
    out: dict[str, str] = {}
    for part in PARTS:
        before, after = getattr(old, part), getattr(new, part)
        out[f"old_{part}"] = "" if before is None else f"{before:g}"
        out[part] = "" if after is None else f"{after:g}"
    if new.opinion != old.opinion:
        out["old_opinion"] = old.opinion
    return out
