"""The bodies and answers of the yearly filing (备案): the draft, the versions, each addressee's delivery, the
city's board; for the API and the pages alike."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.fields import OptionalText2000, Text2000
from state.domain import InstitutionType, Stage

BoardState = Literal["not_due", "open", "overdue", "filed_on_time", "filed_late"]
# An addressee's delivery: the recorded outcome (contracts.filing.DeliveryState), or not_filed (nothing recorded yet),
# or unrecorded (a version recorded before the province was an addressee: the city was told, nothing recorded).
AddresseeState = Literal["not_filed", "delivered", "failed", "unconfigured", "unrecorded"]
DIGEST_PATTERN = r"^[0-9a-f]{64}$"


class FilingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    digest: str = Field(pattern=DIGEST_PATTERN, description="the `digest` of the draft the caller reviewed")
    note: OptionalText2000 = ""


class CorrectionCreate(FilingCreate):
    reason: Text2000 = Field(description="why the filing is corrected")


class EntryPublic(BaseModel):
    seq: int
    application_id: str
    institution_name: str
    institution_type: InstitutionType
    institution_type_zh: str
    credit_code: str
    document_no: str
    announced_on: date
    plaque_no: str
    state: Stage
    remark: str


class DraftPublic(BaseModel):
    county: str
    year: int
    digest: str
    entries: list[EntryPublic]


class AddresseePublic(BaseModel):
    addressee: Literal["province", "city"]
    name: str
    state: AddresseeState
    version: int | None  # the version this is the delivery of (the latest recorded), None before filing
    at: datetime | None
    channels: list[str]  # "inbox", "<channel> <address>: <status>"


class VersionPublic(BaseModel):
    version: int
    kind: Literal["filing", "correction"]
    filed_at: datetime
    filed_by: str
    reason: str
    note: str
    on_time: bool
    working_days_late: int
    digest: str
    entries: list[EntryPublic]
    deliveries: list[AddresseePublic]


class ReminderPublic(BaseModel):
    offset: int
    at: datetime


class SentPublic(BaseModel):
    kind: Literal["reminder", "escalation"]
    label: int
    planned_at: datetime
    sent_at: datetime
    skipped: bool


class FilingPublic(BaseModel):
    county: str
    year: int
    state: BoardState
    deadline_at: datetime
    plan_confirmed: bool | None
    reminders: list[ReminderPublic]
    next_escalation_at: datetime | None
    notices: list[SentPublic]
    filed_at: datetime | None
    working_days_late: int | None
    addressees: list[AddresseePublic]  # the latest version's delivery to the province and the city
    versions: list[VersionPublic]


class FiledPublic(BaseModel):
    county: str
    year: int
    version: int
    state: BoardState
    on_time: bool
    working_days_late: int
    digest: str
    entries: int


class BoardRow(BaseModel):
    county: str
    state: BoardState
    filed_at: datetime | None
    working_days_late: int | None
    current_version: int
    reminders_sent: int
    escalations_sent: int
    addressees: list[AddresseePublic]


class BoardPublic(BaseModel):
    year: int
    deadline_at: datetime
    counts: dict[str, int]
    counties: list[BoardRow]


class Accepted(BaseModel):
    workflow_id: str
