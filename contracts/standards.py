"""The dataclasses in and out of CountyStandardsWorkflow (a county's own conditions, 附件5 因地制宜) and its activity."""

from dataclasses import dataclass, field
from datetime import datetime

from state.domain import Actor, InstitutionType

MAX_CONDITIONS = 50  # one county's own conditions at once: far above any real standard
MAX_TEXT = 500  # characters of one condition's text


@dataclass
class CountyCondition:
    """One condition of a county's own standard: a stable code, its text (Chinese) and the types it applies to."""

    code: str
    text: str
    types: list[InstitutionType] = field(default_factory=lambda: list(InstitutionType))


@dataclass
class StandardsStart:
    county: str
    conditions: list[CountyCondition] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)  # codes once used and removed: never used again
    version: int = 0
    set_by: str | None = None
    set_at: datetime | None = None


@dataclass
class SetConditions:
    """The county's conditions as they shall stand (the whole list): a code left out is retired."""

    actor: Actor
    conditions: list[CountyCondition]
    reason: str


@dataclass
class ConditionsRecord:
    """One version of a county's conditions, as the activity writes it (keyed by county and version)."""

    county: str
    version: int
    conditions: list[CountyCondition]
    retired_now: list[str]  # codes this version retires
    retired: list[str]  # every code retired up to this version
    reason: str
    actor: Actor
    at: datetime


@dataclass
class ConditionsRecorded:
    written: bool


@dataclass
class StandardsRequest:
    pass


@dataclass
class StandardsView:
    county: str
    version: int
    conditions: list[CountyCondition]
    retired: list[str]
    set_by: str | None = None
    set_at: datetime | None = None


@dataclass
class ConditionsSet:
    county: str
    version: int
    added: list[str]
    changed: list[str]
    retired: list[str]
    unchanged: bool = False  # the list was already as asked: nothing recorded
