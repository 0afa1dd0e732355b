"""Every word a user sees, in the notice's own Chinese (see DOMAIN.md, "Words users see").

One table per kind of value, keyed by the enum member (or, for values whose enum lives outside ``state``, by the
plain string value), and one generic :func:`label` that finds the Chinese for any of them. A value without a
label is a bug: :func:`label` raises ``KeyError`` rather than showing the English value to a user.

Pure module (standard library, ``state.domain`` and the region read once at import by ``regions.catalog``): safe
to import inside Temporal's workflow sandbox, from the API and from templates alike. The city's name, the counties
and the organs' names come from the region file (regions/definitions/*.toml).
"""

from collections.abc import Mapping, Sequence
from enum import Enum
from types import MappingProxyType
from typing import Final, TypeVar

from regions.catalog import DEPLOYMENT
from regions.catalog import city as region_city
from regions.model import City, County
from state.domain import Act, Department, InstitutionType, Level, RevocationReason, Role, Stage

PRODUCT_NAME: Final = "就业服务质量标杆机构评定"
CITY: Final[str] = DEPLOYMENT.name

# ---- application stages (状态) ----------------------------------------------------------------------
STAGES: Final[Mapping[Stage, str]] = MappingProxyType(
    {
        Stage.declared: "已申报",
        Stage.county_reviewed: "县级审核通过",
        Stage.city_reviewed: "市级评审通过",
        Stage.publicized: "公示中",
        Stage.announced: "已公布",
        Stage.plaque_awarded: "已授牌",
        Stage.revoked: "已撤销",
        Stage.rejected: "未通过",
        Stage.withdrawn: "已撤回",
        Stage.returned: "退回补正",
    }
)

# ---- acts on an application (操作) -------------------------------------------------------------------
ACTS: Final[Mapping[Act, str]] = MappingProxyType(
    {
        Act.declare: "申报",
        Act.county_review_pass: "县级审核通过",
        Act.county_review_fail: "县级审核不通过",
        Act.city_review_pass: "市级评审通过",
        Act.city_review_fail: "市级评审不通过",
        Act.publicize: "发布公示",
        Act.lodge_objection: "提出异议",
        Act.dismiss_objection: "异议调查核实（不属实）",
        Act.uphold_objection: "异议调查核实（属实）",
        Act.close_notice: "公示期满",
        Act.score: "评分",
        Act.co_sign: "会签",
        Act.award: "授牌",
        Act.revoke: "撤销",
        Act.withdraw: "撤回",
        Act.flag: "县级标杆称号撤销提示",
        Act.replan_notice: "重新计算公示期",
        Act.county_request_correction: "县级退回补正",
        Act.city_request_correction: "市级退回补正",
        Act.resubmit: "补正后重新报送",
        Act.lapse_correction: "逾期未补正（视为撤回）",
        Act.correction_reminder: "补正期限提醒",
        Act.urge: "催办",
        Act.amend_score: "修改评分",
        Act.announce: "联合公布",
        Act.department_opinion: "县区部门意见",
    }
)

# The parts of a reviewer's score sheet (评分: 书面评审 / 现场答辩 / 实地考察), as named in round weights.
SCORE_PARTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "written": "书面评审",
        "defence": "现场答辩",
        "field_inspection": "实地考察",
    }
)

# ---- the procedure's steps (评定程序), each named after the stage it reaches, and the endings -----------
# The progress bar reads 申报 → 县级审核 → 市级评审 → 公示 → 公布 → 授牌; an application that ends early shows where.
STEPS: Final[Mapping[Stage, str]] = MappingProxyType(
    {
        Stage.declared: "申报",
        Stage.county_reviewed: "县级审核",
        Stage.city_reviewed: "市级评审",
        Stage.publicized: "公示",
        Stage.announced: "公布",
        Stage.plaque_awarded: "授牌",
        Stage.rejected: "驳回",
        Stage.withdrawn: "撤回",
        Stage.revoked: "撤销",
        Stage.returned: "退回补正",
    }
)

# ---- work waiting for someone (待办): the task an act belongs to (a review's pass and fail are one task) ----
TASKS: Final[Mapping[Act, str]] = MappingProxyType(
    {
        Act.declare: "申报",
        Act.county_review_pass: "县级审核",
        Act.county_review_fail: "县级审核",
        Act.city_review_pass: "市级评审",
        Act.city_review_fail: "市级评审",
        Act.publicize: "发布公示",
        Act.lodge_objection: "提出异议",
        Act.dismiss_objection: "异议调查核实",
        Act.uphold_objection: "异议调查核实",
        Act.close_notice: "公示期满",
        Act.score: "评分",
        Act.co_sign: "会签",
        Act.award: "授牌",
        Act.revoke: "撤销",
        Act.withdraw: "撤回",
        Act.flag: "县级标杆称号撤销提示",
        Act.replan_notice: "重新计算公示期",
        Act.county_request_correction: "退回补正",
        Act.city_request_correction: "退回补正",
        Act.resubmit: "补正后重新提交",
        Act.lapse_correction: "补正逾期撤回",
        Act.correction_reminder: "补正提醒",
        Act.urge: "催办",
        Act.amend_score: "修改评分",
        Act.announce: "联合公布",
        Act.department_opinion: "出具部门意见",
    }
)

# ---- the machine's rules (its guards, by name): what a refusal's ``[rule: …]`` refers to ---------------
RULES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "is_city_level": "市级申报须经市级评审",
        "is_county_level": "县级申报县级审核通过后直接公示",
        "notice_window_open": "仅在公示期内受理异议",
        "notice_period_over": "公示期须已届满",
        "objection_pending": "须有待调查核实的异议",
        "no_objection_pending": "异议须全部调查核实完毕",
        "notice_is_closed": "公示结束（期满且异议均已核实）",
        "department_not_yet_signed": "每个部门只会签一次",
        "completes_joint_signature": "三部门全部会签后公布",
        "returned_by_county": "补正后回到县级审核",
        "returned_by_city": "补正后回到市级评审",
        "selected_in_round": "市级标杆机构须经评定批次竞争性评审择优确定，不能单独评审通过",
        "county_departments_agree": "县区发展改革、民政部门均出具同意意见后县级审核方可通过",
    }
)

# ---- levels and titles -----------------------------------------------------------------------------
LEVELS: Final[Mapping[Level, str]] = MappingProxyType(
    {
        Level.county: "县级",
        Level.city: "市级",
    }
)

LEVEL_TITLES: Final[Mapping[Level, str]] = MappingProxyType(
    {
        Level.county: "县级标杆机构",
        Level.city: "市级标杆机构",
    }
)

LEVEL_FULL_TITLES: Final[Mapping[Level, str]] = MappingProxyType(
    {
        Level.county: "县级就业服务质量标杆机构",
        Level.city: "市级就业服务质量标杆机构",
    }
)

# ---- institution types (评定对象) --------------------------------------------------------------------
INSTITUTION_TYPES: Final[Mapping[InstitutionType, str]] = MappingProxyType(
    {
        InstitutionType.public_agency: "公共就业服务机构（县级及以上）",
        InstitutionType.township_platform: "乡镇（街道）基层公共就业服务平台",
        InstitutionType.village_platform: "村（社区）基层公共就业服务平台",
        InstitutionType.gig_market: "零工市场",
        InstitutionType.hr_agency: "经营性人力资源服务机构",
        InstitutionType.training: "职业培训机构",
    }
)

# ---- roles -----------------------------------------------------------------------------------------
ROLES: Final[Mapping[Role, str]] = MappingProxyType(
    {
        Role.county_bureau: "县区人社局",
        Role.city_reviewer: "市人社局评审",
        Role.department: "会签部门",
        Role.inspector: "督查",
        Role.supervisor: "监督/纪检",
        Role.admin: "系统管理员",
        Role.public: "社会公众",
        Role.system: "系统",
    }
)


# ---- departments (三部门) ----------------------------------------------------------------------------
# Short names as the notice writes them: the city has a 发展改革委, a county a 发展改革局 (the region file's ``short``;
# the county forms are those of the city's first county: the region file gives all of Linyi's counties the same).
def _short_names(unit: City | County) -> Mapping[Department, str]:
    return MappingProxyType({Department(d): organ.short for d, organ in unit.organs().items()})


DEPARTMENTS_BY_LEVEL: Final[Mapping[Level, Mapping[Department, str]]] = MappingProxyType(
    {Level.city: _short_names(DEPLOYMENT), Level.county: _short_names(DEPLOYMENT.counties[0])}
)

# What :func:`label` shows for a department when no level is known: the city forms.
DEPARTMENTS: Final[Mapping[Department, str]] = DEPARTMENTS_BY_LEVEL[Level.city]

# The joint issuers in the notice's order: the lead organ (人社) first.
DEPARTMENT_ORDER: Final[tuple[Department, ...]] = (Department.hrss, Department.drc, Department.civil_affairs)

# ---- revocation grounds (监督), verbatim from the notice ---------------------------------------------
REVOCATION_REASONS: Final[Mapping[RevocationReason, str]] = MappingProxyType(
    {
        RevocationReason.false_materials: "申报材料虚假失实",
        RevocationReason.deregistered: "机构注销",
        RevocationReason.violation: "发生违法违规违纪问题",
        RevocationReason.below_standard: "就业服务工作被证实达不到标准",
        RevocationReason.other: "产生其他应当撤销评定的情形",
    }
)

# A revocation proposal's state (contracts.revocation.RevocationState's values) and a department's word on it.
REVOCATION_STATES: Final[Mapping[str, str]] = MappingProxyType(
    {"pending": "待会签", "revoked": "已撤销", "declined": "已否决"}
)
REVOCATION_DECISIONS: Final[Mapping[str, str]] = MappingProxyType({"sign": "同意撤销", "decline": "不同意撤销"})

# ---- refusals: the ``type`` of a workflow's ApplicationError and the API's refusal kinds ---------------
REFUSAL_KINDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "Unauthenticated": "未登录或登录已失效",
        "Forbidden": "无权办理",
        "NotFound": "不存在",
        "ActNotAllowed": "当前状态不允许此操作",
        "InvalidInput": "填写有误",
        "Conflict": "冲突",
        "RateLimited": "请求过于频繁",
        "TooLarge": "提交内容过大",
        "Unavailable": "服务暂不可用",
    }
)

# ---- county filings (备案), the values of contracts.filing.FilingState and the board ----------
FILING_STATES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "not_due": "未到备案期",
        "open": "待备案",
        "overdue": "已逾期",
        "filed_on_time": "按时备案",
        "filed_late": "逾期备案",
    }
)

# Where a filing went (评定结果报省、市备案): each addressee's delivery (api.routes.filings.AddresseeState).
FILING_DELIVERIES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "not_filed": "未报送",
        "delivered": "已送达",
        "failed": "送达失败",
        "unconfigured": "未配置接收渠道",
        "unrecorded": "无送达记录",
    }
)

FILING_ACTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "file": "备案",
        "correct": "更正",
    }
)

# ---- evaluation rounds, the values of contracts.rounds.RoundPhase ----------------------------
ROUND_PHASES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "scheduled": "未开始",
        "open": "申报中",
        "reviewing": "评审中",
        "selecting": "择优确定中",
        "selected": "已确定拟评定名单",
    }
)

# How a tie in a round's ranking was broken (state.ranking.Ranked.tie_broken_by).
TIE_BREAKS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "honours": "同分：市级及以上荣誉优先",
        "declaration": "同分：申报在先",
    }
)

# ---- lists and documents (名单与文书) -------------------------------------------------------------------
DOCUMENTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "publicity_list": "公示名单",
        "results": "评定结果",
        "directory": "标杆机构名录",
        "filing_form": "备案表（附件4）",
        "declaration_form": "申报表（附件2）",
        "plaque": "奖牌（附件3）",
        "quota": "名额（附件1）",
        "standards": "评定标准（附件5）",
    }
)


# ---- lookup ----------------------------------------------------------------------------------------
_K = TypeVar("_K", bound=str)


def _by_value(table: Mapping[_K, str]) -> Mapping[str, str]:
    """The table keyed by plain string values (an enum member's ``.value``, a plain key as it is)."""
    return MappingProxyType({str(k.value) if isinstance(k, Enum) else str(k): v for k, v in table.items()})


# Kind name -> value -> label. A kind is named after its enum class, so members of an enum defined outside
# ``state`` (FilingState, RoundPhase) are found by their class name without importing them here.
_KINDS: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "Stage": _by_value(STAGES),
        "Act": _by_value(ACTS),
        "Level": _by_value(LEVELS),
        "InstitutionType": _by_value(INSTITUTION_TYPES),
        "Role": _by_value(ROLES),
        "Department": _by_value(DEPARTMENTS),
        "RevocationReason": _by_value(REVOCATION_REASONS),
        "RevocationState": REVOCATION_STATES,
        "RevocationDecision": REVOCATION_DECISIONS,
        "RefusalKind": REFUSAL_KINDS,
        "FilingState": FILING_STATES,
        "FilingDelivery": FILING_DELIVERIES,
        "FilingAct": FILING_ACTS,
        "RoundPhase": ROUND_PHASES,
        "TieBreak": TIE_BREAKS,
        "ScorePart": SCORE_PARTS,
        "Document": DOCUMENTS,
    }
)

KINDS: Final[tuple[str, ...]] = tuple(_KINDS)


def _index() -> Mapping[str, tuple[str, ...]]:
    """Plain value -> its distinct labels across all kinds (more than one: the bare value is ambiguous)."""
    found: dict[str, list[str]] = {}
    for table in _KINDS.values():
        for value, text in table.items():
            labels = found.setdefault(value, [])
            if text not in labels:
                labels.append(text)
    return MappingProxyType({k: tuple(v) for k, v in found.items()})


_ANY: Final[Mapping[str, tuple[str, ...]]] = _index()


# Other programs' institution types (programs/), learnt from their definitions as they are read (services/programs.py
# program_of, at each process's start and with each version read): their keys are not InstitutionType's.
_OTHER_TYPES: dict[str, str] = {}


def learn_type_labels(labels: Mapping[str, str]) -> None:
    """Another program's type keys and their Chinese (the first program's six keep theirs)."""
    _OTHER_TYPES.update({k: v for k, v in labels.items() if k not in _KINDS["InstitutionType"]})


def type_label(kind: InstitutionType | str) -> str:
    """An institution type's Chinese: the first program's, or another program's as its definition says."""
    key = kind.value if isinstance(kind, InstitutionType) else kind
    return _KINDS["InstitutionType"].get(key) or _OTHER_TYPES.get(key) or "其他机构类型"


def label(value: Enum | str, *, kind: str | None = None) -> str:
    """The Chinese a user sees for ``value``: an enum member, or a plain value string.

    An enum member is looked up in the table of its class (by class name); a plain string in the table named by
    ``kind`` (one of :data:`KINDS`), or else in all tables, where it must have exactly one label. Anything
    unknown or ambiguous raises ``KeyError``: the English value is never shown instead.
    """
    if isinstance(value, Enum):
        name = kind or type(value).__name__
        table = _KINDS.get(name)
        if table is None:
            raise KeyError(f"no labels for enum {name!r} (value {value.value!r})")
        key = value.value
        if not isinstance(key, str) or key not in table:
            raise KeyError(f"no label for {name}.{value.name}")
        return table[key]
    if not isinstance(value, str):  # callers outside mypy's reach
        raise KeyError(f"no label for {value!r}")
    if kind is not None:
        table = _KINDS.get(kind)
        if table is None:
            raise KeyError(f"unknown kind {kind!r}; kinds are {', '.join(KINDS)}")
        if value not in table:
            if kind == "InstitutionType" and value in _OTHER_TYPES:
                return _OTHER_TYPES[value]
            raise KeyError(f"no {kind} label for {value!r}")
        return table[value]
    labels = _ANY.get(value)
    if not labels and value in _OTHER_TYPES:
        return _OTHER_TYPES[value]
    if not labels:
        raise KeyError(f"no label for {value!r}")
    if len(labels) > 1:
        raise KeyError(f"{value!r} is ambiguous ({' / '.join(labels)}): pass the enum member or kind=")
    return labels[0]


def choices(kind: type[Enum] | str) -> list[tuple[str, str]]:
    """``(value, label)`` pairs of one kind in its defined order, for a form's ``<select>``."""
    name = kind if isinstance(kind, str) else kind.__name__
    table = _KINDS.get(name)
    if table is None:
        raise KeyError(f"no labels for {name!r}")
    if isinstance(kind, str):
        return list(table.items())
    return [(m.value, table[m.value]) for m in kind]


def level_title(level: Level, *, full: bool = False) -> str:
    """县级标杆机构 / 市级标杆机构; ``full``: 县级就业服务质量标杆机构 / 市级就业服务质量标杆机构."""
    return (LEVEL_FULL_TITLES if full else LEVEL_TITLES)[level]


def department_label(department: Department, level: Level) -> str:
    """The department's short name at ``level``: the city's 发展改革委, a county's 发展改革局."""
    return DEPARTMENTS_BY_LEVEL[level][department]


def organ_name(department: Department, level: Level, county: str | None = None, *, city: str | None = None) -> str:
    """The organ's full name: 临沂市发展和改革委员会 (city), 兰山区发展和改革局 (county ``兰山区``).

    A county-level organ needs its county (one of the city's counties: ``state.domain.COUNTIES`` for the
    deployment's city); a city-level one takes none. ``city``: another city of the region files (default: ours).
    """
    where = region_city(city)
    if level == Level.city:
        if county is not None:
            raise ValueError(f"a city-level organ has no county (got {county!r})")
        return where.organs()[department.value].name
    found = where.county(county) if county is not None else None
    if found is None:
        raise ValueError(f"a county-level organ needs one of the city's counties, not {county!r}")
    return found.organs()[department.value].name


def issuing_organs(
    level: Level, county: str | None = None, *, city: str | None = None, departments: Sequence[Department] = ()
) -> tuple[str, ...]:
    """The joint issuers' full names, lead organ first (联合行文): the three, or a program's ``departments``."""
    return tuple(organ_name(d, level, county, city=city) for d in (departments or DEPARTMENT_ORDER))


# Whom a joint document is addressed to (主送机关), by the level that issues it.
ADDRESSEES: Final[Mapping[Level, str]] = MappingProxyType(
    {Level.city: "各县区人力资源社会保障局、发展改革局、民政局：", Level.county: "各乡镇（街道）、各有关单位："}
)
_COUNTY_DEPARTMENTS = {
    Department.hrss: "人力资源社会保障局",
    Department.drc: "发展改革局",
    Department.civil_affairs: "民政局",
}


def addressees(level: Level, departments: Sequence[Department] = ()) -> str:
    """A joint document's 主送机关: a city-level one of a program issued by some departments only goes to the
    counties' same departments."""
    if not departments or level == Level.county:
        return ADDRESSEES[level]
    return f"各县区{'、'.join(_COUNTY_DEPARTMENTS[d] for d in departments)}："


def step_label(stage: Stage) -> str:
    """The procedure's step that ``stage`` reaches (申报 … 授牌), or where it ended (驳回, 撤回, 撤销)."""
    return STEPS[stage]


def task_label(act: Act) -> str:
    """The task ``act`` belongs to, as a to-do list names it: 县级审核 for both its pass and its fail."""
    return TASKS[act]


def rule_text(guard: str) -> str:
    """The machine's rule a guard enforces (see state/machine.py), for a refusal's ``[rule: …]``."""
    return RULES[guard]
