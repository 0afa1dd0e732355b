"""RoundWorkflow's rules that need no workflow: whether a plan can be created, how a window and a selection
opinion read. Pure functions, shared with the API."""

from contracts.rounds import RoundPlan, RoundWindow
from state.clock import SHANGHAI
from state.domain import COUNTIES, Actor, Level, Role
from state.ranking import METHOD_ZH, METHODS, Ranked, weight_problems


def plan_problems(plan: RoundPlan) -> list[str]:
    """Why a round cannot be created as planned; empty when it can (the API answers 422 with these)."""
    out = []
    if not plan.round_id.strip() or not plan.name.strip():
        out.append("round_id and name are required")
    if plan.opens_at.tzinfo is None or plan.closes_at.tzinfo is None:
        out.append("opens_at and closes_at need a time zone (Asia/Shanghai: +08:00)")
    elif plan.closes_at <= plan.opens_at:
        out.append(f"the window must close after it opens ({plan.opens_at.isoformat()} – {plan.closes_at.isoformat()})")
    out += weight_problems(plan.weights)
    actor = plan.created_by
    if plan.level == Level.city:
        if plan.owner_county:
            out.append("a city-level round is owned by the city: owner_county must be empty")
        if actor.role != Role.city_reviewer:
            out.append(f"city-level rounds are created by role 'city_reviewer', not {actor.role.value!r}")
    else:
        if plan.owner_county not in COUNTIES:
            out.append(f"a county-level round needs its owner county (one of {'、'.join(COUNTIES)})")
        elif actor.role != Role.county_bureau or actor.county != plan.owner_county:
            out.append(f"{plan.owner_county}'s county-level rounds are created by {plan.owner_county}'s county bureau")
    if not 1 <= plan.reminder_working_days <= 30:
        out.append("reminder_working_days must be between 1 and 30")
    if plan.reviewers_required < 1 or plan.check_every_minutes < 1:
        out.append("reviewers_required and check_every_minutes must be at least 1")
    return out


def window_text(w: RoundWindow) -> str:
    f = "%Y-%m-%d %H:%M"
    return f"{w.opens_at.astimezone(SHANGHAI).strftime(f)} – {w.closes_at.astimezone(SHANGHAI).strftime(f)} (Asia/Shanghai)"


def opinion(round_id: str, r: Ranked, m: int, k: int, chosen: bool, actor: Actor, reason: str) -> str:
    verdict = "入选" if chosen else "未入选"
    marks = "，".join(
        f"{METHOD_ZH[name]} {float(v):.2f}" for name, v in r.means.items() if name in METHODS and v is not None
    )
    return (
        f"批次 {round_id} 择优{verdict}：排名第{r.rank}/{m}名，名额{k}，加权得分{float(r.score):.2f}（{marks or '无评分'}）"
        f" — rank {r.rank} of {m}, quota {k}。{actor.name}结束评审：{reason}"
    )
