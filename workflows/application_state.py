"""ApplicationWorkflow's state, in one place: what its rules check (workflows/application_rules.py), what its acts
change (workflows/application_effects.py) and what its query shows.

Only data: the workflow holds one ``ApplicationState`` and passes it to the modules of functions that check and
act on it. Nothing here is sent anywhere, so it may change shape freely (a replay rebuilds it from the history).
"""

from dataclasses import dataclass, field
from datetime import date

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.application import (
        ActRecord,
        Declaration,
        Institution,
        NoticeWindow,
        Objection,
        ScoreSheet,
        Signature,
    )
    from contracts.corrections import Correction
    from contracts.opinions import DepartmentOpinion
    from state import machine
    from state.domain import Department


@dataclass
class ApplicationState:
    decl: Declaration  # as declared, its institution replaced by each resubmission
    facts: machine.ApplicationFacts  # what the machine's guards read; its ``state`` is the application's stage
    procedure: machine.Procedure  # the machine's answers over ``facts``
    acts: list[ActRecord] = field(default_factory=list)  # every act on record, in order
    notice: NoticeWindow | None = None  # the notice (公示) once published
    objections: list[Objection] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)  # the departments' co-signatures (会签)
    announcement: tuple[str, date] | None = None  # the joint document's number and day (公布)
    plaque: tuple[str, date] | None = None  # the plaque's number and day (授牌)
    flags: list[str] = field(default_factory=list)  # remarks such as a revoked county-level title
    scores: list[ScoreSheet] = field(default_factory=list)
    replan_requested: bool = False  # a newly loaded calendar asks the notice's window to be recomputed
    declared: bool = False  # the declaration itself is on record: acts may follow
    correction: Correction | None = None  # the open return for correction (退回补正), while ``returned``
    correction_cycle: int = 0  # how many times the application was returned
    versions: tuple[Institution, ...] = ()  # the institution as declared before each resubmission
    county_opinions: dict[Department, DepartmentOpinion] = field(default_factory=dict)  # 会商: the latest of each

    @classmethod
    def of(cls, decl: Declaration) -> "ApplicationState":
        facts = machine.ApplicationFacts(level=decl.level)
        return cls(decl=decl, facts=facts, procedure=machine.Procedure(facts))
