"""The evaluation procedure (评定程序) as one declared state machine: the single source of what is allowed.

The machine's model is an :class:`ApplicationFacts`, which the workflow keeps (and so Temporal keeps it
durably); :class:`Procedure` binds one machine to one application's facts for the workflow's lifetime. The
machine answers "when": which acts are allowed now, why one is refused (the guard it breaks, named after the
rule), and which states are final.
"""

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime

from statemachine import StateMachine
from statemachine.states import States

from state.domain import Act, Department, Level, Stage

# The county departments whose opinion a declaration needs (会商); HRSS is the declaring bureau itself.
CONSULTED_DEPARTMENTS: tuple[Department, ...] = (Department.drc, Department.civil_affairs)


@dataclass
class ApplicationFacts:
    """What the guards need to know. ``state`` is written by the machine itself."""

    level: Level
    state: Stage = Stage.declared
    now: datetime | None = None
    notice_ends_at: datetime | None = None
    notice_closed: bool = False
    pending_objections: int = 0
    signed_departments: set[Department] = field(default_factory=set)
    returned_from: Stage | None = None  # the review that returned it for correction (退回补正)
    selected_in_round: bool = False  # its round's competitive selection chose it (择优确定), for the act at hand
    # 会商: the county's DRC and civil-affairs departments' latest opinions (True: 同意), and whether the rule
    # applies (applications declared before it pass the county review without them).
    county_opinions: dict[Department, bool] = field(default_factory=dict)
    opinions_required: bool = False


class ApplicationMachine(StateMachine):
    """Declared -> reviewed -> publicized -> announced -> plaque awarded, with refusals at each step."""

    s = States.from_enum(
        Stage,
        initial=Stage.declared,
        final=[Stage.rejected, Stage.withdrawn, Stage.revoked],
        use_enum_instance=True,
    )

    county_review_pass = s.declared.to(s.county_reviewed, cond="county_departments_agree")
    county_review_fail = s.declared.to(s.rejected)
    city_review_pass = s.county_reviewed.to(s.city_reviewed, cond=["is_city_level", "selected_in_round"])
    city_review_fail = s.county_reviewed.to(s.rejected, cond="is_city_level")
    publicize = s.county_reviewed.to(s.publicized, cond="is_county_level") | s.city_reviewed.to(s.publicized)
    score = s.declared.to.itself(internal=True, cond="is_county_level") | s.county_reviewed.to.itself(
        internal=True, cond="is_city_level"
    )
    lodge_objection = s.publicized.to.itself(internal=True, cond="notice_window_open")
    dismiss_objection = s.publicized.to.itself(internal=True, cond="objection_pending")
    uphold_objection = s.publicized.to(s.rejected, cond="objection_pending")
    close_notice = s.publicized.to.itself(
        internal=True, cond=["notice_period_over", "no_objection_pending"], unless="notice_is_closed"
    )
    co_sign = s.publicized.to(
        s.announced, cond=["notice_is_closed", "department_not_yet_signed", "completes_joint_signature"]
    ) | s.publicized.to.itself(internal=True, cond=["notice_is_closed", "department_not_yet_signed"])
    # 批次公布: the batch's joint document, once its three departments have signed, announces each application in it.
    announce = s.publicized.to(s.announced, cond="notice_is_closed")
    award = s.announced.to(s.plaque_awarded)
    revoke = s.announced.to(s.revoked) | s.plaque_awarded.to(s.revoked)
    withdraw = (
        s.declared.to(s.withdrawn)
        | s.county_reviewed.to(s.withdrawn)
        | s.city_reviewed.to(s.withdrawn)
        | s.publicized.to(s.withdrawn, unless="notice_is_closed")
        | s.returned.to(s.withdrawn)
    )
    # 退回补正: a review sends the declaration back to the declaring county, which corrects and resubmits it to
    # the same review, or lets the time run out (withdrawn).
    county_request_correction = s.declared.to(s.returned)
    city_request_correction = s.county_reviewed.to(s.returned, cond="is_city_level")
    resubmit = s.returned.to(s.declared, cond="returned_by_county") | s.returned.to(
        s.county_reviewed, cond="returned_by_city"
    )
    lapse_correction = s.returned.to(s.withdrawn)

    # Actions: the machine keeps the facts its guards read.
    def on_lodge_objection(self) -> None:
        self.model.pending_objections += 1

    def on_dismiss_objection(self) -> None:
        self.model.pending_objections -= 1

    def on_uphold_objection(self) -> None:
        self.model.pending_objections -= 1

    def on_county_request_correction(self) -> None:
        self.model.returned_from = Stage.declared

    def on_city_request_correction(self) -> None:
        self.model.returned_from = Stage.county_reviewed

    def on_close_notice(self) -> None:
        self.model.notice_closed = True

    def on_co_sign(self, department: Department | None = None) -> None:
        assert department is not None
        self.model.signed_departments.add(department)

    @property
    def facts(self) -> ApplicationFacts:
        facts: ApplicationFacts = self.model
        return facts

    # Guards, named after the rule they enforce.
    def is_city_level(self) -> bool:
        """City-level applications pass a city review; county-level ones go straight to the notice."""
        return self.facts.level == Level.city

    def is_county_level(self) -> bool:
        return self.facts.level == Level.county

    def selected_in_round(self) -> bool:
        """A city-level candidate passes the city review only as its round's selection (择优确定), never alone.

        The notice: 采取书面评审、现场答辩或实地考察等方式组织竞争性评审，择优确定."""
        return self.facts.selected_in_round

    def county_departments_agree(self) -> bool:
        """The county review passes only when the county's DRC and civil affairs have both agreed (会商).

        The notice: 由各县区人力资源社会保障部门商发展改革、民政部门共同组织申报. Applications declared before the rule
        (``opinions_required`` False) pass without them."""
        f = self.facts
        return not f.opinions_required or all(f.county_opinions.get(d) is True for d in CONSULTED_DEPARTMENTS)

    def returned_by_county(self) -> bool:
        """A corrected declaration goes back to the review that returned it: the county's."""
        return self.facts.returned_from == Stage.declared

    def returned_by_city(self) -> bool:
        """A corrected declaration goes back to the review that returned it: the city's."""
        return self.facts.returned_from == Stage.county_reviewed

    def notice_window_open(self) -> bool:
        """Objections are accepted only while the notice runs."""
        f = self.facts
        return f.notice_ends_at is not None and f.now is not None and f.now < f.notice_ends_at

    def notice_period_over(self) -> bool:
        f = self.facts
        return f.notice_ends_at is not None and f.now is not None and f.now >= f.notice_ends_at

    def objection_pending(self) -> bool:
        return self.facts.pending_objections > 0

    def no_objection_pending(self) -> bool:
        """The notice closes only when every objection has been investigated."""
        return self.facts.pending_objections == 0

    def notice_is_closed(self) -> bool:
        return self.facts.notice_closed

    def department_not_yet_signed(self, department: Department | None = None) -> bool:
        """Each of the three departments signs once: this department has already co-signed."""
        return department is not None and department not in self.facts.signed_departments

    def completes_joint_signature(self, department: Department | None = None) -> bool:
        """HRSS, DRC and civil affairs announce jointly: the third signature announces."""
        return set(Department) == self.facts.signed_departments | {department}


FINAL_STAGES: frozenset[Stage] = frozenset(Stage(s.value) for s in ApplicationMachine.final_states)


class Procedure:
    """The machine's answers for one application's facts.

    A machine is costly to build (~2 ms) and to keep (~60 KiB: its callback registry, dispatcher and state
    objects), and a worker keeps a workflow, with its facts, for every cached application. So no machine is kept
    per application: each question borrows one of a few shared machines (:func:`_borrowed`), whose own model is
    loaded with these facts for the question and written back after an act. The machine's answers are a pure
    function of the facts, so borrowing changes none of them."""

    def __init__(self, facts: ApplicationFacts):
        self.facts = facts

    def allowed(self, department: Department | None = None) -> list[Act]:
        """The acts the machine would accept now (guards evaluated), in declaration order.

        A pure function of the state and the guards' answers, so it is asked of the machine once per distinct
        situation and remembered (asking the machine is the costly part)."""
        with _borrowed(self.facts) as m:
            key = (self.facts.state, tuple(_holds(m, g, department) for g in _GUARDS))
            acts = _ALLOWED.get(key)
            if acts is None:
                acts = _ALLOWED[key] = tuple(Act(e.id) for e in m.enabled_events(department=department))
        return list(acts)

    def refusal(self, act: Act, department: Department | None = None) -> str | None:
        """Why the machine refuses ``act`` now, naming the current state, the rule broken and the acts allowed;
        None if allowed."""
        allowed = self.allowed(department)
        if act in allowed:
            return None
        names = ", ".join(a.value for a in allowed) or "none"
        rule = self.broken_rule(act, department)
        because = f": {_rule_text(rule)} [rule: {rule}]" if rule else ""
        return f"act {act.value!r} is not allowed in state {self.facts.state.value!r}{because}; allowed now: {names}"

    def broken_rule(self, act: Act, department: Department | None = None) -> str | None:
        """The guard that stops ``act`` from the current state (of the transition that came nearest to being
        taken); None when no transition for ``act`` leaves this state at all."""
        nearest: tuple[int, str] | None = None
        state = ApplicationMachine.states_map[self.facts.state]
        with _borrowed(self.facts) as m:
            for transition in state.transitions:
                if transition.event != act.value:
                    continue
                for passed, spec in enumerate(str(c) for c in transition.cond):
                    if not _holds(m, spec, department):
                        if nearest is None or passed > nearest[0]:
                            nearest = (passed, spec.lstrip("!"))
                        break
        return nearest[1] if nearest else None

    def apply(self, act: Act, department: Department | None = None) -> Stage:
        """Perform ``act`` (the machine writes the new state and the facts its actions keep) and return the new
        stage."""
        with _borrowed(self.facts, write_back=True) as m:
            m.send(act.value, department=department)
        return self.facts.state


_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ApplicationFacts))
_IDLE: list[ApplicationMachine] = []  # machines not lent out; as many as questions were ever asked at once


@contextmanager
def _borrowed(facts: ApplicationFacts, write_back: bool = False) -> Iterator[ApplicationMachine]:
    """A shared machine whose model holds a copy of ``facts`` (the same values: its set of signatures is the
    very set of ``facts``); with ``write_back``, the model's facts are copied back into ``facts`` afterwards.

    The question runs without yielding (python-statemachine's sync engine), so a machine is lent to one caller
    at a time: workflow tasks of different applications running on other threads take other machines
    (``list.pop`` and ``append`` are atomic). A machine that raised, or reached a final state (its engine then
    stops), is dropped, not lent again."""
    try:
        machine = _IDLE.pop()
    except IndexError:
        machine = ApplicationMachine(model=ApplicationFacts(level=Level.city))
    model = machine.model
    for name in _FIELDS:
        setattr(model, name, getattr(facts, name))
    yield machine
    if write_back:
        for name in _FIELDS:
            setattr(facts, name, getattr(model, name))
    if machine.is_terminated:  # it reached a final state: its engine takes no more events
        return
    model.signed_departments = set()  # it keeps no application's facts while idle
    model.county_opinions = {}
    model.now = model.notice_ends_at = None
    _IDLE.append(machine)


def _holds(machine: ApplicationMachine, spec: str, department: Department | None) -> bool:
    name = spec.lstrip("!")
    guard = getattr(machine, name)
    answer = guard(department=department) if name in _TAKES_DEPARTMENT else guard()
    return bool(answer) != spec.startswith("!")


_GUARDS: tuple[str, ...] = tuple(
    sorted({str(c).lstrip("!") for s in ApplicationMachine.states for t in s.transitions for c in t.cond})
)
_TAKES_DEPARTMENT = frozenset(
    g for g in _GUARDS if "department" in inspect.signature(getattr(ApplicationMachine, g)).parameters
)
_ALLOWED: dict[tuple[Stage, tuple[bool, ...]], tuple[Act, ...]] = {}


def _rule_text(guard: str) -> str:
    doc = inspect.getdoc(getattr(ApplicationMachine, guard)) or guard
    return doc.splitlines()[0]
