"""The dataclasses in and out of QuotaWorkflow and PeriodWorkflow and their activities."""

from dataclasses import dataclass, field
from datetime import date, datetime

from state.domain import Actor, Level

CITY_SCOPE = "city"  # the scope of the city-level quota; county-level quotas are scoped by county
MAX_TOTAL = 10_000  # places in one scope of one period: a bound well above any real quota (API and CLI)


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
    details: dict[str, str] = field(default_factory=dict)  # e.g. the apportionment's working, when adopted


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
    used: dict[str, int]  # as of the last decision; the API reads live usage from the database
    as_of: datetime | None


@dataclass
class QuotaChangeRecord:
    key: str
    period_id: str
    level: Level
    old: dict[str, int | None]
    new: dict[str, int]
    reason: str
    actor: Actor
    at: datetime
    details: dict[str, str] = field(default_factory=dict)


@dataclass
class PeriodChangeRecord:
    key: str
    old: PeriodFacts | None
    new: PeriodFacts
    reason: str
    actor: Actor
    at: datetime


@dataclass
class Recorded:
    written: int


@dataclass
class PlaceRequest:
    period_id: str
    level: Level
    scope: str
    total: int
    round_id: str
    application_ids: list[str]
    at: datetime


@dataclass
class PlaceGrant:
    granted: list[str]
    available: int
    used_after: int
    released: list[str]
    placed: list[str]  # titles given a place they did not hold (historic, or outside any round)


@dataclass
class NoticePlace:
    """A place for an application going under notice: every path to the notice holds one (a round's selection
    reserved it already; the application's own publication reserves it here)."""

    application_id: str
    level: Level
    county: str
    round_id: str
    published_on: date
    actor: Actor
    key: str  # the reservation's update id: one per publication attempt, the same across the activity's retries
    working_days: int | None = None  # the notice's, from the declaration's program (None: the first program's)
    ends_at_hour: int | None = None
    uncapped: bool = False  # another program's: its titles are not counted under the first program's quotas


@dataclass
class PlaceHeld:
    period_id: str
    scope: str
    total: int
    used_after: int


# ---- releasing a revoked title's place (admin) -------------------------------------------------------
@dataclass
class ReleasePlace:
    """Admin: give back the place a revoked title keeps for the period, with the reason recorded."""

    actor: Actor
    application_id: str
    reason: str


@dataclass
class PlaceReleaseRecord:
    key: str  # the same across the activity's retries: a retried release finds its own release done
    period_id: str
    level: Level
    application_id: str
    reason: str
    actor: Actor
    at: datetime


@dataclass
class PlaceReleased:
    application_id: str
    scope: str
    slot_no: int
    used_after: int
