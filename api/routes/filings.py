"""The yearly filing (备案) of each county's county-level results with the province and the city (评定结果报省、市
备案): the draft generated from the records, filing it (once) and correcting it (new versions), each version's
delivery to both addressees, the city's board, and Attachment 4 as XLSX and CSV."""

from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from activities.filing import digest_of, entry_from_json
from api import filing_forms
from api.deps import (
    CityReviewer,
    CountyBureau,
    Reader,
    SessionDep,
    SettingsDep,
    TemporalClient,
)
from api.errors import documented
from api.present import local
from config import FilingSettings
from contracts.filing import (
    ADDRESSEES,
    CITY_ADDRESSEE,
    PROVINCE_ADDRESSEE,
    CorrectAct,
    FileAct,
    FilingEntry,
    FilingOutcome,
    FilingStart,
    FilingStatusView,
    ReplanRequest,
    StatusRequest,
    filing_workflow_id,
)
from db.filing import FilingDelivery, FilingStatus, FilingVersion
from db.queries import filing as filing_queries
from schemas.fields import County, OptionalText2000, Text2000
from services.refusals import Refusal, from_temporal
from state.calendar import TZ
from state.domain import COUNTIES, Actor, InstitutionType, Stage
from workflows.filing import FilingDeadlineWorkflow

router = APIRouter(prefix="/filings", tags=["filings"], responses=documented(401, 403, 404, 409, 503))

CountyPath = Annotated[County, Path(description="county or district (县区)")]
Year = Annotated[int, Path(ge=2022, le=2100, description="the year whose results are filed")]
BoardState = Literal["not_due", "open", "overdue", "filed_on_time", "filed_late"]
# An addressee's delivery: the recorded outcome (contracts.filing.DeliveryState), or not_filed (nothing recorded yet),
# or unrecorded (a version recorded before the province was an addressee: the city was told, nothing recorded).
AddresseeState = Literal["not_filed", "delivered", "failed", "unconfigured", "unrecorded"]
ADDRESSEE_NAMES = {PROVINCE_ADDRESSEE: "省人力资源社会保障厅", CITY_ADDRESSEE: "市人力资源社会保障局"}
DIGEST_PATTERN = r"^[0-9a-f]{64}$"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filing_settings(settings: SettingsDep) -> FilingSettings:
    return settings.filing


FilingSettingsDep = Annotated[FilingSettings, Depends(_filing_settings)]


# ---- bodies --------------------------------------------------------------------------------------
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


# ---- helpers -------------------------------------------------------------------------------------
def _deadline_at(fs: FilingSettings, year: int) -> datetime:
    return datetime.combine(fs.deadline_day(year) + timedelta(days=1), time(0), tzinfo=TZ)


def _board_state(row: FilingStatus | None, deadline_at: datetime) -> BoardState:
    now = datetime.now(TZ)
    if row is None:
        return "overdue" if now >= deadline_at else "not_due"
    if row.state == "open" and now >= deadline_at:
        return "overdue"  # the workflow marks it at the deadline; the board does not wait for that
    return row.state  # type: ignore[return-value]


def _in_scope(actor: Actor, county: str) -> None:
    if actor.county is not None and actor.county != county:
        raise Refusal(404, f"no filing of {county} visible to the caller")


def _entry(e: FilingEntry) -> EntryPublic:
    return EntryPublic(**e.__dict__, institution_type_zh=filing_forms.TYPE_ZH[e.institution_type])


def addressees(version: int | None, sent: dict[str, FilingDelivery]) -> list[AddresseePublic]:
    """Each addressee's delivery of ``version`` (None: nothing filed), province first."""
    out = []
    for addressee in ADDRESSEES:
        d = sent.get(addressee)
        state: AddresseeState = "not_filed" if version is None else "unrecorded"
        out.append(
            AddresseePublic(
                addressee=addressee,
                name=ADDRESSEE_NAMES[addressee],
                state=d.state if d else state,
                version=version,
                at=local(d.at) if d else None,
                channels=list(d.channels) if d else [],
            )
        )
    return out


def _version_public(v: FilingVersion, sent: dict[str, FilingDelivery]) -> VersionPublic:
    return VersionPublic(
        version=v.version,
        kind=v.kind,
        filed_at=local(v.filed_at),
        filed_by=v.actor_name,
        reason=v.reason,
        note=v.note,
        on_time=v.on_time,
        working_days_late=v.working_days_late,
        digest=v.digest,
        entries=[_entry(entry_from_json(d)) for d in v.entries],
        deliveries=addressees(v.version, sent),
    )


def _latest(current_version: int, sent: dict[int, dict[str, FilingDelivery]]) -> list[AddresseePublic]:
    return addressees(current_version or None, sent.get(current_version, {}))


async def _live_status(client: Client, workflow_id: str) -> FilingStatusView | None:
    try:
        return await client.get_workflow_handle(workflow_id).query(FilingDeadlineWorkflow.status, StatusRequest())
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            return None
        raise from_temporal(e, "filing", renamed={"state": "filing_state"}) from None


async def _start(
    client: Client, task_queue: str, fs: FilingSettings, county: str, year: int, who: str
) -> WorkflowHandle[FilingDeadlineWorkflow, FilingOutcome]:
    try:
        return await client.start_workflow(
            FilingDeadlineWorkflow.run,
            FilingStart(county=county, year=year, started_by=who),
            id=filing_workflow_id(county, year, fs.filing_workflow_prefix),
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
    except WorkflowAlreadyStartedError:
        raise Refusal(409, f"the filing of {county} for {year} is closed: its corrections period has ended") from None


# ---- routes --------------------------------------------------------------------------------------
@router.get(
    "",
    response_model=BoardPublic,
    summary="The city's board: each county's filing for a year",
    responses=documented(401, 403),
)
def board(
    actor: Reader, session: SessionDep, fs: FilingSettingsDep, year: Annotated[int, Query(ge=2022, le=2100)]
) -> BoardPublic:
    deadline_at = _deadline_at(fs, year)
    rows = filing_queries.statuses(session, year)
    sent = filing_queries.deliveries_of_year(session, year)
    counties = [c for c in COUNTIES if actor.county is None or c == actor.county]
    out = []
    for county in counties:
        row = rows.get(county)
        out.append(
            BoardRow(
                county=county,
                state=_board_state(row, deadline_at),
                filed_at=local(row.filed_at) if row and row.filed_at else None,
                working_days_late=row.working_days_late if row else None,
                current_version=row.current_version if row else 0,
                reminders_sent=row.reminders_sent if row else 0,
                escalations_sent=row.escalations_sent if row else 0,
                addressees=_latest(row.current_version if row else 0, sent.get(county, {})),
            )
        )
    counts = {
        s: sum(1 for r in out if r.state == s) for s in ("not_due", "open", "overdue", "filed_on_time", "filed_late")
    }
    return BoardPublic(year=year, deadline_at=deadline_at, counts=counts, counties=out)


@router.get(
    "/{county}/{year}",
    response_model=FilingPublic,
    summary="One county's filing for a year",
    responses=documented(401, 403, 404, 503),
)
async def filing(
    county: CountyPath, year: Year, actor: Reader, session: SessionDep, fs: FilingSettingsDep, client: TemporalClient
) -> FilingPublic:
    _in_scope(actor, county)
    view = await _live_status(client, filing_workflow_id(county, year, fs.filing_workflow_prefix))
    row = session.get(FilingStatus, f"{county}:{year}")
    versions = filing_queries.versions(session, county, year)
    sent = filing_queries.deliveries(session, county, year)
    first = versions[0] if versions else None
    return FilingPublic(
        county=county,
        year=year,
        state=_board_state(row, _deadline_at(fs, year)),
        deadline_at=_deadline_at(fs, year),
        plan_confirmed=view.plan_confirmed if view else (row.plan_confirmed if row else None),
        reminders=[ReminderPublic(offset=r.offset, at=local(r.at)) for r in view.reminders] if view else [],
        next_escalation_at=local(view.next_escalation_at) if view and view.next_escalation_at else None,
        notices=[
            SentPublic(
                kind=n.kind, label=n.label, planned_at=local(n.planned_at), sent_at=local(n.sent_at), skipped=n.skipped
            )
            for n in view.notices
        ]
        if view
        else [],
        filed_at=local(first.filed_at) if first else None,
        working_days_late=first.working_days_late if first else None,
        addressees=_latest(versions[-1].version if versions else 0, sent),
        versions=[_version_public(v, sent.get(v.version, {})) for v in versions],
    )


@router.get(
    "/{county}/{year}/draft",
    response_model=DraftPublic,
    summary="The filing content generated from the records, to review",
    responses=documented(401, 403, 404),
)
def draft(county: CountyPath, year: Year, actor: Reader, session: SessionDep, fs: FilingSettingsDep) -> DraftPublic:
    _in_scope(actor, county)
    entries = filing_queries.generate_entries(session, county, year)
    return DraftPublic(county=county, year=year, digest=digest_of(entries), entries=[_entry(e) for e in entries])


@router.post(
    "/{county}/{year}",
    status_code=201,
    response_model=FiledPublic,
    summary="File the reviewed draft (备案): delivered to the province and the city, each delivery recorded",
    responses=documented(401, 403, 404, 409, 503),
)
async def file(
    county: CountyPath,
    year: Year,
    body: FilingCreate,
    actor: CountyBureau,
    session: SessionDep,
    fs: FilingSettingsDep,
    settings: SettingsDep,
    client: TemporalClient,
) -> FiledPublic:
    if actor.county != county:
        raise Refusal(403, f"the filing of {county} is made by the county bureau of {county}")
    if body.digest != digest_of(filing_queries.generate_entries(session, county, year)):
        raise Refusal(409, "the records changed since the draft was reviewed: review the new draft and confirm it")
    handle = await _start(client, settings.task_queue, fs, county, year, actor.user_id)
    try:
        result = await handle.execute_update(
            FilingDeadlineWorkflow.file, FileAct(actor=actor, digest=body.digest, note=body.note)
        )
    except (WorkflowUpdateFailedError, RPCError) as e:
        raise from_temporal(e, "filing", renamed={"state": "filing_state"}) from None
    return FiledPublic(**{**result.__dict__, "state": result.state.value})


@router.post(
    "/{county}/{year}/corrections",
    status_code=201,
    response_model=FiledPublic,
    summary="Correct the filing: a new version",
    responses=documented(401, 403, 404, 409, 503),
)
async def correct(
    county: CountyPath,
    year: Year,
    body: CorrectionCreate,
    actor: CountyBureau,
    fs: FilingSettingsDep,
    client: TemporalClient,
) -> FiledPublic:
    if actor.county != county:
        raise Refusal(403, f"the filing of {county} is corrected by the county bureau of {county}")
    handle = client.get_workflow_handle(filing_workflow_id(county, year, fs.filing_workflow_prefix))
    try:
        result = await handle.execute_update(
            FilingDeadlineWorkflow.correct,
            CorrectAct(actor=actor, digest=body.digest, reason=body.reason, note=body.note),
        )
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            raise Refusal(409, f"no open filing of {county} for {year} to correct") from None
        raise from_temporal(e, "filing", renamed={"state": "filing_state"}) from None
    except WorkflowUpdateFailedError as e:
        raise from_temporal(e, "filing", renamed={"state": "filing_state"}) from None
    return FiledPublic(**{**result.__dict__, "state": result.state.value})


@router.post(
    "/{county}/{year}/start",
    status_code=202,
    response_model=Accepted,
    summary="Open a county's filing now (on demand)",
    responses=documented(401, 403, 409, 503),
)
async def start(
    county: CountyPath,
    year: Year,
    actor: CityReviewer,
    fs: FilingSettingsDep,
    settings: SettingsDep,
    client: TemporalClient,
) -> Accepted:
    handle = await _start(client, settings.task_queue, fs, county, year, actor.user_id)
    return Accepted(workflow_id=handle.id)


@router.post(
    "/{county}/{year}/replan",
    status_code=202,
    response_model=Accepted,
    summary="Recompute reminder dates (after a calendar was loaded)",
    responses=documented(401, 403, 404, 503),
)
async def replan(
    county: CountyPath, year: Year, actor: CityReviewer, fs: FilingSettingsDep, client: TemporalClient
) -> Accepted:
    workflow_id = filing_workflow_id(county, year, fs.filing_workflow_prefix)
    try:
        await client.get_workflow_handle(workflow_id).signal(FilingDeadlineWorkflow.replan, ReplanRequest())
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            raise Refusal(404, f"no open filing of {county} for {year}") from None
        raise from_temporal(e, "filing", renamed={"state": "filing_state"}) from None
    return Accepted(workflow_id=workflow_id)


def _form(session: Session, county: str, year: int, version: int | None) -> filing_forms.Form:
    versions = filing_queries.versions(session, county, year)
    if version is not None:
        chosen = next((v for v in versions if v.version == version), None)
        if chosen is None:
            raise Refusal(404, f"{county} has no filing version {version} for {year}")
    else:
        chosen = versions[-1] if versions else None
    if chosen is None:  # nothing filed: the draft, marked as such
        return filing_forms.Form(county, year, None, None, "", filing_queries.generate_entries(session, county, year))
    entries = [entry_from_json(d) for d in chosen.entries]
    return filing_forms.Form(county, year, chosen.version, local(chosen.filed_at), chosen.actor_name, entries)


VersionQuery = Annotated[
    int | None, Query(ge=1, le=10_000, description="a recorded version; default the latest (or the draft)")
]


@router.get(
    "/{county}/{year}/form.xlsx",
    response_class=Response,
    summary="Attachment 4 (备案表) as XLSX",
    responses={200: {"content": {XLSX: {}}, "description": "the form"}, **documented(401, 403, 404)},
)
def form_xlsx(
    county: CountyPath,
    year: Year,
    actor: Reader,
    session: SessionDep,
    fs: FilingSettingsDep,
    version: VersionQuery = None,
) -> Response:
    _in_scope(actor, county)
    form = _form(session, county, year, version)
    return Response(
        filing_forms.xlsx(form),
        media_type=XLSX,
        headers={"Content-Disposition": filing_forms.disposition(form.filename("xlsx"))},
    )


@router.get(
    "/{county}/{year}/form.csv",
    response_class=Response,
    summary="Attachment 4 (备案表) as CSV (UTF-8 with BOM)",
    responses={200: {"content": {"text/csv": {}}, "description": "the form"}, **documented(401, 403, 404)},
)
def form_csv(
    county: CountyPath,
    year: Year,
    actor: Reader,
    session: SessionDep,
    fs: FilingSettingsDep,
    version: VersionQuery = None,
) -> Response:
    _in_scope(actor, county)
    form = _form(session, county, year, version)
    return Response(
        filing_forms.csv_bytes(form),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": filing_forms.disposition(form.filename("csv"))},
    )
