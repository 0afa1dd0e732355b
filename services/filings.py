"""The yearly filing (备案) of each county's county-level results with the province and the city: the draft generated
from the records, filing it (once) and correcting it (new versions), each version's delivery to both addressees,
the city's board, and Attachment 4's data. Under both api/routes/filings.py and web/routes/filings.py."""

from datetime import datetime, time, timedelta

from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from activities.filing import digest_of, entry_from_json
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
from contracts.rules import administration as rules
from db.filing import FilingDelivery, FilingStatus, FilingVersion
from db.queries import filing as filing_queries
from schemas.filings import (
    AddresseePublic,
    AddresseeState,
    BoardPublic,
    BoardRow,
    BoardState,
    DraftPublic,
    EntryPublic,
    FiledPublic,
    FilingPublic,
    ReminderPublic,
    SentPublic,
    VersionPublic,
)
from services import filing_forms, sealing
from services.context import Context
from services.pdf import Pdf
from services.present import local
from services.refusals import Refusal, from_temporal
from services.roles import READERS, admit
from state.calendar import TZ
from state.domain import COUNTIES, Actor, Level, Role
from state.labels import issuing_organs
from workflows.filing import FilingDeadlineWorkflow

ADDRESSEE_NAMES = {PROVINCE_ADDRESSEE: "省人力资源社会保障厅", CITY_ADDRESSEE: "市人力资源社会保障局"}
STATES = ("not_due", "open", "overdue", "filed_on_time", "filed_late")
RENAMED = {"state": "filing_state"}


def deadline_at(fs: FilingSettings, year: int) -> datetime:
    return datetime.combine(fs.deadline_day(year) + timedelta(days=1), time(0), tzinfo=TZ)


def board_state(row: FilingStatus | None, deadline: datetime) -> BoardState:
    now = datetime.now(TZ)
    if row is None:
        return "overdue" if now >= deadline else "not_due"
    if row.state == "open" and now >= deadline:
        return "overdue"  # the workflow marks it at the deadline; the board does not wait for that
    return row.state  # type: ignore[return-value]


def in_scope(actor: Actor, county: str) -> None:
    admit(actor, *READERS)
    if actor.county is not None and actor.county != county:
        raise Refusal(404, rules.FILING_OUT_OF_SCOPE, county=county)


def _entry(e: FilingEntry) -> EntryPublic:
    return EntryPublic(**e.__dict__, institution_type_zh=filing_forms.type_zh(e.institution_type))


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
        raise from_temporal(e, "filing", renamed=RENAMED) from None


async def _start(
    ctx: Context, county: str, year: int, who: str
) -> WorkflowHandle[FilingDeadlineWorkflow, FilingOutcome]:
    fs = ctx.settings.filing
    try:
        return await ctx.client.start_workflow(
            FilingDeadlineWorkflow.run,
            FilingStart(county=county, year=year, started_by=who),
            id=filing_workflow_id(county, year, fs.filing_workflow_prefix),
            task_queue=ctx.settings.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
    except WorkflowAlreadyStartedError:
        raise Refusal(409, rules.FILING_CLOSED, county=county, year=year) from None


def board(actor: Actor, ctx: Context, year: int) -> BoardPublic:
    """The city's board: each county's filing for ``year`` (a county's callers: their county alone)."""
    admit(actor, *READERS)
    deadline = deadline_at(ctx.settings.filing, year)
    with ctx.session() as session:
        rows = filing_queries.statuses(session, year)
        sent = filing_queries.deliveries_of_year(session, year)
    out = []
    for county in (c for c in COUNTIES if actor.county is None or c == actor.county):
        row = rows.get(county)
        out.append(
            BoardRow(
                county=county,
                state=board_state(row, deadline),
                filed_at=local(row.filed_at) if row and row.filed_at else None,
                working_days_late=row.working_days_late if row else None,
                current_version=row.current_version if row else 0,
                reminders_sent=row.reminders_sent if row else 0,
                escalations_sent=row.escalations_sent if row else 0,
                addressees=_latest(row.current_version if row else 0, sent.get(county, {})),
            )
        )
    counts = {s: sum(1 for r in out if r.state == s) for s in STATES}
    return BoardPublic(year=year, deadline_at=deadline, counts=counts, counties=out)


async def filing(actor: Actor, ctx: Context, county: str, year: int) -> FilingPublic:
    """One county's filing for a year: its plan of reminders (live), its versions and their deliveries."""
    in_scope(actor, county)
    fs = ctx.settings.filing
    view = await _live_status(ctx.client, filing_workflow_id(county, year, fs.filing_workflow_prefix))

    def read() -> FilingPublic:
        with ctx.session() as session:
            return _filing(session, fs, county, year, view)

    return await run_in_threadpool(read)


def _filing(
    session: Session, fs: FilingSettings, county: str, year: int, view: FilingStatusView | None
) -> FilingPublic:
    row = session.get(FilingStatus, f"{county}:{year}")
    versions = filing_queries.versions(session, county, year)
    sent = filing_queries.deliveries(session, county, year)
    first = versions[0] if versions else None
    notices = [
        SentPublic(
            kind=n.kind, label=n.label, planned_at=local(n.planned_at), sent_at=local(n.sent_at), skipped=n.skipped
        )
        for n in (view.notices if view else [])
    ]
    return FilingPublic(
        county=county,
        year=year,
        state=board_state(row, deadline_at(fs, year)),
        deadline_at=deadline_at(fs, year),
        plan_confirmed=view.plan_confirmed if view else (row.plan_confirmed if row else None),
        reminders=[ReminderPublic(offset=r.offset, at=local(r.at)) for r in view.reminders] if view else [],
        next_escalation_at=local(view.next_escalation_at) if view and view.next_escalation_at else None,
        notices=notices,
        filed_at=local(first.filed_at) if first else None,
        working_days_late=first.working_days_late if first else None,
        addressees=_latest(versions[-1].version if versions else 0, sent),
        versions=[_version_public(v, sent.get(v.version, {})) for v in versions],
    )


def draft(actor: Actor, ctx: Context, county: str, year: int) -> DraftPublic:
    """The filing content generated from the records, to review (its digest is what filing it confirms)."""
    in_scope(actor, county)
    with ctx.session() as session:
        entries = filing_queries.generate_entries(session, county, year)
    return DraftPublic(county=county, year=year, digest=digest_of(entries), entries=[_entry(e) for e in entries])


def _own(actor: Actor, county: str) -> None:
    admit(actor, Role.county_bureau)
    if actor.county != county:
        raise Refusal(403, rules.borrowed("filing_by_own_county"), county=county)


async def file(actor: Actor, ctx: Context, county: str, year: int, digest: str, note: str) -> FiledPublic:
    """备案: file the reviewed draft; delivered to the province and the city, each delivery recorded."""
    _own(actor, county)

    def current_digest() -> str:
        with ctx.session() as session:
            return digest_of(filing_queries.generate_entries(session, county, year))

    if digest != await run_in_threadpool(current_digest):
        raise Refusal(409, rules.borrowed("filing_draft_changed"))
    handle = await _start(ctx, county, year, actor.user_id)
    try:
        result = await handle.execute_update(
            FilingDeadlineWorkflow.file, FileAct(actor=actor, digest=digest, note=note)
        )
    except (WorkflowUpdateFailedError, RPCError) as e:
        raise from_temporal(e, "filing", renamed=RENAMED) from None
    return FiledPublic(**{**result.__dict__, "state": result.state.value})


async def correct(
    actor: Actor, ctx: Context, county: str, year: int, digest: str, reason: str, note: str
) -> FiledPublic:
    """更正: a new version of the filing, with the reason."""
    _own(actor, county)
    handle = ctx.client.get_workflow_handle(
        filing_workflow_id(county, year, ctx.settings.filing.filing_workflow_prefix)
    )
    try:
        result = await handle.execute_update(
            FilingDeadlineWorkflow.correct, CorrectAct(actor=actor, digest=digest, reason=reason, note=note)
        )
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            raise Refusal(409, rules.FILING_NOT_OPEN, county=county, year=year) from None
        raise from_temporal(e, "filing", renamed=RENAMED) from None
    except WorkflowUpdateFailedError as e:
        raise from_temporal(e, "filing", renamed=RENAMED) from None
    return FiledPublic(**{**result.__dict__, "state": result.state.value})


async def start(actor: Actor, ctx: Context, county: str, year: int) -> str:
    """Open a county's filing now (on demand); the workflow's id."""
    handle = await _start(ctx, county, year, actor.user_id)
    return handle.id


async def replan(ctx: Context, county: str, year: int) -> str:
    """Recompute the reminder dates (after a calendar was loaded); the workflow's id."""
    workflow_id = filing_workflow_id(county, year, ctx.settings.filing.filing_workflow_prefix)
    try:
        await ctx.client.get_workflow_handle(workflow_id).signal(FilingDeadlineWorkflow.replan, ReplanRequest())
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            raise Refusal(404, rules.FILING_NOT_STARTED, county=county, year=year) from None
        raise from_temporal(e, "filing", renamed=RENAMED) from None
    return workflow_id


def form(actor: Actor, ctx: Context, county: str, year: int, version: int | None) -> filing_forms.Form:
    """Attachment 4 (备案表): ``version``, or the latest, or the draft (marked as such) while nothing is filed."""
    in_scope(actor, county)
    with ctx.session() as session:
        return _form(session, county, year, version)


def form_pdf(actor: Actor, ctx: Context, county: str, year: int, version: int | None) -> Pdf:
    """The 备案表 as PDF. A filed version is sealed by the county bureau when first asked for and kept (the same
    bytes, ETag its SHA-256, every time after); the draft is printed as it stands, unsealed: nothing is issued."""
    filed = form(actor, ctx, county, year, version)
    organ = issuing_organs(Level.county, county)[0]
    if filed.version is None:
        return Pdf(filing_forms.pdf(filed, organ), f"filing-{year}-draft.pdf")
    return sealing.sealed_once(
        ctx,
        sealing.FILING_FORM,
        f"{county}/{year}/{filed.version}",
        [organ],
        lambda: filing_forms.pdf(filed, organ),
        f"filing-{year}-{filed.version}.pdf",
        issued_on=filed.filed_at.date() if filed.filed_at else None,
    )


def _form(session: Session, county: str, year: int, version: int | None) -> filing_forms.Form:
    versions = filing_queries.versions(session, county, year)
    if version is not None:
        chosen = next((v for v in versions if v.version == version), None)
        if chosen is None:
            raise Refusal(404, rules.FILING_VERSION_UNKNOWN, county=county, year=year, version=version)
    else:
        chosen = versions[-1] if versions else None
    if chosen is None:
        return filing_forms.Form(county, year, None, None, "", filing_queries.generate_entries(session, county, year))
    entries = [entry_from_json(d) for d in chosen.entries]
    return filing_forms.Form(county, year, chosen.version, local(chosen.filed_at), chosen.actor_name, entries)


def versions_of_year(ctx: Context, year: int) -> dict[str, list[FilingVersion]]:
    """Each county's recorded versions for ``year`` (the board page lists them)."""
    with ctx.session() as session:
        return filing_queries.versions_of_year(session, year)
