"""RoundWorkflow's rules that need no workflow: whether a plan can be created, how a window and a selection
opinion read. Pure functions, shared with the API."""

from contracts.refusals import RefusalKind, refuse
from contracts.rounds import Recusal, RecuseAct, RoundPlan, RoundWindow
from contracts.rules import panel as panel_rules
from state.clock import SHANGHAI
from state.domain import COUNTIES, Actor, Level, Role
from state.ranking import METHOD_ZH, METHODS, Candidate, Ranked, rank, rank_panel, weight_problems


def plan_problems(plan: RoundPlan) -> list[tuple[str, str]]:
    """Why a round cannot be created as planned, as (rule code, field) pairs; empty when it can. The codes are
    contracts/rules/administration.py's: the service checks before starting the round, the workflow again."""
    out = []
    if not plan.round_id.strip() or not plan.name.strip():
        out.append(("round_name_required", "round_id"))
    if plan.opens_at.tzinfo is None or plan.closes_at.tzinfo is None:
        out.append(("window_time_zone", "opens_at"))
    elif plan.closes_at <= plan.opens_at:
        out.append(("window_order", "closes_at"))
    out += [(code, "weights") for code in weight_problems(plan.weights)]
    actor = plan.created_by
    if plan.level == Level.city:
        if plan.owner_county or actor.role != Role.city_reviewer:
            out.append(("round_creator", "level"))
    elif plan.owner_county not in COUNTIES or actor.role != Role.county_bureau or actor.county != plan.owner_county:
        out.append(("round_creator", "level"))
    if not 1 <= plan.reminder_working_days <= 30:
        out.append(("reminder_days", "reminder_working_days"))
    if plan.reviewers_required < 1 or plan.check_every_minutes < 1:
        out.append(("reviewers_required", "reviewers_required"))
    if plan.panel and not 3 <= plan.panel_min <= 50:
        out.append(("panel_min_too_low", "panel_min"))
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


def panel_opinion(name: str, r: Ranked, m: int, k: int, chosen: bool, actor: Actor, reason: str, missing: str) -> str:
    """The selection note in Chinese only (recorded in history from patch ``round-opinion-chinese`` on): the
    round by its name, the rank, the places, the means; a panel's round adds the full sheets counted and the
    members who have not scored (缺评), by name."""
    verdict = "入选" if chosen else "未入选"
    marks = "，".join(
        f"{METHOD_ZH[name]} {float(v):.2f}" for name, v in r.means.items() if name in METHODS and v is not None
    )
    text = f"{name}择优{verdict}：排名第{r.rank}/{m}名，名额{k}名，加权得分{float(r.score):.2f}（{marks or '无评分'}）"
    if r.required:
        text += f"，有效评分{r.counted}份（至少须{r.required}份）"
        if not r.selectable:
            text += "，评分不足，不予择优"
    if missing:
        text += f"，缺评：{missing}"
    return f"{text}。{actor.name}结束评审：{reason}"


def ranked_for(plan: RoundPlan, candidates: list[Candidate], recusals: list[Recusal]) -> list[Ranked]:
    """A panel's round by its members' sheets (state.ranking.rank_panel); a round planned before the panel by
    ``reviewers_required``."""
    if not plan.panel:
        return rank(candidates, plan.weights, plan.reviewers_required)
    recused: dict[str, set[str]] = {}
    for x in recusals:
        recused.setdefault(x.application_id, set()).add(x.member_id)
    return rank_panel(candidates, plan.weights, [p.user_id for p in plan.panel], recused, plan.panel_min)


def check_recusal(plan: RoundPlan, recusals: list[Recusal], act: RecuseAct, closing: bool, phase: str) -> None:
    """Why a recusal (回避) may not be recorded: not a member, no reason, the review over, already recused."""
    if act.actor.user_id not in {p.user_id for p in plan.panel}:
        raise refuse(RefusalKind.forbidden, panel_rules.NOT_ON_PANEL)
    if not act.reason.strip():
        raise refuse(RefusalKind.invalid_input, panel_rules.RECUSAL_REASON, field="reason")
    if closing:
        raise refuse(RefusalKind.act_not_allowed, panel_rules.RECUSAL_NOT_REVIEWING, state=phase)
    if any(x.member_id == act.actor.user_id and x.application_id == act.application_id for x in recusals):
        raise refuse(RefusalKind.act_not_allowed, panel_rules.RECUSAL_TWICE, application_id=act.application_id)
