"""An application's story as the detail page tells it: the progress bar (申报 → 县级审核 → 市级评审 → 公示 → 公布 → 授牌,
with 驳回 / 撤回 / 撤销 where they happened) and the timeline of acts (who, role, when, why), all in Chinese."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from api.schemas import ActPublic
from state.domain import Act, Department, Level, RevocationReason, Role, Stage
from state.labels import ACTS, REVOCATION_REASONS, ROLES, SCORE_PARTS, STAGES, department_label, step_label
from web.declaration import FIELD_TITLES
from web.render import day

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


DETAIL_NAMES = {
    "objection_id": "异议编号",
    "published_on": "公示发布日期",
    "source_url": "公示发布网页（补录）",
    "recorded_on": "补录日期",
    "department": "会签部门",
    "document_no": "文号",
    "plaque_no": "标牌编号",
    "awarded_on": "授牌日期",
    "ground": "撤销情形",
    "opinion_hrss": "人社部门意见",
    "opinion_drc": "发展改革部门意见",
    "opinion_civil_affairs": "民政部门意见",
    "written": "书面评审",
    "defence": "现场答辩",
    "field_inspection": "实地考察",
    "source_application_id": "关联申报编号",
    "round_id": "评定批次",
    "items": "补正事项",
    "changed": "变更内容",
    "version": "申报版本",
}


@dataclass(frozen=True)
class Entry:
    at: str
    act: str
    who: str
    role: str
    reason: str
    state_after: str
    details: list[tuple[str, str]]


def _detail(key: str, value: str, level: Level) -> tuple[str, str]:
    if key == "department" and value in Department._value2member_map_:
        return DETAIL_NAMES[key], department_label(Department(value), level)
    if key == "ground" and value in RevocationReason._value2member_map_:
        return DETAIL_NAMES[key], REVOCATION_REASONS[RevocationReason(value)]
    if key in ("published_on", "awarded_on", "recorded_on"):
        return DETAIL_NAMES[key], day(value)
    if key == "changed":
        return DETAIL_NAMES[key], chinese_changes(value)
    return DETAIL_NAMES.get(key, "其他"), value


def chinese_changes(text: str) -> str:
    """A resubmission's ``field: old → new; …`` (workflows/application_corrections.py ``changes``) with each field
    named as the 申报表 names it."""
    titles = {**FIELD_TITLES, "attestations": "评定条件说明", "department_opinions": "部门意见"}
    parts = []
    for part in text.split("; "):
        name, sep, rest = part.partition(": ")
        parts.append(f"{titles.get(name, name)}：{rest}" if sep else part)
    return "；".join(parts)


def chinese_grounds(text: str) -> str:
    """A flag's note names the revocation ground by its value (workflows/application.py, and so the notices sent
    about it): say the ground in Chinese."""
    for ground, words in REVOCATION_REASONS.items():
        text = text.replace(f"（{ground.value}，", f"（{words}，")
    return text


_SELECTION_TAIL = re.compile(r" — rank \d+ of \d+, quota \d+。")


def chinese_selection(text: str) -> str:
    """A round's selection writes its opinion with the score parts by name and an English tail
    (workflows/round_rules.py ``opinion``): say the parts in Chinese and drop the tail."""
    for part, words in SCORE_PARTS.items():
        text = re.sub(rf"(?<=[（，]){part} (?=\d)", f"{words} ", text)
    return _SELECTION_TAIL.sub("。", text)


def timeline(acts: list[ActPublic], level: Level, moment: Callable[[datetime], str]) -> list[Entry]:
    out = []
    for a in acts:
        who = a.actor.name if a.actor.name is not None else "（不公开）"
        role = ROLES[a.actor.role]
        if a.actor.role == Role.department and a.actor.department:
            role = f"{role}（{department_label(a.actor.department, level)}）"
        if a.actor.county:
            role = f"{role}·{a.actor.county}"
        details = [_detail(k, v, level) for k, v in a.details.items() if v]
        out.append(
            Entry(
                at=moment(a.at),
                act=ACTS[a.act],
                who=who,
                role=role,
                reason=chinese_grounds(a.reason) if a.act == Act.flag else chinese_selection(a.reason),
                state_after=STAGES[a.state_after],
                details=details,
            )
        )
    return out


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
