"""The dataclasses in and out of FilingDeadlineWorkflow, FilingYearWorkflow and the filing activities."""

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from state.domain import Actor, InstitutionType, Stage


class FilingState(str, Enum):
    open = "open"  # the period runs, nothing filed yet
    overdue = "overdue"  # the deadline passed, nothing filed: escalations run
    filed_on_time = "filed_on_time"
    filed_late = "filed_late"


FILED = (FilingState.filed_on_time, FilingState.filed_late)


def filing_workflow_id(county: str, year: int, prefix: str = "filing") -> str:
    return f"{prefix}-{county}-{year}"


# ---- workflow input / output ---------------------------------------------------------------------
@dataclass
class FilingStart:
    county: str
    year: int
    started_by: str = "schedule"  # or the user id of whoever started it on demand


@dataclass
class FilingOutcome:
    county: str
    year: int
    state: FilingState
    versions: int


@dataclass
class FilingYearStart:
    year: int | None = None  # None: the current year in Asia/Shanghai when the run starts
    prefix: str = "filing"  # workflow ids are "<prefix>-<county>-<year>"


@dataclass
class FilingYearOutcome:
    year: int
    started: list[str]
    already_running: list[str]


# ---- updates, signals, queries -------------------------------------------------------------------
@dataclass
class FileAct:
    """The county bureau confirms the draft it reviewed (``digest`` of that draft) and files it."""

    actor: Actor
    digest: str
    note: str = ""


@dataclass
class CorrectAct:
    """A correction: a new recorded version, regenerated from the records, with the reason for it."""

    actor: Actor
    digest: str
    reason: str
    note: str = ""


@dataclass
class FilingResult:
    county: str
    year: int
    version: int
    state: FilingState
    on_time: bool
    working_days_late: int
    digest: str
    entries: int


@dataclass
class ReplanRequest:
    """Asks the workflow to recompute its reminder and escalation dates (a calendar was loaded)."""

    reason: str = "calendar arrangement updated"


@dataclass
class StatusRequest:
    pass


@dataclass
class ReminderSlot:
    offset: int  # working days before the deadline; 0: on the day (its last working day on or before)
    at: datetime


@dataclass
class SentNotice:
    kind: str  # reminder | escalation
    label: int  # the reminder's offset, or the escalation's count
    planned_at: datetime
    sent_at: datetime
    skipped: bool = False  # a reminder passed over because a later one was due at the same time


# ---- addressees (评定结果报省、市备案) ----------------------------------------------------------------
CITY_ADDRESSEE = "city"  # 市人力资源社会保障局: the city reviewers' inbox (and their configured channels)
PROVINCE_ADDRESSEE = "province"  # 省人力资源社会保障厅: no account here; ChannelSettings.notify_directory["province"]
ADDRESSEES = (PROVINCE_ADDRESSEE, CITY_ADDRESSEE)


class DeliveryState(str, Enum):
    delivered = "delivered"  # in the city's inbox; or every configured channel of the province took it
    failed = "failed"  # a channel refused it, or kept failing after ChannelSettings.channel_attempts attempts
    unconfigured = "unconfigured"  # no channel is configured for the addressee: nothing could be sent


@dataclass
class AddresseeDelivery:
    addressee: str  # city | province
    state: DeliveryState
    at: datetime
    channels: list[str] = field(default_factory=list)  # "<channel> <address>: <status>", as recorded


@dataclass
class DeliveryRequest:
    """One recorded version (filing or correction), to deliver to the county, the city and the province."""

    county: str
    year: int
    version: int
    kind: str  # filing | correction
    workflow_id: str
    filed_at: datetime
    deadline_day: date
    deadline_at: datetime
    timeliness: str
    reason: str = ""


@dataclass
class FilingDelivered:
    addressees: list[AddresseeDelivery]


@dataclass
class VersionSummary:
    version: int
    kind: str  # filing | correction
    filed_at: datetime
    actor: Actor
    reason: str
    on_time: bool
    working_days_late: int
    digest: str
    entries: int
    deliveries: list[AddresseeDelivery] = field(default_factory=list)  # to the province and the city


@dataclass
class FilingStatusView:
    county: str
    year: int
    state: FilingState
    deadline_day: date | None
    deadline_at: datetime | None
    plan_confirmed: bool
    reminders: list[ReminderSlot]
    next_escalation_at: datetime | None
    notices: list[SentNotice]
    versions: list[VersionSummary]
    filed_at: datetime | None
    working_days_late: int | None


# ---- activities ----------------------------------------------------------------------------------
@dataclass
class PlanRequest:
    county: str
    year: int
    escalation_after: date | None = None  # the day of the last escalation sent; None: the first is next


@dataclass
class FilingPlan:
    county: str
    year: int
    deadline_day: date
    deadline_at: datetime  # the end of the deadline day, Asia/Shanghai
    reminders: list[ReminderSlot]
    next_escalation_at: datetime
    next_escalation_days_late: int  # working days overdue on the day of that escalation
    confirmed: bool  # every year the dates rest on has an official arrangement
    corrections_until: datetime


@dataclass
class FilingEntry:
    """One row of Attachment 4 (县级就业服务质量标杆机构评定备案表)."""

    seq: int
    application_id: str
    institution_name: str
    institution_type: InstitutionType | str
    credit_code: str
    document_no: str
    announced_on: date
    plaque_no: str
    state: Stage
    remark: str = ""


@dataclass
class RecordRequest:
    county: str
    year: int
    version: int
    kind: str
    actor: Actor
    filed_at: datetime
    deadline_day: date
    deadline_at: datetime
    expected_digest: str
    reason: str = ""
    note: str = ""


@dataclass
class RecordedVersion:
    """The recorded version; when ``digest_mismatch`` nothing was recorded and ``digest`` is the current draft's."""

    version: int
    kind: str
    filed_at: datetime
    on_time: bool
    working_days_late: int
    digest: str
    entries: list[FilingEntry] = field(default_factory=list)
    digest_mismatch: bool = False


@dataclass
class StatusProjection:
    county: str
    year: int
    workflow_id: str
    deadline_day: date
    deadline_at: datetime
    state: FilingState
    filed_at: datetime | None
    working_days_late: int | None
    current_version: int
    reminders_sent: int
    escalations_sent: int
    plan_confirmed: bool
    seq: int
    at: datetime


@dataclass
class StatusProjected:
    written: bool
