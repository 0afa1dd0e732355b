"""The dataclasses that go in and out of ApplicationWorkflow: one in and one out per run, update, signal, query."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from contracts.corrections import Correction
from contracts.opinions import DepartmentOpinion
from state.domain import (
    Act,
    Actor,
    Department,
    InstitutionType,
    Level,
    RevocationReason,
    Stage,
)


@dataclass
class Institution:
    """Declaration data (what Attachment 2's form carries)."""

    name: str
    type: InstitutionType | str  # the first program's types are InstitutionType; another program's, its keys
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
    honours: list[str] = field(default_factory=list)
    city_or_higher_honours: bool = False  # 市级及以上荣誉: wins ties in competitive selection (优先)
    county_title_doc_no: str | None = None
    county_title_date: date | None = None
    budget_funded: bool | None = None  # township/street platforms: funded in the same-level budget
    training_pass_rate: float | None = None  # training institutions, percent
    trainee_satisfaction: float | None = None  # training institutions, percent
    assessments_last_3_years: list[str] = field(default_factory=list)  # e.g. ["优秀", "优秀", "优秀"]
    attestations: dict[str, str] = field(default_factory=dict)  # qualitative conditions, attested by the county
    # Another program's facts (programs/), by its fact table's names, besides name and credit_code: the first
    # program's facts are the fields above.
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class ProgramRef:
    """The program (评定项目) declared into, in the version in force at the declaration: the application keeps that
    version's rules to its end. What the workflow reads of it is here, so it is in the workflow's history."""

    id: str
    version: int
    sha256: str
    city: str  # the city that runs it (regions/): its counties declare, its organs issue
    notice_working_days: int
    notice_ends_at_hour: int = 24
    # True: the facts are the program's fact table (Institution.facts); False: the first program's typed fields.
    own_facts: bool = False
    departments: list[Department] = field(default_factory=list)  # who issue jointly at the level, lead first
    title: str = ""  # the program's title, for the pages
    competitive: bool = True  # False: a recognition (认定) against thresholds — the city passes it without a round


@dataclass
class SubmittedMaterial:
    """A file an act submits, as the act records it: which checklist item, and exactly which bytes (SHA-256, size,
    type told by the bytes), under what name, uploaded by whom and when."""

    item: str
    material_id: str
    sha256: str
    size: int
    content_type: str
    filename: str
    uploader_id: str
    uploader_name: str
    uploaded_at: datetime
    title: str = ""  # the item's title on the checklist in force when submitted


@dataclass
class Declaration:
    """Input of ApplicationWorkflow.run: the county bureau declares an institution."""

    application_id: str
    level: Level
    county: str
    institution: Institution
    actor: Actor
    reason: str = ""
    round_id: str = ""
    # The county HRSS declares together with DRC and civil affairs: each department's opinion (意见).
    department_opinions: dict[Department, str] = field(default_factory=dict)
    # The files declared (申报材料), checked against the checklist by the API; recorded in the declare act.
    materials: list[SubmittedMaterial] = field(default_factory=list)
    # None: declared before programs were data, under the first program's version 1 (its notice: 5 working days).
    program: ProgramRef | None = None


@dataclass
class ResubmitAct:
    """The declaring county's corrected declaration (退回补正后重新报送): the amended facts in full, and the files
    that replace the checklist items they name (the other items' files stand)."""

    actor: Actor
    reason: str
    institution: Institution
    materials: list[SubmittedMaterial] = field(default_factory=list)


@dataclass
class ReviewAct:
    actor: Actor
    passed: bool
    opinion: str
    round_id: str | None = None  # set by a round's selection (activities/rounds.py): the decision is the round's


@dataclass
class ScoreAct:
    """One reviewer's scores (0-100; a method the round does not use stays None) and opinion."""

    actor: Actor
    opinion: str
    written: float | None = None  # 书面评审
    defence: float | None = None  # 现场答辩
    field_inspection: float | None = None  # 实地考察
    # A panel's round (services/panel.py): the member is admitted by the panel whatever their role, and the day
    # and place of the defence and the inspection are recorded with the marks.
    panel_member: bool = False
    defence_on: date | None = None
    defence_place: str = ""
    inspected_on: date | None = None
    inspected_place: str = ""


@dataclass
class ScoreSheet:
    reviewer: Actor
    opinion: str
    at: datetime
    written: float | None = None
    defence: float | None = None
    field_inspection: float | None = None
    defence_on: date | None = None
    defence_place: str = ""
    inspected_on: date | None = None
    inspected_place: str = ""


@dataclass
class PublicizeAct:
    """The public notice starts (公示). Published before today, it is recorded late (补录) and names the page it was
    published on (``source_url``)."""

    actor: Actor
    published_on: date | None  # None: today, as the workflow sees it
    reason: str = ""
    source_url: str = ""


@dataclass
class ObjectionAct:
    """A member of the public objects (异议) while the notice runs."""

    name: str
    contact: str
    content: str
    evidence: list[SubmittedMaterial] = field(default_factory=list)  # images the objector attached
    # The /24 (IPv4) or /48 (IPv6) network it came from, as the API saw it: pending objections are capped per
    # network too (state.objector.network_of). Empty for objections lodged before the cap.
    network: str = ""


@dataclass
class FindingAct:
    actor: Actor
    objection_id: str
    upheld: bool
    finding: str


@dataclass
class CoSignAct:
    actor: Actor
    document_no: str
    reason: str = ""


@dataclass
class AwardAct:
    actor: Actor
    plaque_no: str
    awarded_on: date
    reason: str = ""


@dataclass
class WithdrawAct:
    actor: Actor
    reason: str


@dataclass
class UrgeAct:
    """催办: a city reviewer or a supervisor presses the party that owes the next act ("county" or "department")."""

    actor: Actor
    to: str
    note: str


@dataclass
class RevokeAct:
    actor: Actor
    reason: RevocationReason
    evidence: str
    files: list[SubmittedMaterial] = field(default_factory=list)  # the inspector's evidence files


@dataclass
class FlagNotice:
    """Sent to a city-level application when the institution's county-level title is revoked."""

    source_application_id: str
    reason: RevocationReason
    evidence: str


@dataclass
class ReplanNotice:
    """Asks the workflow to recompute its notice deadline (after an official calendar was loaded)."""

    reason: str = "calendar arrangement updated"


@dataclass
class NoticeWindow:
    published_on: date
    first_day: date
    last_day: date
    ends_at: datetime
    confirmed: bool
    source_url: str = ""  # where a notice recorded late (补录) was published
    recorded_on: date | None = None  # the day it was recorded here, when later than ``published_on``


@dataclass
class Objection:
    objection_id: str
    name: str
    contact: str
    content: str
    lodged_at: datetime
    upheld: bool | None = None
    finding: str | None = None
    found_at: datetime | None = None
    evidence: list[SubmittedMaterial] = field(default_factory=list)
    network: str = ""  # ObjectionAct.network, recorded for the per-network cap


@dataclass
class Signature:
    department: Department
    document_no: str
    signed_at: datetime
    actor: Actor


@dataclass
class ActRecord:
    """One accepted act: who, role, when, why, and the state it left the application in."""

    seq: int
    act: Act
    actor: Actor
    at: datetime
    reason: str
    state_after: Stage
    details: dict[str, str] = field(default_factory=dict)
    materials: list[SubmittedMaterial] = field(default_factory=list)  # the files this act submitted


@dataclass
class ActResult:
    """What every update returns: the state after the act and the acts the machine allows now."""

    application_id: str
    state: Stage
    allowed_acts: list[Act]
    objection_id: str | None = None


@dataclass
class ViewRequest:
    """Query input: whose eyes (department matters for co-signing); empty means the machine's view."""

    department: Department | None = None


@dataclass
class ApplicationView:
    """The full current view returned by the ``view`` query."""

    application_id: str
    level: Level
    county: str
    round_id: str
    institution: Institution
    state: Stage
    allowed_acts: list[Act]
    notice: NoticeWindow | None
    notice_closed: bool
    objections: list[Objection]
    signatures: list[Signature]
    announcement_doc_no: str | None
    announced_on: date | None
    plaque_no: str | None
    awarded_on: date | None
    flags: list[str]
    acts: list[ActRecord]
    scores: list[ScoreSheet] = field(default_factory=list)
    department_opinions: dict[Department, str] = field(default_factory=dict)
    correction: Correction | None = None  # an open return for correction (退回补正)
    institution_versions: list[Institution] = field(default_factory=list)  # earlier versions, before corrections
    announcement_id: str | None = None  # the batch (批次公布) that announces it, once it joined one
    # 会商: the county DRC's and civil affairs' opinions as they stand, and whether the county review needs them
    county_opinions: list[DepartmentOpinion] = field(default_factory=list)
    opinions_required: bool = False
    # 批次公布 only: declared under the same patch as opinions_required, so co-signed once per batch by each
    # department; the per-application co_sign stays in the workflow for histories but the services refuse it
    announced_by_batch: bool = False
    program: ProgramRef | None = None  # the program declared into (None: the first program's version 1)


@dataclass
class ApplicationOutcome:
    """Result of the run: the final state and the complete record of acts."""

    application_id: str
    state: Stage
    acts: list[ActRecord]


@dataclass
class Projection:
    application_id: str
    workflow_id: str
    level: Level
    county: str
    round_id: str
    institution: dict[str, object] | None  # with the declaration only; later acts leave it as it was
    institution_name: str
    institution_type: InstitutionType | str
    credit_code: str
    state: Stage
    notice: NoticeWindow | None
    flagged: bool
    act: ActRecord
    objections: list[Objection] = field(default_factory=list)  # those with a finding
    lodged: list[Objection] = field(default_factory=list)  # the objection this act lodges, written with it
    program: ProgramRef | None = (
        None  # the declaration's; None: the first program's version 1, in the deployment's city
    )


@dataclass
class Projected:
    event_written: bool


@dataclass
class ObjectionRegistration:
    application_id: str
    objection: Objection


@dataclass
class Registered:
    objection_id: str
    created: bool


@dataclass
class InstitutionLookup:
    credit_code: str
    level: Level
    exclude_application_id: str


@dataclass
class RelatedApplications:
    workflow_ids: list[str]


@dataclass
class NoticePeriodRequest:
    published_on: date
    working_days: int | None = None  # the program's; None: the worker's setting (5, the first program's)
    ends_at_hour: int | None = None


@dataclass
class ActRecording:
    """One accepted act for the read model and the inbox together (one activity, one transaction)."""

    projection: Projection
    deadline: datetime | None = None  # the notice's end, on the publicize act


@dataclass
class ActRecorded:
    event_written: bool
    notified: int  # inbox rows written
