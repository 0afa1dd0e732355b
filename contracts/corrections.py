"""The dataclasses of 退回补正 (return for correction) that go in and out of ApplicationWorkflow and its activity
(the resubmission itself, which carries an Institution, is ``contracts.application.ResubmitAct``)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from state.domain import Act, Actor


@dataclass
class CorrectionRequestAct:
    """A reviewer (the county at its review, the city at its) returns the declaration for correction."""

    actor: Actor
    reason: str
    items: list[str] = field(default_factory=list)  # checklist items or condition codes to correct


@dataclass
class CorrectionWindowRequest:
    returned_on: date


@dataclass
class CorrectionWindow:
    """How long the declaring county has: to the end of ``last_day`` (working days counted after the return),
    with a reminder at ``remind_at`` (None: no reminder)."""

    returned_on: date
    last_day: date
    ends_at: datetime
    remind_at: datetime | None
    confirmed: bool


@dataclass
class Correction:
    """An open return for correction, as the view shows it."""

    act: Act
    requested_by: Actor
    reason: str
    items: list[str]
    requested_at: datetime
    window: CorrectionWindow
    cycle: int
