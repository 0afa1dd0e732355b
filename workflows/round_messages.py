"""The dataclasses in and out of RoundWorkflow, QuotaWorkflow and PeriodWorkflow (one per run, update,
signal and query)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from state.domain import Actor, Level

CITY_SCOPE = "city"  # the scope of the city-level quota; county-level quotas are scoped by county


# ---- periods ---------------------------------------------------------------------------------------
@dataclass
class PeriodFacts:
    period_id: str
    name: str
    start_year: int
    end_year: int


@dataclass
class PeriodStart:
    period_id: str
    current: PeriodFacts | None = None
    seq: int = 0


@dataclass
class DefinePeriod:
    actor: Actor
    name: str
    start_year: int
    end_year: int
    reason: str


@dataclass
class PeriodRequest:
    pass


@dataclass
class PeriodView:
    period_id: str
    current: PeriodFacts | None
    changes: int


# ---- quotas ----------------------------------------------------------------------------------------
@dataclass
class QuotaStart:
    period_id: str
    level: Level
    totals: dict[str, int] = field(default_factory=dict)
    used: dict[str, int] = field(default_factory=dict)
    seq: int = 0


@dataclass
class SetQuota:
    """Admin: the total for scope ``city`` (city level) or per county (county level); only listed scopes change."""

    actor: Actor
    totals: dict[str, int]
    reason: str
    details: dict[str, str] = field(
        default_factory=dict
    )  # e.g. the apportionment's working, when adopted


@dataclass
class QuotaSet:
    period_id: str
    level: Level
    totals: dict[str, int]
    changed: dict[str, list[int | None]]  # scope -> [old, new]


@dataclass
class Reserve:
    """Ask for places for ``application_ids`` (best first); granted in that order, up to what remains."""

    actor: Actor
    round_id: str
    scope: str
    application_ids: list[str]


@dataclass
class Reservation:
    granted: list[str]
    total: int
    available: int  # places left for this request before it was served
    used_after: int


@dataclass
class UsageRequest:
    pass


@dataclass
class QuotaUsage:
    period_id: str
    level: Level
    totals: dict[str, int]
    used: dict[
        str, int
    ]  # as of the last decision; the API reads live usage from the database
    as_of: datetime | None


# ---- rounds ----------------------------------------------------------------------------------------
class RoundPhase(str, Enum):
    scheduled = "scheduled"  # window not yet open
    open = "open"  # declarations accepted
    reviewing = "reviewing"  # window closed: reviewers score
    selecting = "selecting"
    selected = "selected"


@dataclass
class RoundPlan:
    round_id: str
    name: str
    level: Level
    period_id: str
    opens_at: datetime  # aware; shown in Asia/Shanghai
    closes_at: datetime
    weights: dict[
        str, float
    ]  # written / defence / field_inspection -> weight, adding up to 1
    created_by: Actor  # the city reviewer (city level) or the county bureau (county level) who owns the round
    owner_county: str | None = None  # county-level rounds: the county that runs it
    reminder_working_days: int = 3
    reviewers_required: int = 1  # complete when this many reviewers scored every method
    check_every_minutes: int = (
        60  # how often the round looks whether every candidate has its scores
    )


@dataclass
class CloseReview:
    actor: Actor
    reason: str
    published_on: date | None = (
        None  # the joint notice's publication day; today when empty
    )


@dataclass
class ScoresRecorded:
    application_id: str = ""


@dataclass
class WindowRequest:
    pass


@dataclass
class RoundWindow:
    round_id: str
    name: str
    level: Level
    owner_county: str | None
    opens_at: datetime
    closes_at: datetime
    phase: RoundPhase


@dataclass
class RankingRow:
    rank: int
    application_id: str
    institution_name: str
    county: str
    weighted_score: float
    weighted_score_exact: str  # a fraction, e.g. "1703/20"
    means: dict[str, float | None]
    reviewers: int
    complete: bool
    honours: bool
    declared_at: datetime
    tie_broken_by: str = ""
    chosen: bool | None = None  # None until selection
    state: str = ""  # the application's state after selection


@dataclass
class RankingRequest:
    pass


@dataclass
class RankingTable:
    round_id: str
    phase: RoundPhase
    final: bool
    rows: list[RankingRow]
    not_ranked: list[str] = field(
        default_factory=list
    )  # in the round but not at the review stage
    quota_total: int | None = None
    places_available: int | None = None
    published_on: date | None = None
    decided_by: Actor | None = None
    decided_at: datetime | None = None
    reason: str = ""
    problem: str = ""  # why the last selection attempt failed (e.g. no quota set)


@dataclass
class RoundOutcome:
    round_id: str
    ranking: RankingTable
