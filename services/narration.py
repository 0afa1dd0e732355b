"""An application's acts told in Chinese: who, role, when, what and why, each detail by its name. The detail page's
timeline (web/story.py) and the printed 审批单 (services/documents.py) tell the same story from here."""

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from schemas.models import ActPublic
from state.clock import SHANGHAI
from state.domain import Act, Department, Level, RevocationReason, Role
from state.labels import ACTS, REVOCATION_REASONS, ROLES, SCORE_PARTS, STAGES, department_label
from state.opinions import OPINION_WORDS


def chinese_day(value: str) -> str:
    """2026年5月10日 from an ISO date or moment."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if len(value) > 10:
        local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(SHANGHAI).date()
    else:
        local = date(moment.year, moment.month, moment.day)
    return f"{local.year}年{local.month}月{local.day}日"


def chinese_deadline(value: str) -> str:
    """2026年12月21日24:00 from an ISO moment: a deadline at midnight is the end of the day before, as the notices and
    the pages count days (web/render.py ``deadline``)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(SHANGHAI)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        before = local.date() - timedelta(days=1)
        return f"{before.year}年{before.month}月{before.day}日24:00"
    return f"{local.year}年{local.month}月{local.day}日{local:%H:%M}"


OTHER = "其他"  # a detail without a name of its own
DETAIL_NAMES = {
    "objection_id": "异议编号",
    "published_on": "公示发布日期",
    "source_url": "公示发布网页（补录）",
    "recorded_on": "补录日期",
    "department": "会签部门",
    "document_no": "文号",
    "plaque_no": "奖牌编号",
    "awarded_on": "授牌日期",
    "ground": "撤销情形",
    "opinion_hrss": "申报时填写的人社部门意见",
    "opinion_drc": "申报时填写的发展改革部门意见",
    "opinion_civil_affairs": "申报时填写的民政部门意见",
    "written": "书面评审",
    "defence": "现场答辩",
    "field_inspection": "实地考察",
    "source_application_id": "关联申报编号",
    "round_id": "评定批次",
    "items": "补正事项",
    "changed": "变更内容",
    "version": "申报版本",
    "deadline": "补正期限",
    "signed_on": "成文日期",  # 联合公布 by a batch: the day of its third signature
}
# Details kept for the record but said by no page: a batch's id and its document's SHA-256 (联合公布; the document
# itself is linked from the application's page).
UNSAID = frozenset({"announcement_id", "sha256"})


def _item_titles() -> dict[str, str]:
    """A correction's items by their Chinese names: the checklist's materials (state/data/materials.json) and the
    notice's conditions (state/eligibility.py)."""
    from state import eligibility, materials

    titles = {c.code: c.text_zh for c in vars(eligibility).values() if isinstance(c, eligibility.Condition)}
    try:
        titles.update({code: d.title for code, d in materials.load().items.items()})
    except (OSError, ValueError):
        pass
    return titles


ITEM_TITLES = _item_titles()


@dataclass(frozen=True)
class Entry:
    at: str
    act: str
    who: str
    role: str
    reason: str
    state_after: str
    details: list[tuple[str, str]]


def _detail(key: str, value: str, level: Level, field_titles: Mapping[str, str]) -> tuple[str, str]:
    if key == "department" and value in Department._value2member_map_:
        return DETAIL_NAMES[key], department_label(Department(value), level)
    if key == "ground" and value in RevocationReason._value2member_map_:
        return DETAIL_NAMES[key], REVOCATION_REASONS[RevocationReason(value)]
    if key == "objection_id":
        number = value.rpartition("-O")[2]
        return "异议", f"第{number}条异议" if number.isdigit() else "异议"
    if key == "items":
        titles = {**ITEM_TITLES, **field_titles}
        return DETAIL_NAMES[key], "、".join(titles.get(i, i) for i in value.split("、"))
    if key == "deadline":
        return DETAIL_NAMES[key], chinese_deadline(value)
    if key in ("published_on", "awarded_on", "recorded_on", "signed_on"):
        return DETAIL_NAMES[key], chinese_day(value)
    if key == "changed":
        return DETAIL_NAMES[key], chinese_changes(value, field_titles)
    return DETAIL_NAMES.get(key, OTHER), value


def chinese_changes(text: str, field_titles: Mapping[str, str]) -> str:
    """A resubmission's ``field: old → new; …`` (workflows/application_corrections.py ``changes``) with each field
    named as the 申报表 names it."""
    titles = {**field_titles, "attestations": "评定条件说明", "department_opinions": "部门意见"}
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


def score_changes(details: Mapping[str, str]) -> list[tuple[str, str]]:
    """An amendment's marks (workflows/application_scores.py): 书面评审 80 → 90; an unchanged part once; the old
    opinion when it was replaced."""
    out = []
    for part in ("written", "defence", "field_inspection"):
        old, new = details.get(f"old_{part}", ""), details.get(part, "")
        if old or new:
            name = DETAIL_NAMES[part]
            out.append((name, new if old == new else f"{old or '未评'} → {new or '未评'}"))
    if details.get("old_opinion"):
        out.append(("原评审意见", details["old_opinion"]))
    return out


def opinion_said(details: Mapping[str, str], reason: str) -> str:
    """县区部门意见 as the timeline says it: 兰山区发展改革局意见：同意——材料属实."""
    value = details.get("department", "")
    department = department_label(Department(value), Level.county) if value in Department._value2member_map_ else ""
    word = OPINION_WORDS.get(details.get("opinion", ""), "")
    return f"{department}意见：{word}——{reason}"


def timeline(
    acts: list[ActPublic],
    level: Level,
    moment: Callable[[datetime], str],
    field_titles: Mapping[str, str],
    left_out: Collection[str] = (),
) -> list[Entry]:
    out = []
    for a in acts:
        who = a.actor.name if a.actor.name is not None else "（不公开）"
        role = ROLES[a.actor.role]
        if a.actor.role == Role.department and a.actor.department:
            at_level = Level.county if a.actor.county else level  # a county's department, whatever the level
            role = f"{role}（{department_label(a.actor.department, at_level)}）"
        if a.actor.county:
            role = f"{role}·{a.actor.county}"
        details = [
            _detail(k, v, level, field_titles)
            for k, v in a.details.items()
            if v and k not in left_out and k not in UNSAID
        ]
        if a.act == Act.amend_score:  # 修改评分: each part as it was and as it is now
            details = score_changes(a.details)
        reason = chinese_grounds(a.reason) if a.act == Act.flag else chinese_selection(a.reason)
        if a.act == Act.department_opinion:  # the department and its 同意 / 不同意 are the words themselves
            reason, details = opinion_said(a.details, a.reason), []
            if a.actor.county:
                reason = a.actor.county + reason
        out.append(
            Entry(
                at=moment(a.at),
                act=ACTS[a.act],
                who=who,
                role=role,
                reason=reason,
                state_after=STAGES[a.state_after],
                details=details,
            )
        )
    return out
