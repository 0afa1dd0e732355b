"""The dataclasses in and out of RoundWorkflow and its activities."""

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from contracts.quota import Reserve
from state.domain import Actor, Department, Level, Role, Stage
from state.ranking import Candidate


# ---- the review panel (评审组) -----------------------------------------------------------------------------
@dataclass
class PanelMember:
    """A member of a round's review panel: the city's (or county's) bureau reviewers, DRC and civil affairs."""

    user_id: str
    name: str
    role: Role
    department: Department | None = None
    county: str | None = None


@dataclass
class RecuseAct:
    """A member declares a conflict of interest with one candidate (回避)."""

    actor: Actor
    application_id: str
    reason: str


@dataclass
class Recusal:
    member_id: str
    member_name: str
    application_id: str
    reason: str
    at: datetime


@dataclass
class MissingScore:
    """缺评: a member (not recused) who has not scored every method of the round for a candidate."""

    member_id: str
    member_name: str
    application_id: str
    institution_name: str


@dataclass
class PanelRequest:
    pass


@dataclass
class PanelView:
    members: list[PanelMember]
    panel_min: int
    recusals: list[Recusal]
    weights: dict[str, float] = field(default_factory=dict)  # the methods each member scores


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
    weights: dict[str, float]  # written / defence / field_inspection -> weight, adding up to 1
    created_by: Actor  # the city reviewer (city level) or the county bureau (county level) who owns the round
    owner_county: str | None = None  # county-level rounds: the county that runs it
    reminder_working_days: int = 3
    reviewers_required: int = 1  # complete when this many reviewers scored every method
    check_every_minutes: int = 60  # how often the round looks whether every candidate has its scores
    # The review panel (评审组). Rounds planned without one (before the panel) keep ``reviewers_required``.
    panel: list[PanelMember] = field(default_factory=list)
    panel_min: int = 3


@dataclass
class CloseReview:
    actor: Actor
    reason: str
    published_on: date | None = None  # the joint notice's publication day; today when empty


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
    # Panel rounds: the full score sheets counted, how many it needs to be selectable, and each member's marks.
    counted: int = 0
    required: int = 0
    selectable: bool = True
    marks: dict[str, dict[str, float | None]] = field(default_factory=dict)  # member id -> method -> mark


@dataclass
class RankingRequest:
    pass


@dataclass
class RankingTable:
    round_id: str
    phase: RoundPhase
    final: bool
    rows: list[RankingRow]
    not_ranked: list[str] = field(default_factory=list)  # in the round but not at the review stage
    quota_total: int | None = None
    places_available: int | None = None
    published_on: date | None = None
    decided_by: Actor | None = None
    decided_at: datetime | None = None
    reason: str = ""
    problem: str = ""  # why the last selection attempt failed (e.g. no quota set)
    recusals: list[Recusal] = field(default_factory=list)
    missing: list[MissingScore] = field(default_factory=list)  # 缺评, at the time of the table


@dataclass
class RoundOutcome:
    round_id: str
    ranking: RankingTable


@dataclass
class RoundRecord:
    round_id: str
    name: str
    level: Level
    period_id: str
    owner_county: str | None
    opens_at: datetime
    closes_at: datetime
    phase: str
    weights: dict[str, float]
    created_by: str
    at: datetime
    panel: list[PanelMember] = field(default_factory=list)


@dataclass
class RecusalRecord:
    round_id: str
    recusal: Recusal


@dataclass
class ReminderRequest:
    closes_at: datetime
    working_days: int


@dataclass
class ReminderPlan:
    remind_at: datetime
    confirmed: bool


@dataclass
class ReminderSend:
    round_id: str
    name: str
    level: Level
    owner_county: str | None
    closes_at: datetime
    at: datetime


@dataclass
class Reminded:
    counties: list[str]
    written: int


@dataclass
class CandidateRequest:
    round_id: str
    level: Level


@dataclass
class Candidates:
    candidates: list[Candidate]
    not_ranked: list[str] = field(default_factory=list)


@dataclass
class RoundReserve:
    period_id: str
    level: Level
    round_id: str
    reserve: Reserve


@dataclass
class Decision:
    round_id: str
    application_id: str
    level: Level
    chosen: bool
    opinion: str
    published_on: date
    actor: Actor


@dataclass
class DecisionApplied:
    application_id: str
    state: Stage
