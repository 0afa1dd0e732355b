"""The machine alone: every transition, every refusal, and the guards that enforce the notice's rules."""

from datetime import datetime, timedelta, timezone

import pytest
from statemachine.exceptions import TransitionNotAllowed

from state.authority import authority_refused, separation_refused
from state.domain import (
    Act,
    Actor,
    Department,
    Level,
    Role,
    Stage,
    authority_refusal,
    role_for,
    separation_refusal,
)
from state.machine import FINAL_STAGES, ApplicationFacts, ApplicationMachine, Procedure

NOW = datetime(2026, 5, 6, 10, tzinfo=timezone(timedelta(hours=8)))


def allowed_acts(f: ApplicationFacts, department: Department | None = None) -> list[Act]:
    return Procedure(f).allowed(department)


def refusal(f: ApplicationFacts, act: Act, department: Department | None = None) -> str | None:
    return Procedure(f).refusal(act, department)


def apply(f: ApplicationFacts, act: Act, department: Department | None = None) -> Stage:
    return Procedure(f).apply(act, department)


def facts(level: Level, state: Stage, **kw) -> ApplicationFacts:
    return ApplicationFacts(level=level, state=state, now=NOW, **kw)


def publicized(level=Level.city, open_=True, **kw) -> ApplicationFacts:
    ends = NOW + timedelta(days=2) if open_ else NOW - timedelta(seconds=1)
    return facts(level, Stage.publicized, notice_ends_at=ends, **kw)


@pytest.mark.parametrize(
    "level,state,act,after",
    [
        (Level.city, Stage.declared, Act.county_review_pass, Stage.county_reviewed),
        (Level.county, Stage.declared, Act.county_review_pass, Stage.county_reviewed),
        (Level.city, Stage.declared, Act.county_review_fail, Stage.rejected),
        (Level.city, Stage.county_reviewed, Act.city_review_pass, Stage.city_reviewed),
        (Level.city, Stage.county_reviewed, Act.city_review_fail, Stage.rejected),
        (Level.city, Stage.city_reviewed, Act.publicize, Stage.publicized),
        (Level.county, Stage.county_reviewed, Act.publicize, Stage.publicized),
        (Level.city, Stage.announced, Act.award, Stage.plaque_awarded),
        (Level.city, Stage.announced, Act.revoke, Stage.revoked),
        (Level.county, Stage.plaque_awarded, Act.revoke, Stage.revoked),
        (Level.city, Stage.declared, Act.withdraw, Stage.withdrawn),
        (Level.city, Stage.county_reviewed, Act.withdraw, Stage.withdrawn),
        (Level.city, Stage.city_reviewed, Act.withdraw, Stage.withdrawn),
    ],
)
def test_each_transition_moves_to_its_state(level, state, act, after):
    f = facts(level, state, selected_in_round=True)
    assert apply(f, act) == after
    assert f.state == after


@pytest.mark.parametrize(
    "level,state,act",
    [
        (Level.county, Stage.county_reviewed, Act.city_review_pass),  # county level skips the city review
        (Level.county, Stage.county_reviewed, Act.city_review_fail),
        (Level.city, Stage.county_reviewed, Act.publicize),  # city level must pass the city review first
        (Level.city, Stage.declared, Act.publicize),
        (Level.city, Stage.declared, Act.award),
        (Level.city, Stage.city_reviewed, Act.co_sign),
        (Level.city, Stage.declared, Act.revoke),  # only held titles can be revoked
        (Level.city, Stage.city_reviewed, Act.revoke),
        (Level.city, Stage.announced, Act.withdraw),
        (Level.city, Stage.plaque_awarded, Act.award),
    ],
)
def test_refused_acts_name_the_state_and_the_allowed_acts(level, state, act):
    f = facts(level, state)
    why = refusal(f, act)
    assert why is not None
    assert f"state {state.value!r}" in why
    for allowed in allowed_acts(f):
        assert allowed.value in why
    with pytest.raises(TransitionNotAllowed):
        apply(f, act)
    assert f.state == state  # a refusal changes nothing


@pytest.mark.parametrize("final", [Stage.rejected, Stage.withdrawn, Stage.revoked])
def test_final_states_allow_nothing(final):
    f = facts(Level.city, final)
    assert allowed_acts(f) == []
    assert refusal(f, Act.withdraw) == f"act 'withdraw' is not allowed in state {final.value!r}; allowed now: none"


def test_objections_only_while_the_notice_runs():
    open_ = publicized(open_=True)
    assert Act.lodge_objection in allowed_acts(open_)
    assert Act.close_notice not in allowed_acts(open_)
    closed = publicized(open_=False)
    assert Act.lodge_objection not in allowed_acts(closed)
    assert Act.close_notice in allowed_acts(closed)


def test_an_objection_keeps_the_notice_open_until_it_is_answered():
    f = publicized(open_=True)
    apply(f, Act.lodge_objection)
    assert f.pending_objections == 1 and f.state == Stage.publicized
    f.now = f.notice_ends_at + timedelta(hours=1)  # the period is over, but the objection is pending
    assert Act.close_notice not in allowed_acts(f)
    assert set(allowed_acts(f)) >= {Act.dismiss_objection, Act.uphold_objection}
    apply(f, Act.dismiss_objection)
    assert f.pending_objections == 0
    assert Act.close_notice in allowed_acts(f)
    apply(f, Act.close_notice)
    assert f.notice_closed and f.state == Stage.publicized
    assert Act.close_notice not in allowed_acts(f)  # closes once


def test_upheld_objection_rejects():
    f = publicized()
    apply(f, Act.lodge_objection)
    assert apply(f, Act.uphold_objection) == Stage.rejected


def test_findings_need_a_pending_objection():
    f = publicized()
    assert refusal(f, Act.dismiss_objection) is not None
    assert refusal(f, Act.uphold_objection) is not None


@pytest.mark.parametrize(
    "order", [list(Department), list(reversed(Department)), [Department.drc, Department.hrss, Department.civil_affairs]]
)
def test_three_departments_co_sign_in_any_order(order):
    f = publicized(open_=False, notice_closed=True)
    for i, d in enumerate(order):
        assert refusal(f, Act.co_sign, d) is None
        state = apply(f, Act.co_sign, d)
        assert state == (Stage.announced if i == 2 else Stage.publicized)
    assert f.signed_departments == set(Department)


def test_a_department_signs_once_and_only_after_the_notice_closed():
    f = publicized(open_=False)
    assert refusal(f, Act.co_sign, Department.hrss) is not None  # notice not yet closed
    f.notice_closed = True
    apply(f, Act.co_sign, Department.hrss)
    assert refusal(f, Act.co_sign, Department.hrss) is not None
    with pytest.raises(TransitionNotAllowed):
        apply(f, Act.co_sign, Department.hrss)
    assert f.signed_departments == {Department.hrss}


def test_no_withdrawal_once_the_notice_closed():
    f = publicized(open_=False)
    assert Act.withdraw in allowed_acts(f)
    f.notice_closed = True
    assert Act.withdraw not in allowed_acts(f)


def test_machine_states_are_the_shared_stage_enum():
    assert {s.value for s in ApplicationMachine.states} == set(Stage)
    assert {s.value for s in ApplicationMachine.final_states} == {Stage.rejected, Stage.withdrawn, Stage.revoked}
    assert {Stage.rejected, Stage.withdrawn, Stage.revoked} == FINAL_STAGES


def test_every_machine_event_is_an_act():
    assert {e.id for e in ApplicationMachine.events} <= {a.value for a in Act}


def test_roles_follow_the_level_owner():
    assert role_for(Act.publicize, Level.county) == Role.county_bureau
    assert role_for(Act.publicize, Level.city) == Role.city_reviewer
    assert role_for(Act.award, Level.city) == Role.city_reviewer
    assert role_for(Act.revoke, Level.city) == Role.inspector


def test_authority_is_scoped_to_county_and_department():
    own = Actor("u1", "n", Role.county_bureau, county="兰山区")
    other = Actor("u2", "n", Role.county_bureau, county="罗庄区")
    assert authority_refusal(Act.county_review_pass, own, Level.city, "兰山区") is None
    assert authority_refusal(Act.county_review_pass, other, Level.city, "兰山区") == (
        "“县级审核通过”由兰山区人社局办理，当前账号属于罗庄区人社局"
    )
    wrong_role = authority_refused(Act.city_review_pass, own, Level.city, "兰山区")
    assert wrong_role is not None and wrong_role.code == "act_for_role"
    assert (wrong_role.facts["required_role"], wrong_role.facts["role"]) == ("city_reviewer", "county_bureau")
    assert wrong_role.text == "市级申请的“市级评审通过”由市人社局评审办理，当前账号为县区人社局"
    city_hrss = Actor("d1", "n", Role.department, department=Department.hrss)
    county_hrss = Actor("d2", "n", Role.department, county="兰山区", department=Department.hrss)
    assert authority_refusal(Act.co_sign, city_hrss, Level.city, "兰山区") is None
    assert authority_refusal(Act.co_sign, county_hrss, Level.city, "兰山区") == "市级申请的公布文件由市的三个部门会签"
    assert authority_refusal(Act.co_sign, county_hrss, Level.county, "兰山区") is None
    no_department = authority_refused(Act.co_sign, Actor("d3", "n", Role.department), Level.city, "兰山区")
    assert no_department is not None and no_department.code == "co_sign_needs_department"
    assert no_department.text == authority_refusal(Act.co_sign, Actor("d3", "n", Role.department), Level.city, "兰山区")


def test_the_declarer_may_not_review_its_own_declaration():
    declarer = Actor("u1", "张科员", Role.county_bureau, county="兰山区")
    colleague = Actor("u2", "李科员", Role.county_bureau, county="兰山区")
    said = separation_refused(Act.county_review_pass, declarer, "u1")
    assert said is not None and said.code == "separation_of_duties" and said.facts["act"] == "county_review_pass"
    assert separation_refusal(Act.county_review_pass, declarer, "u1") == (
        "职责分离：申报人（张科员）不能对本人申报的申请作县级审核，请由本局其他工作人员办理"
    )
    assert separation_refused(Act.county_review_pass, colleague, "u1") is None
    assert separation_refused(Act.withdraw, declarer, "u1") is None  # not a separated act


def test_scoring_belongs_to_the_review_stage_of_the_level():
    assert Act.score in allowed_acts(facts(Level.county, Stage.declared))
    assert Act.score not in allowed_acts(facts(Level.city, Stage.declared))
    assert Act.score in allowed_acts(facts(Level.city, Stage.county_reviewed))
    assert Act.score not in allowed_acts(facts(Level.county, Stage.county_reviewed))
    f = facts(Level.city, Stage.county_reviewed)
    assert apply(f, Act.score) == Stage.county_reviewed


def test_a_refusal_names_the_rule_the_machine_enforces():
    signed = facts(Level.city, Stage.publicized, notice_closed=True, signed_departments={Department.hrss})
    why = refusal(signed, Act.co_sign, Department.hrss) or ""
    assert "[rule: department_not_yet_signed]" in why and "already co-signed" in why
    county = facts(Level.county, Stage.county_reviewed)
    assert "[rule: is_city_level]" in (refusal(county, Act.city_review_pass) or "")
    assert "[rule:" not in (refusal(county, Act.award) or "")  # no transition at all: no rule to name


def test_a_city_level_candidate_passes_the_city_review_only_as_its_rounds_selection():
    alone = facts(Level.city, Stage.county_reviewed)
    assert Act.city_review_pass not in allowed_acts(alone)
    assert Act.city_review_fail in allowed_acts(alone)  # an ineligible candidate may still be failed alone
    why = refusal(alone, Act.city_review_pass) or ""
    assert "[rule: selected_in_round]" in why and "round's selection" in why
    with pytest.raises(TransitionNotAllowed):
        apply(alone, Act.city_review_pass)
    chosen = facts(Level.city, Stage.county_reviewed, selected_in_round=True)
    assert Act.city_review_pass in allowed_acts(chosen)
    assert apply(chosen, Act.city_review_pass) == Stage.city_reviewed


def test_a_county_review_passes_only_when_the_countys_drc_and_civil_affairs_agree():
    agreed = {Department.drc: True, Department.civil_affairs: True}
    for level in Level:
        waiting = facts(level, Stage.declared, opinions_required=True)
        assert Act.county_review_pass not in allowed_acts(waiting)
        assert {Act.county_review_fail, Act.county_request_correction} <= set(allowed_acts(waiting))  # still open
        why = refusal(waiting, Act.county_review_pass) or ""
        assert "[rule: county_departments_agree]" in why and "both agreed" in why
        assert Procedure(waiting).broken_rule(Act.county_review_pass) == "county_departments_agree"
        with pytest.raises(TransitionNotAllowed):
            apply(waiting, Act.county_review_pass)
        for opinions in ({Department.drc: True}, {Department.drc: True, Department.civil_affairs: False}):
            partly = facts(level, Stage.declared, opinions_required=True, county_opinions=opinions)
            assert Act.county_review_pass not in allowed_acts(partly)
        both = facts(level, Stage.declared, opinions_required=True, county_opinions=dict(agreed))
        assert apply(both, Act.county_review_pass) == Stage.county_reviewed
        before_the_rule = facts(level, Stage.declared)  # declared before it: no opinions needed
        assert Act.county_review_pass in allowed_acts(before_the_rule)


def test_applications_share_machines_but_never_facts():
    """No machine is kept per application (state.machine._borrowed lends shared ones): acts on one application,
    interleaved with another's, leave the other's facts as they were, and a machine that ended an application
    (final state: its engine stops) or refused an act is not lent again."""
    a, b = publicized(open_=False, notice_closed=True), publicized(open_=False, notice_closed=True)
    pa, pb = Procedure(a), Procedure(b)
    assert not hasattr(pa, "machine")
    pa.apply(Act.co_sign, Department.hrss)
    pb.apply(Act.co_sign, Department.drc)
    pa.apply(Act.co_sign, Department.civil_affairs)
    assert (a.signed_departments, b.signed_departments) == (
        {Department.hrss, Department.civil_affairs},
        {Department.drc},
    )
    assert pb.refusal(Act.co_sign, Department.drc) is not None and pb.refusal(Act.co_sign, Department.hrss) is None
    with pytest.raises(TransitionNotAllowed):
        pb.apply(Act.co_sign, Department.drc)
    assert b.signed_departments == {Department.drc} and b.state == Stage.publicized
    assert pa.apply(Act.co_sign, Department.drc) == Stage.announced
    assert pa.apply(Act.award) == Stage.plaque_awarded
    assert pa.apply(Act.revoke) == Stage.revoked  # final: that machine is dropped
    c = facts(Level.county, Stage.declared)
    assert Procedure(c).apply(Act.county_review_pass) == Stage.county_reviewed
    assert Procedure(c).allowed() == allowed_acts(facts(Level.county, Stage.county_reviewed))
    assert a.state == Stage.revoked and Procedure(a).allowed() == []
