"""Request and response bodies. ``*Create`` models are what callers send (validated, unknown fields refused);
``*Public`` models are what the API answers; ``*Base`` holds what both share."""

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from state.domain import COUNTIES, Act, Department, InstitutionType, Level, RevocationReason, Role, Stage

# At least one visible character, and no NUL (PostgreSQL cannot store it).
_VISIBLE = r"^[^\x00]*[^\s\x00][^\x00]*$"
_NO_NUL = r"^[^\x00]*$"
# GB 32100-2015 shape; the check character itself is verified by state.credit_code (422 when wrong).
CREDIT_CODE_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
PHONE_PATTERN = r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})?$"
ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
OBJECTION_ID_PATTERN = r"^[A-Za-z0-9_-]{1,80}$"


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _iso_date(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


def Text(max_length: int) -> Any:
    """Required free text: not blank."""
    return Annotated[str, StringConstraints(max_length=max_length, pattern=_VISIBLE), AfterValidator(_not_blank)]


def OptionalText(max_length: int) -> Any:
    return Annotated[str, StringConstraints(max_length=max_length, pattern=_NO_NUL)]


County = Literal[COUNTIES]  # type: ignore[valid-type]
CreditCode = Annotated[str, StringConstraints(pattern=CREDIT_CODE_PATTERN)]
Phone = Annotated[str, StringConstraints(pattern=PHONE_PATTERN)]
Round = Annotated[str, StringConstraints(max_length=64, pattern=_NO_NUL)]
# Request bodies take JSON types as they are (no "5" for 5, no 1 for true, no timestamps for dates)...
FORBID = ConfigDict(extra="forbid", strict=True)
# ...except where a JSON string stands for a richer type: dates and the domain's enumerations.
IsoDate = Annotated[date, Field(strict=False), BeforeValidator(_iso_date)]
LaxType = Annotated[InstitutionType, Field(strict=False)]
LaxReason = Annotated[RevocationReason, Field(strict=False)]


# ---- errors -------------------------------------------------------------------------------------------
class ProblemPublic(BaseModel):
    field: str
    rule: str
    message: str


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")

    message: str
    state: Stage | None = None
    allowed_acts: list[Act] | None = None
    field: str | None = None
    rule: str | None = None
    problems: list[ProblemPublic] | None = None


class ErrorBody(BaseModel):
    detail: ErrorDetail


# ---- declaration ----------------------------------------------------------------------------------------
class InstitutionBase(BaseModel):
    name: str
    type: InstitutionType
    credit_code: str = Field(description="统一社会信用代码, 18 characters with its GB 32100-2015 check character")
    address: str = ""
    person_in_charge: str = ""
    contact: str = ""
    phone: str = ""
    premises_area_m2: float | None = None
    staff_count: int | None = None
    founded_on: date | None = None
    services: str = ""
    highlights: str = ""
    honours: list[str] = []
    county_title_doc_no: str | None = None
    county_title_date: date | None = None


class InstitutionCreate(InstitutionBase):
    model_config = FORBID

    name: Text(200)
    type: LaxType
    credit_code: CreditCode = Field(description="统一社会信用代码, 18 characters with its GB 32100-2015 check character")
    address: OptionalText(500) = ""
    person_in_charge: OptionalText(100) = ""
    contact: OptionalText(100) = ""
    phone: Phone = Field(default="", description="mainland mobile (11 digits) or 0539-xxxxxxx")
    premises_area_m2: float | None = Field(default=None, ge=0, le=10_000_000)
    staff_count: int | None = Field(default=None, ge=0, le=1_000_000)
    founded_on: IsoDate | None = Field(default=None, description="not in the future")
    services: OptionalText(5000) = ""
    highlights: OptionalText(5000) = ""
    honours: list[Text(200)] = Field(default=[], max_length=50)
    county_title_doc_no: Text(100) | None = None
    county_title_date: IsoDate | None = Field(default=None, description="not in the future")


class CityInstitutionCreate(InstitutionCreate):
    """A city-level candidate must already hold the county-level title (须已被评定为县级标杆机构)."""

    county_title_doc_no: Text(100)
    county_title_date: IsoDate = Field(description="not in the future")


class InstitutionPublic(InstitutionBase):
    pass


class DeclarationBase(BaseModel):
    model_config = FORBID

    county: County | None = Field(default=None, description="defaults to the caller's county")
    round_id: Round = Field(default="", description="the declaration round (批次)")
    reason: OptionalText(2000) = ""


class CityDeclarationCreate(DeclarationBase):
    level: Literal["city"]
    institution: CityInstitutionCreate


class CountyDeclarationCreate(DeclarationBase):
    level: Literal["county"]
    institution: InstitutionCreate


DeclarationCreate = Annotated[CityDeclarationCreate | CountyDeclarationCreate, Field(discriminator="level")]


class Declared(BaseModel):
    id: str
    state: Stage


# ---- acts ----------------------------------------------------------------------------------------------
class ReviewCreate(BaseModel):
    model_config = FORBID
    decision: Literal["pass", "fail"]
    opinion: Text(5000)


class NoticeCreate(BaseModel):
    model_config = FORBID
    published_on: IsoDate | None = Field(default=None, description="defaults to today (Asia/Shanghai); not in the future")


class ObjectionCreate(BaseModel):
    model_config = FORBID
    name: Text(100)
    contact: Text(100)
    content: Text(5000)


class ObjectionLodged(BaseModel):
    id: str


class FindingCreate(BaseModel):
    model_config = FORBID
    upheld: bool
    finding: Text(5000)


class CoSignatureCreate(BaseModel):
    model_config = FORBID
    document_no: Text(100) = Field(description="the joint announcement's document number; the same for all three")


class AwardCreate(BaseModel):
    model_config = FORBID
    plaque_no: Text(100)
    awarded_on: IsoDate = Field(description="not in the future, not before the announcement")


class RevocationCreate(BaseModel):
    model_config = FORBID
    reason: LaxReason
    evidence: Text(5000)


class WithdrawalCreate(BaseModel):
    model_config = FORBID
    reason: Text(2000)


class ActOutcome(BaseModel):
    id: str
    state: Stage
    allowed_acts: list[Act] = Field(description="what the caller may do next")


class RevocationAccepted(BaseModel):
    id: str
    state: Stage = Field(description="the state when the answer was sent; revocation is applied asynchronously")


# ---- reading -------------------------------------------------------------------------------------------
class NoticePublic(BaseModel):
    first_day: date
    last_day: date
    ends_at: datetime
    confirmed: bool = Field(description="every year in the window has an official (State Council) arrangement")


class ApplicationSummary(BaseModel):
    id: str
    level: Level
    county: str
    round_id: str
    institution_name: str
    institution_type: InstitutionType
    state: Stage
    notice: NoticePublic | None
    flagged: bool
    declared_at: datetime
    updated_at: datetime


class ApplicationPage(BaseModel):
    items: list[ApplicationSummary]
    total: int
    limit: int
    offset: int


class ActorPublic(BaseModel):
    name: str | None = Field(description="null where the caller may not see who objected")
    role: Role
    department: Department | None = None
    county: str | None = None


class ActPublic(BaseModel):
    seq: int
    act: Act
    actor: ActorPublic
    at: datetime
    reason: str
    state_after: Stage
    details: dict[str, str]


class ObjectionPublic(BaseModel):
    id: str
    name: str | None = Field(description="the objector; null unless the caller investigates or supervises")
    contact: str | None
    content: str
    lodged_at: datetime
    upheld: bool | None
    finding: str | None
    found_at: datetime | None


class SignaturePublic(BaseModel):
    department: Department
    document_no: str
    signed_at: datetime
    signer: ActorPublic


class ApplicationDetail(BaseModel):
    id: str
    level: Level
    county: str
    round_id: str
    institution: InstitutionPublic
    state: Stage
    allowed_acts: list[Act] = Field(description="what the caller may do now")
    notice: NoticePublic | None
    notice_closed: bool
    objections: list[ObjectionPublic]
    signatures: list[SignaturePublic]
    announcement_doc_no: str | None
    announced_on: date | None
    plaque_no: str | None
    awarded_on: date | None
    flags: list[str]
    acts: list[ActPublic]


class NoticeListing(BaseModel):
    id: str
    institution_name: str
    institution_type: InstitutionType
    county: str
    level: Level
    notice: NoticePublic


class NoticeBoard(BaseModel):
    items: list[NoticeListing]
    total: int


class TimelineNotice(NoticePublic):
    published_on: date


class TimelineEvent(BaseModel):
    when: datetime
    kind: Literal[
        "act", "deadline_computed", "timer_started", "timer_fired", "timer_canceled",
        "revocation_requested", "replan_requested", "closed",
    ]  # fmt: skip
    act: Act | None = None
    actor: ActorPublic | None = None
    reason: str | None = None
    state_after: Stage | None = None
    details: dict[str, str] = {}
    notice: TimelineNotice | None = None
    fires_at: datetime | None = None


class Timeline(BaseModel):
    id: str
    events: list[TimelineEvent]


# ---- calendar ------------------------------------------------------------------------------------------
class WorkingDaysPublic(BaseModel):
    start: date
    end: date
    confirmed: bool


class NoticePeriodPublic(NoticePublic):
    pass
