"""Every word a user sees has its Chinese label (state/labels.py), and nothing falls back to English."""

import re
from enum import Enum

import pytest

from state import domain
from state.domain import COUNTIES, Act, Department, Level, RevocationReason, Stage
from state.labels import (
    FILING_STATES,
    KINDS,
    REFUSAL_KINDS,
    REVOCATION_REASONS,
    STAGES,
    choices,
    department_label,
    issuing_organs,
    label,
    level_title,
    organ_name,
)

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
ASCII_LETTER = re.compile(r"[A-Za-z]")

DOMAIN_ENUMS = [
    v for v in vars(domain).values() if isinstance(v, type) and issubclass(v, Enum) and v.__module__ == domain.__name__
]


def assert_chinese(text: str) -> None:
    assert text and text.strip() == text
    assert CJK.search(text), text
    assert not ASCII_LETTER.search(text), text


def test_every_enum_of_the_domain_is_covered() -> None:
    names = {e.__name__ for e in DOMAIN_ENUMS}
    assert names == {"Stage", "Act", "Level", "InstitutionType", "Role", "Department", "RevocationReason"}
    assert names <= set(KINDS)


@pytest.mark.parametrize("member", [m for e in DOMAIN_ENUMS for m in e], ids=lambda m: f"{type(m).__name__}.{m.name}")
def test_every_member_has_a_chinese_label(member: Enum) -> None:
    text = label(member)
    assert_chinese(text)
    assert label(member.value, kind=type(member).__name__) == text


@pytest.mark.parametrize("kind", KINDS)
def test_every_label_of_every_kind_is_chinese(kind: str) -> None:
    pairs = choices(kind)
    assert pairs
    for value, text in pairs:
        assert_chinese(text)
        assert label(value, kind=kind) == text


def test_notice_words() -> None:
    assert [label(s) for s in Stage] == [
        "已申报",
        "县级审核通过",
        "市级评审通过",
        "公示中",
        "已公布",
        "已授牌",
        "已撤销",
        "未通过",
        "已撤回",
        "退回补正",
    ]
    assert STAGES[Stage.returned] == STAGES["returned"] == "退回补正"
    assert label(Act.uphold_objection) == "异议调查核实（属实）"
    assert label(Act.dismiss_objection) == "异议调查核实（不属实）"
    assert [REVOCATION_REASONS[r] for r in RevocationReason] == [
        "申报材料虚假失实",
        "机构注销",
        "发生违法违规违纪问题",
        "就业服务工作被证实达不到标准",
        "产生其他应当撤销评定的情形",
    ]
    assert (label(Level.county), label(Level.city)) == ("县级", "市级")
    assert (level_title(Level.county), level_title(Level.city)) == ("县级标杆机构", "市级标杆机构")
    assert level_title(Level.city, full=True) == "市级就业服务质量标杆机构"
    assert (department_label(Department.drc, Level.city), department_label(Department.drc, Level.county)) == (
        "发展改革委",
        "发展改革局",
    )
    assert REFUSAL_KINDS["ActNotAllowed"] == "当前状态不允许此操作"
    assert [FILING_STATES[s] for s in ("open", "overdue", "filed_on_time", "filed_late")] == [
        "待备案",
        "已逾期",
        "按时备案",
        "逾期备案",
    ]


def test_plain_values_and_other_enums_by_class_name() -> None:
    assert label("publicized") == "公示中"
    assert label("Forbidden") == "无权办理"
    assert label("filed_late") == "逾期备案"

    class FilingState(str, Enum):  # the workflows' enum, found by its class name
        overdue = "overdue"

    assert label(FilingState.overdue) == "已逾期"


@pytest.mark.parametrize("value", ["no_such_value", "", "Declared", "已申报"])
def test_unknown_values_raise(value: str) -> None:
    with pytest.raises(KeyError):
        label(value)


def test_unknown_enums_and_kinds_raise() -> None:
    class Colour(Enum):
        red = "red"

    class Stage2(str, Enum):
        declared = "declared"

    with pytest.raises(KeyError):
        label(Colour.red)
    with pytest.raises(KeyError):
        label(Stage2.declared)  # an enum without a table, even if a value looks familiar
    with pytest.raises(KeyError):
        label("declared", kind="Act")
    with pytest.raises(KeyError):
        label("declared", kind="NoSuchKind")
    with pytest.raises(KeyError):
        label("open")  # ambiguous: a filing (待备案) or a round (申报中)
    assert label("open", kind="FilingState") == "待备案"
    assert label("open", kind="RoundPhase") == "申报中"


def test_organ_names() -> None:
    assert issuing_organs(Level.city) == ("临沂市人力资源和社会保障局", "临沂市发展和改革委员会", "临沂市民政局")
    assert issuing_organs(Level.county, "兰山区") == (
        "兰山区人力资源和社会保障局",
        "兰山区发展和改革局",
        "兰山区民政局",
    )
    assert organ_name(Department.drc, Level.city) == "临沂市发展和改革委员会"
    assert organ_name(Department.hrss, Level.county, "费县") == "费县人力资源和社会保障局"
    for county in COUNTIES:
        assert all(name.startswith(county) for name in issuing_organs(Level.county, county))


def test_organ_name_needs_the_right_place() -> None:
    with pytest.raises(ValueError):
        organ_name(Department.hrss, Level.county)
    with pytest.raises(ValueError):
        organ_name(Department.hrss, Level.county, "济南市")
    with pytest.raises(ValueError):
        organ_name(Department.hrss, Level.city, "兰山区")


def test_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        STAGES[Stage.declared] = "declared"  # type: ignore[index]


def test_steps_tasks_and_rules_are_chinese_and_complete() -> None:
    from state.labels import RULES, STEPS, TASKS
    from state.machine import ApplicationMachine

    guards = {str(c).lstrip("!") for s in ApplicationMachine.states for t in s.transitions for c in t.cond}
    assert [STEPS[s] for s in Stage][:6] == ["申报", "县级审核", "市级评审", "公示", "公布", "授牌"]
    assert set(STEPS) == set(Stage) and set(TASKS) == set(Act) and set(RULES) == guards
    for text in (*STEPS.values(), *TASKS.values(), *RULES.values()):
        assert_chinese(text)
