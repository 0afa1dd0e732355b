"""An application's story as the detail page tells it: the progress bar (申报 → 县级审核 → 市级评审 → 公示 → 公布 → 授牌,
with 驳回 / 撤回 / 撤销 where they happened) and the timeline of acts (who, role, when, why), all in Chinese."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from schemas.models import ActPublic
from services import narration
from services.narration import Entry, chinese_grounds, chinese_selection
from state.domain import Act, Level, Stage
from state.labels import ACTS, STAGES, step_label
from web.declaration import FIELD_TITLES

__all__ = ["Entry", "chinese_grounds", "chinese_selection", "diagram", "progress", "timeline"]

MAIN_PATH = (
    Stage.declared,
    Stage.county_reviewed,
    Stage.city_reviewed,
    Stage.publicized,
    Stage.announced,
    Stage.plaque_awarded,
)


def progress(level: Level, state: Stage, reached: list[Stage], notice_closed: bool) -> list[tuple[str, str]]:
    """(step, status) pairs for the _macros.html progress bar; status is done / current / ended / todo."""
    path = [s for s in MAIN_PATH if level == Level.city or s != Stage.city_reviewed]
    furthest = max((path.index(s) for s in reached if s in path), default=0)
    if state in path:
        at = path.index(state)
        working = at if state == Stage.publicized and not notice_closed else at + 1  # the step under way
        return [
            (step_label(s), "done" if i < working else "current" if i == working else "todo")
            for i, s in enumerate(path)
        ]
    if state == Stage.revoked:
        steps = [(step_label(s), "done" if i <= furthest else "todo") for i, s in enumerate(path)]
        return [*steps, (step_label(Stage.revoked), "ended")]
    ended = furthest if path[furthest] == Stage.publicized else furthest + 1  # rejected or withdrawn at this step
    steps = []
    for i, s in enumerate(path):
        if i == ended:
            steps.append((f"{step_label(s)}（{step_label(state)}）", "ended"))
        else:
            steps.append((step_label(s), "done" if i < ended else "todo"))
    return steps


def timeline(acts: list[ActPublic], level: Level, moment: Callable[[datetime], str]) -> list[Entry]:
    """The detail page's timeline (services/narration.py), a resubmission's changes named as the form names its fields."""
    return narration.timeline(acts, level, moment, FIELD_TITLES)


@dataclass(frozen=True)
class DiagramNode:
    stage: Stage
    name: str
    current: bool
    edges: list[tuple[str, str]]  # (act, the state it leads to), in Chinese


# Transitions only one level takes (their guards: is_city_level / is_county_level).
_CITY_ONLY = {Act.city_review_pass, Act.city_review_fail, Act.city_request_correction}


def diagram(level: Level, state: Stage) -> list[DiagramNode]:
    """The state diagram drawn from the machine itself (state/machine.py) for this level, in Chinese, the current
    state marked; acts that stay in their state (评分, 异议, 会签 before the third) are left out."""
    from state.machine import ApplicationMachine

    nodes = []
    for s in ApplicationMachine.states:
        stage = Stage(s.id)
        if stage == Stage.city_reviewed and level != Level.city:
            continue
        edges: list[tuple[str, str]] = []
        for t in s.transitions:
            if t.target is s:
                continue
            for event in t.events:
                act = Act(str(event))
                if act in _CITY_ONLY and level != Level.city:
                    continue
                if act == Act.publicize and stage == Stage.county_reviewed and level == Level.city:
                    continue
                if act == Act.resubmit and t.target.id == Stage.county_reviewed.value and level != Level.city:
                    continue  # back to the city review: only a city review returns it
                edge = (ACTS[act], STAGES[Stage(t.target.id)])
                if edge not in edges:
                    edges.append(edge)
        nodes.append(DiagramNode(stage, STAGES[stage], stage == state, edges))
    return nodes
