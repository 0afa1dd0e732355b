"""Request and response bodies. ``*Create`` models are what callers send (validated, unknown fields refused);
``*Public`` models are what the API answers; ``*Base`` holds what both share."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    StringConstraints,
    Tag,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from programs.load import first_program_id
from schemas.corrections import CorrectionPublic
from schemas.fields import (
    FORBID,
    LINE,
    OPTIONAL_LINE,
    OPTIONAL_LINES,
    AttestationCode,
    County,
    CreditCode,
    FoundingDate,
    IsoDate,
    LaxReason,
    LaxType,
    Name100,
    Name200,
    OptionalName100,
    OptionalText500,
    OptionalText2000,
    OptionalText5000,
    Percent,
    Phone,
    Round,
    StaffCount,
    Text20,
    Text100,
    Text200,
    Text2000,
    Text5000,
    TownshipStaffCount,
    VillageStaffCount,
)
from schemas.materials import MaterialId, MaterialPublic, MaterialRefCreate
from schemas.opinions import DepartmentOpinionPublic
from schemas.revocations import RevocationPublic
from state import eligibility, objector, text
from state.domain import Act, Department, InstitutionType, Level, Role, Stage


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
    code: str | None = Field(default=None, description="a stable code for 503s: no_worker, temporal_busy, …")


class ErrorBody(BaseModel):
    detail: ErrorDetail


# ---- declaration ----------------------------------------------------------------------------------------
class InstitutionBase(BaseModel):
    name: str
    type: InstitutionType
    credit_code: str
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
    city_or_higher_honours: bool = False
    county_title_doc_no: str | None = None
    county_title_date: date | None = None
    budget_funded: bool | None = None
    training_pass_rate: float | None = None
    trainee_satisfaction: float | None = None
    assessments_last_3_years: list[str] = []
    attestations: dict[str, str] = {}


class InstitutionCreate(InstitutionBase):
    model_config = FORBID

    name: Name200
    type: LaxType
    credit_code: CreditCode = Field(
        description="统一社会信用代码: 18 characters, the last a GB 32100-2015 check character"
    )
    address: OptionalText500 = ""
    person_in_charge: OptionalName100 = ""
    contact: OptionalName100 = ""
    phone: Phone = Field(default="", description="mainland mobile (11 digits) or 0539-xxxxxxx")
    premises_area_m2: float | None = Field(default=None, ge=0, le=10_000_000)
    staff_count: StaffCount | None = None
    founded_on: FoundingDate | None = Field(default=None, description="not in the future")
    services: OptionalText5000 = ""
    highlights: OptionalText5000 = ""
    honours: list[Text200] = Field(default=[], max_length=50)
    city_or_higher_honours: bool = Field(default=False, description="市级及以上荣誉: wins ties in selection")
    county_title_doc_no: Text100 | None = None
    county_title_date: IsoDate | None = Field(default=None, description="not in the future")
    budget_funded: bool | None = Field(default=None, description="township/street platforms: 经费纳入同级财政预算")
    training_pass_rate: Percent | None = None
    trainee_satisfaction: Percent | None = None
    assessments_last_3_years: list[Text20] = Field(
        default=[], max_length=10, description='e.g. ["优秀", "优秀", "优秀"]'
    )
    attestations: dict[AttestationCode, OptionalText2000] = Field(
        default={},
        max_length=30,
        description="qualitative conditions attested by the declaring county, by condition code",
        json_schema_extra={"additionalProperties": False},  # keys must match the code pattern
    )


# A city-level candidate must already hold the county-level title, and meet its type's measurable
# conditions (thresholds from state/eligibility.py, so that the schema states the same rule the checks enforce).
class CityInstitutionCreate(InstitutionCreate):
    county_title_doc_no: Text100 = Field(description="the document that gave the county-level title")
    county_title_date: IsoDate = Field(description="not in the future")


# Each city-level type narrows fields of CityInstitutionCreate: ``type`` to its discriminator tag (a Literal string, which
# is what pydantic stores; InstitutionType is a str enum with that value), and some fields to stricter values. A type
# checker calls these narrowed overrides incompatible ([assignment]); pydantic's discriminated unions are built so.
class CityPublicAgency(CityInstitutionCreate):
    type: Literal["public_agency"]  # type: ignore[assignment]  # the discriminator tag, see above


class CityHrAgency(CityInstitutionCreate):
    type: Literal["hr_agency"]  # type: ignore[assignment]  # the discriminator tag, see above


class CityTownshipPlatform(CityInstitutionCreate):
    type: Literal["township_platform"]  # type: ignore[assignment]  # the discriminator tag, see above
    staff_count: TownshipStaffCount = Field(description="工作人员不少于5人")
    budget_funded: Literal[True] = Field(description="经费纳入同级财政预算")


class CityVillagePlatform(CityInstitutionCreate):
    type: Literal["village_platform"]  # type: ignore[assignment]  # the discriminator tag, see above
    staff_count: VillageStaffCount = Field(description="工作人员不少于1人")


class CityGigMarket(CityInstitutionCreate):
    type: Literal["gig_market"]  # type: ignore[assignment]  # the discriminator tag, see above
    premises_area_m2: float = Field(
        ge=eligibility.GIG_MARKET_MIN_AREA_M2, le=10_000_000, description="服务场所面积不少于500㎡"
    )


class CityTraining(CityInstitutionCreate):
    type: Literal["training"]  # type: ignore[assignment]  # the discriminator tag, see above
    training_pass_rate: Annotated[float, Field(ge=eligibility.TRAINING_MIN_PASS_RATE, le=100)] = Field(
        description="培训合格率不低于95%"
    )
    trainee_satisfaction: Annotated[float, Field(ge=eligibility.TRAINING_MIN_SATISFACTION, le=100)] = Field(
        description="学员整体满意率不低于95%"
    )
    assessments_last_3_years: list[Literal["优秀"]] = Field(  # type: ignore[assignment]  # narrowed, see above
        min_length=1, max_length=10, description="近三年内历次办学质量督导评估优秀等次"
    )


CityInstitution = Annotated[
    CityPublicAgency | CityHrAgency | CityTownshipPlatform | CityVillagePlatform | CityGigMarket | CityTraining,
    Field(discriminator="type"),
]


class InstitutionPublic(InstitutionBase):
    type: InstitutionType | str = Field(  # type: ignore[assignment]
        description="the first program's type, or another program's type key (GET /api/v1/programs/{id})"
    )
    facts: dict[str, Any] = Field(
        default={},
        exclude_if=lambda facts: not facts,  # the first program's institution is sent back as it was answered
        description="another program's facts, by its fact table's names (absent for the first program's)",
    )


ProgramKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]


def _the_first(program: str) -> str:
    if program != first_program_id():
        raise PydanticCustomError("program_not_first", "此申报格式只用于首个评定项目")
    return program


# The seed's id, read from its file (programs/load.py): the typed shape is the first program's.
FirstProgramKey = Annotated[str, AfterValidator(_the_first), WithJsonSchema({"const": first_program_id()})]


def _not_the_first(program: str) -> str:
    if program == first_program_id():
        raise PydanticCustomError("program_first", "首个评定项目按其申报格式填报")
    return program


OtherProgramKey = Annotated[
    ProgramKey,
    AfterValidator(_not_the_first),
    WithJsonSchema({"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]{0,63}$", "not": {"const": first_program_id()}}),
]


class DeclarationBase(BaseModel):
    model_config = FORBID

    county: County | None = Field(default=None, description="defaults to the caller's county")
    round_id: Round = Field(default="", description="the declaration round (批次)")
    reason: OptionalText2000 = ""
    department_opinions: dict[Literal["hrss", "drc", "civil_affairs"], OptionalText2000] = Field(
        default={},
        description=(
            "kept for compatibility: text typed with the declaration, shown as typed, but no longer the departments' "
            "opinion; the county DRC and civil affairs record their own (POST /applications/{id}/department-opinions), "
            "and the county review passes only with both agreeing"
        ),
    )
    materials: list[MaterialRefCreate] = Field(
        default=[],
        max_length=200,
        description="the files declared (申报材料), each for a checklist item; every required item needs one",
    )
    program: FirstProgramKey | None = Field(
        default=None,
        description="the first program (GET /api/v1/programs); another program's declaration has its "
        "own shape (ProgramDeclarationCreate)",
    )


class CityDeclarationCreate(DeclarationBase):
    level: Literal["city"]
    institution: CityInstitution


class CountyDeclarationCreate(DeclarationBase):
    level: Literal["county"]
    institution: InstitutionCreate


FactName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
FACT_TEXT_MAX, FACT_ITEMS_MAX = 100_000, 200


def _fact_value(value: Any) -> Any:
    """A fact as JSON states it — text, a number, 是/否, nothing, or a list of texts — one error when it is not (its
    type and bounds are the program's: programs/facts.py reads it against the fact table)."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise PydanticCustomError("fact_value", "填报值应为文字、数字、是否或文字列表")
        return value
    if isinstance(value, str) and len(value) <= FACT_TEXT_MAX:
        return OPTIONAL_LINES.check(value)
    if isinstance(value, list) and len(value) <= FACT_ITEMS_MAX and all(isinstance(v, str) for v in value):
        return [OPTIONAL_LINE.check(v) for v in value]
    raise PydanticCustomError("fact_value", "填报值应为文字、数字、是否或文字列表")


FactValue = Annotated[
    Any,
    PlainValidator(_fact_value),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "maxLength": FACT_TEXT_MAX, "pattern": text.pattern(True, False)},
                {"type": "number"},
                {"type": "boolean"},
                {"type": "null"},
                {
                    "type": "array",
                    "items": {"type": "string", "maxLength": 200, "pattern": text.pattern(False, False)},
                    "maxItems": FACT_ITEMS_MAX,
                },
            ]
        }
    ),
]


class ProgramInstitutionCreate(BaseModel):
    """An institution declared into another program: its type's key and its facts by the program's fact table
    (GET /api/v1/programs/{id} lists them); each is read against its fact there (programs/facts.py)."""

    model_config = FORBID

    type: FactName = Field(description="the program's institution type key")
    facts: dict[FactName, FactValue] = Field(
        max_length=200,
        description="by the fact table's names",
        json_schema_extra={"additionalProperties": False},  # names must match the pattern
    )
    attestations: dict[AttestationCode, OptionalText2000] = Field(
        default={},
        max_length=30,
        description="the program's conditions attested by the declaring county, by code",
        json_schema_extra={"additionalProperties": False},
    )


class ProgramDeclarationCreate(DeclarationBase):
    """A declaration into a program other than the first (whose declarations keep their typed shape above)."""

    # Chosen over the first program's shape by naming another program (OpenAPI has no discriminator for that: the
    # extension says which property chooses this branch, with a value that does).
    model_config = ConfigDict(**FORBID, json_schema_extra={"x-chosen-by": {"program": "another-program"}})

    program: OtherProgramKey = Field(description="the program's id (GET /api/v1/programs), not the first program's")
    county: Annotated[str, StringConstraints(min_length=1, max_length=64), LINE] | None = Field(
        default=None, description="one of the counties of the program's city; defaults to the caller's county"
    )
    level: FactName = Field(description="one of the program's levels")
    institution: ProgramInstitutionCreate


FIRST_PROGRAM_TAG, OTHER_PROGRAM_TAG = "first_program", "other_program"  # the union's tags (stripped from fields)


def _declaration_tag(body: Any) -> str:
    """A declaration naming another program than the first (or, naming none, stating facts by a fact table) is
    read as such; any other is the first program's, by its level."""
    if isinstance(body, dict):
        named, institution = body.get("program"), body.get("institution")
        facts = isinstance(institution, dict) and "facts" in institution
    else:
        named, facts = getattr(body, "program", None), isinstance(body, ProgramDeclarationCreate)
    if isinstance(named, str) and named != first_program_id():
        return OTHER_PROGRAM_TAG
    return OTHER_PROGRAM_TAG if named is None and facts else FIRST_PROGRAM_TAG


TypedDeclarationCreate = Annotated[CityDeclarationCreate | CountyDeclarationCreate, Field(discriminator="level")]
DeclarationCreate = Annotated[
    Annotated[TypedDeclarationCreate, Tag(FIRST_PROGRAM_TAG)]
    | Annotated[ProgramDeclarationCreate, Tag(OTHER_PROGRAM_TAG)],
    Discriminator(_declaration_tag),
]


class Declared(BaseModel):
    id: str
    state: Stage


def objector_rule(check: Callable[[str], str]) -> AfterValidator:
    """One of state.objector's checks as a validator: its rule is the error's type, its Chinese its message."""

    def run(value: str) -> str:
        try:
            return check(value)
        except objector.ObjectorProblem as e:
            raise PydanticCustomError(e.rule, e.message) from None

    return AfterValidator(run)


# ---- acts ----------------------------------------------------------------------------------------------
class ReviewCreate(BaseModel):
    model_config = FORBID
    decision: Literal["pass", "fail"]
    opinion: Text5000


class NoticeCreate(BaseModel):
    model_config = FORBID
    published_on: IsoDate | None = Field(
        default=None,
        description="defaults to today (Asia/Shanghai); not in the future and not before the review that allowed "
        "the notice; before today the notice is recorded late (补录) and needs source_url",
    )
    source_url: Annotated[str, StringConstraints(max_length=2000), OPTIONAL_LINE] = Field(
        default="",
        description="the page (http/https) the notice was published on; required when published_on is before today "
        "(the workflow's rule: source_url_http, late_notice_needs_source_url)",
    )


class ObjectionCreate(BaseModel):
    model_config = FORBID
    name: Annotated[Name100, objector_rule(objector.check_name)] = Field(
        description="the objector's real name (至少2个字，含汉字或字母); anonymous objections are not accepted"
    )
    contact: Annotated[Text100, objector_rule(objector.check_contact)] = Field(
        description="a mainland mobile or landline number (with its area code) or an e-mail address; kept in one "
        "form: +86… for phones, case-folded for e-mail"
    )
    content: Annotated[Text5000, objector_rule(objector.check_content)] = Field(
        description=f"the facts and grounds, at least {objector.CONTENT_MIN} visible characters"
    )
    evidence: list[MaterialId] = Field(
        default=[],
        max_length=10,
        description="images uploaded to …/objections/evidence (at most BIAOGAN_OBJECTION_EVIDENCE_MAX_FILES)",
    )


class ObjectionLodged(BaseModel):
    id: str


class FindingCreate(BaseModel):
    model_config = FORBID
    upheld: bool
    finding: Text5000


class CoSignatureCreate(BaseModel):
    model_config = FORBID
    document_no: Text100 = Field(description="the joint announcement's document number; the same for all three")


class AwardCreate(BaseModel):
    model_config = FORBID
    plaque_no: Text100
    awarded_on: IsoDate = Field(description="not in the future, not before the announcement")


class RevocationCreate(BaseModel):
    model_config = FORBID
    reason: LaxReason
    evidence: Text5000
    files: list[MaterialId] = Field(default=[], max_length=20, description="the inspector's uploads (POST /materials)")


class WithdrawalCreate(BaseModel):
    model_config = FORBID
    reason: Text2000


class ActOutcome(BaseModel):
    id: str
    state: Stage
    allowed_acts: list[Act] = Field(description="what the caller may do next")


class RevocationAccepted(BaseModel):
    id: str
    state: Stage = Field(description="the state after the revocation (revoked)")


# ---- reading -------------------------------------------------------------------------------------------
class NoticeWindowPublic(BaseModel):
    first_day: date
    last_day: date
    ends_at: datetime
    confirmed: bool = Field(description="every year in the window has an official (State Council) arrangement")


class NoticePublic(NoticeWindowPublic):
    recorded_on: date | None = Field(
        default=None, description="set when the notice was recorded late (补录): the day it was recorded here"
    )
    source_url: str | None = Field(default=None, description="the page a notice recorded late was published on")


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
    materials: list[MaterialPublic] = Field(default=[], description="the files this act submitted")


class ObjectionPublic(BaseModel):
    id: str
    name: str | None = Field(description="the objector; null unless the caller investigates or supervises")
    contact: str | None
    content: str
    lodged_at: datetime
    upheld: bool | None
    finding: str | None
    found_at: datetime | None
    evidence: list[MaterialPublic] = []


class SignaturePublic(BaseModel):
    department: Department
    document_no: str
    signed_at: datetime
    signer: ActorPublic


class ScoreSheetPublic(BaseModel):
    reviewer: str
    opinion: str
    at: datetime
    written: float | None = None
    defence: float | None = None
    field_inspection: float | None = None


class ProgramRefPublic(BaseModel):
    id: str
    version: int
    title: str


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
    department_opinions: dict[Department, str] = Field(
        default={}, description="text typed with the declaration (compatibility), not the departments' opinions"
    )
    scores: list[ScoreSheetPublic] = []
    correction: CorrectionPublic | None = Field(default=None, description="open while returned for correction")
    institution_versions: list[InstitutionPublic] = Field(default=[], description="as declared before corrections")
    revocation: RevocationPublic | None = Field(default=None, description="the latest revocation proposal (撤销提议)")
    county_opinions: list[DepartmentOpinionPublic] = Field(
        default=[], description="the county DRC's and civil affairs' opinions as they stand (会商, the latest of each)"
    )
    opinions_required: bool = Field(default=False, description="the county review's pass needs both to agree")
    announced_by_batch: bool = Field(
        default=False,
        description="announced by a batch's joint 公布文件 only (批次公布): its own co-signatures are refused "
        "(409 co_sign_by_batch_only); false for applications declared before, which keep them",
    )
    announcement_id: str | None = Field(default=None, description="the batch (公布批次) it is in, once it joined one")
    program: ProgramRefPublic | None = Field(
        default=None, description="the program declared into and the version it keeps (null: declared before versions)"
    )


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


class TimelineNotice(NoticeWindowPublic):
    published_on: date


class TimelineEvent(BaseModel):
    when: datetime
    kind: Literal[
        "act",
        "deadline_computed",
        "timer_started",
        "timer_fired",
        "timer_canceled",
        "revocation_requested",
        "replan_requested",
        "closed",
    ]
    act: Act | None = None
    actor: ActorPublic | None = None
    reason: str | None = None
    state_after: Stage | None = None
    details: dict[str, str] = {}
    notice: TimelineNotice | None = None
    fires_at: datetime | None = None
    materials: list[MaterialPublic] = []


class Timeline(BaseModel):
    id: str
    events: list[TimelineEvent]


# ---- calendar ------------------------------------------------------------------------------------------
class WorkingDaysPublic(BaseModel):
    start: date
    end: date
    confirmed: bool


class NoticePeriodPublic(NoticeWindowPublic):
    pass
