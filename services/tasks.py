"""The to-do list (待办), one computation for the API (GET /tasks) and the workbench: every act the machine allows
this user now on the applications in their scope, and the yearly filing a county still owes, each with when it
arrived, its deadline where the procedure sets one (补正: the working days the return named; 备案: the filing
deadline), whether it is overdue and how often it was urged (催办); grouped by task for the workbench ("3件待县级审核").
Read from the read model only (db/queries): the machine's guards are fed the facts the read model keeps, and its
answers narrowed to the caller's authority (``services.access.narrowed``). And 催办 itself: an update of the application's
workflow, refused there when the party urged owes nothing."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from urllib.parse import quote

from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from temporalio.service import RPCError, RPCStatusCode

from clients.application import handle_for
from config import FilingSettings
from contracts.application import UrgeAct
from contracts.rules.administration import TASKS_NOT_FOR_ROLE, borrowed
from db.announcements import batched
from db.models import Application
from db.panel import panel_duties
from db.queries.tasks import Record, owed_filings, records, revocations_awaiting
from db.queries.workbench import NoticeFacts, declarers, live, notice_facts
from services import announcements
from services.access import acts_for, city_scope, narrowed
from services.context import Context
from services.refusals import Refusal, from_temporal
from services.roles import READERS
from state.calendar import TZ
from state.domain import URGERS, Act, Actor, Level, Role, Stage, role_for, separation_refusal
from state.labels import LEVEL_TITLES, task_label
from state.machine import CONSULTED_DEPARTMENTS, FINAL_STAGES, ApplicationFacts, Procedure
from workflows.application import ApplicationWorkflow

# Acts that wait for someone, in the procedure's order. Withdrawing and revoking are always possible while allowed,
# so they are no one's to-do; objecting is the public's; the rest are the system's.
WAITING = (
    Act.department_opinion,  # not the machine's: owed by the county's DRC and civil affairs (opinion_items)
    Act.county_review_pass,
    Act.resubmit,
    Act.city_review_pass,
    Act.score,
    Act.publicize,
    Act.dismiss_objection,
    Act.co_sign,
    Act.award,
)
FILE = "file"  # the yearly filing (备案), owed by a county rather than on one application
FILING_TASK = "备案"
REVOCATION_TASK = "revocation_co_sign"  # a department's word on a revocation proposal (撤销会签)
BATCHING_TASK = "form_announcement"  # the county bureau's: put applications whose notice closed into a batch
BATCHING_NAME = "编入公布批次"


@dataclass
class TaskItem:
    act: str  # an Act's value, or "file"
    name: str  # the task, as a to-do list names it: 县级审核, 补正, 备案, …
    title: str  # the item in Chinese: "县级审核：某某人力资源市场"
    arrived_at: datetime | None
    due_at: datetime | None
    overdue: bool
    urged: int  # how often the party owing it was urged since it arrived
    application_id: str | None = None
    number: str = ""  # the readable 申报编号 (db/numbers.py)
    link: str = ""  # the page where it is done
    institution_name: str = ""
    county: str = ""
    level: Level | None = None


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def allowed_now(actor: Actor, row: Application, notice: NoticeFacts, now: datetime) -> list[Act]:
    facts = ApplicationFacts(
        level=row.level,
        state=row.state,
        now=now,
        notice_ends_at=_aware(row.notice_ends_at),
        notice_closed=notice.closed,
        pending_objections=notice.pending_objections,
        signed_departments=set(notice.signed),
        # Either review's return is corrected by the same county bureau: what matters here is that it is owed.
        returned_from=Stage.declared if row.state == Stage.returned else None,
    )
    return acts_for(actor, Procedure(facts).allowed(actor.department), row.level, row.county)


def party_of(act: Act, level: Level) -> str | None:
    """Who owes ``act``, as an urge (催办) names it: "county", "department", or None (the city itself)."""
    role = role_for(act, level)
    return {Role.county_bureau: "county", Role.department: "department"}.get(role)


def _arrived(act: Act, record: Record) -> datetime | None:
    if act == Act.co_sign:
        return record.closed_at or record.state_since
    if act == Act.dismiss_objection:
        return record.pending_since or record.state_since
    if act == Act.resubmit:
        return record.returned_at or record.state_since
    return record.state_since


def _item(act: Act, row: Application, record: Record, now: datetime) -> TaskItem:
    arrived = _arrived(act, record)
    due = record.correction_due if act == Act.resubmit else None
    party = party_of(act, row.level)
    urged = sum(1 for at, to in record.urges if to == party and (arrived is None or at >= arrived))
    name = task_label(act)
    return TaskItem(
        act=act.value,
        name=name,
        title=f"{name}：{row.institution_name}（{row.county}·{LEVEL_TITLES[row.level]}）",
        arrived_at=arrived,
        due_at=due,
        overdue=due is not None and now > due,
        urged=urged,
        application_id=row.id,
        number=row.number or "",
        link=f"/applications/{row.id}",
        institution_name=row.institution_name,
        county=row.county,
        level=row.level,
    )


def application_items(actor: Actor, session: Session, now: datetime) -> list[TaskItem]:
    rows = live(session, actor.county, city=city_scope(actor))
    ids = [r.id for r in rows]
    notices = notice_facts(session, [r.id for r in rows if r.state == Stage.publicized])
    declared_by = declarers(session, ids)
    kept = records(session, ids)
    panels, mine, recused = panel_duties(session, actor.user_id)
    remembered: dict[tuple[object, ...], list[Act]] = {}
    items: list[TaskItem] = []
    for row in rows:
        notice = notices.get(row.id, NoticeFacts())
        ends = _aware(row.notice_ends_at)
        key = (
            row.level,
            row.state,
            row.county,
            ends is not None and now < ends,
            notice.closed,
            notice.pending_objections > 0,
            frozenset(notice.signed),
        )
        if key not in remembered:  # building a machine is the costly part; situations repeat
            remembered[key] = allowed_now(actor, row, notice, now)
        record = kept[row.id]
        allowed = [a for a in remembered[key] if separation_refusal(a, actor, declared_by.get(row.id)) is None]
        for act in WAITING:
            if act not in allowed:
                continue
            if act == Act.co_sign and by_batch(record):
                continue  # 批次公布: signed once in its batch (announcements.signing_items), never by itself
            if act == Act.score and (not row.round_id or actor.user_id in record.scored_by or row.round_id in panels):
                continue  # scores belong to competitive rounds, and are owed once by each reviewer
            items.append(_item(act, row, record, now))
        if owed_by_member(row, actor, record, mine, recused, declared_by.get(row.id)):
            items.append(_item(Act.score, row, record, now))
    return items


def by_batch(record: Record) -> bool:
    """Declared under 批次公布 (the workflow's ``announced_by_batch``), as the read model tells it: the county's DRC
    and civil affairs gave their opinions (会商), which the same patch made a condition of the county review."""
    return bool(record.opined)


def batching_items(actor: Actor, session: Session, now: datetime) -> list[TaskItem]:
    """编入公布批次: the county bureau's county-level applications announced by batch whose notice has closed and
    that are in no batch yet (the city's round batches form by themselves), on the page that forms a batch."""
    if actor.role != Role.county_bureau or actor.county is None:
        return []
    rows = [
        r
        for r in live(session, actor.county, city=city_scope(actor))
        if r.level == Level.county and r.state == Stage.publicized
    ]
    ids = [r.id for r in rows]
    notices, kept, inside = notice_facts(session, ids), records(session, ids), batched(session, ids)
    out = []
    for row in rows:
        record = kept[row.id]
        if not notices[row.id].closed or row.id in inside or not by_batch(record):
            continue
        out.append(
            TaskItem(
                act=BATCHING_TASK,
                name=BATCHING_NAME,
                title=f"{BATCHING_NAME}：{row.institution_name}（{row.county}·{LEVEL_TITLES[row.level]}）",
                arrived_at=record.closed_at or record.state_since,
                due_at=None,
                overdue=False,
                urged=0,
                application_id=row.id,
                number=row.number or "",
                link="/announcements#form-batch",
                institution_name=row.institution_name,
                county=row.county,
                level=row.level,
            )
        )
    return out


def owed_by_member(
    row: Application, actor: Actor, record: Record, mine: set[str], recused: set[tuple[str, str]], declarer: str | None
) -> bool:
    """A round with a panel (评审组): its members owe a score to each candidate under review that they have neither
    scored nor recused from (whatever their role); nobody else does."""
    under_review = Stage.declared if row.level == Level.county else Stage.county_reviewed
    return (
        row.round_id in mine
        and row.state == under_review
        and actor.user_id not in record.scored_by
        and (row.round_id, row.id) not in recused
        and declarer != actor.user_id
    )


def opinion_items(actor: Actor, session: Session, now: datetime) -> list[TaskItem]:
    """出具部门意见 (会商): the declarations of the county of a county DRC or civil affairs still without its opinion."""
    if actor.role != Role.department or actor.department not in CONSULTED_DEPARTMENTS or actor.county is None:
        return []
    rows = [r for r in live(session, actor.county, city=city_scope(actor)) if r.state == Stage.declared]
    kept = records(session, [r.id for r in rows])
    department = actor.department.value if actor.department else ""
    return [_item(Act.department_opinion, r, kept[r.id], now) for r in rows if department not in kept[r.id].opined]


def filing_items(actor: Actor, session: Session, filing: FilingSettings, now: datetime) -> list[TaskItem]:
    """The county's yearly filing (待备案), for its bureau, due by the configured day (12-20)."""
    if actor.role != Role.county_bureau or actor.county is None:
        return []
    month, day = filing.schedule_start()
    out = []
    for status in owed_filings(session, actor.county):
        due = _aware(status.deadline_at)
        out.append(
            TaskItem(
                act=FILE,
                name=FILING_TASK,
                title=f"{FILING_TASK}：{actor.county}{status.year}年度县级标杆机构评定结果",
                arrived_at=datetime.combine(datetime(status.year, month, day).date(), time(), TZ),
                due_at=due,
                overdue=status.state == "overdue" or (due is not None and now > due),
                link=f"/filings/{quote(actor.county)}/{status.year}",
                urged=0,  # a filing is chased by reminders and escalations (filing workflow), not urged
                county=actor.county,
            )
        )
    return out


def todo(actor: Actor, session: Session, filing: FilingSettings, now: datetime | None = None) -> list[TaskItem]:
    """The caller's whole to-do, in the procedure's order, the longest waiting first within each act, the filing
    last."""
    now = now or datetime.now(UTC)
    items = announcements.without_batched(session, application_items(actor, session, now))
    items += opinion_items(actor, session, now)
    order = {act.value: i for i, act in enumerate(WAITING)}
    items.sort(key=lambda t: order[t.act])  # stable: the longest waiting first within each act
    batches = announcements.signing_items(actor, session) if actor.role == Role.department else []
    batches += batching_items(actor, session, now)
    return items + batches + revocation_items(actor, session) + filing_items(actor, session, filing, now)


def revocation_items(actor: Actor, session: Session) -> list[TaskItem]:
    """The revocation proposals awaiting a department's word (撤销会签), on the proposal's page."""
    if actor.role != Role.department or actor.department is None:
        return []
    return [
        TaskItem(
            act=REVOCATION_TASK,
            name="撤销会签",
            title=f"撤销会签：{r.institution_name}（{r.county}·{LEVEL_TITLES[Level(r.level)]}）",
            arrived_at=_aware(r.proposed_at),
            due_at=None,
            overdue=False,
            urged=0,
            application_id=r.subject_id if r.subject_kind == "application" else None,
            link=f"/{'applications' if r.subject_kind == 'application' else 'historic-titles'}/{r.subject_id}/revocation",
            institution_name=r.institution_name,
            county=r.county,
            level=Level(r.level),
        )
        for r in revocations_awaiting(session, actor.department.value, actor.county)
    ]


def tasks(actor: Actor, ctx: Context, now: datetime | None = None) -> list[TaskItem]:
    """The caller's to-do (待办), for the roles that handle declarations."""
    if actor.role not in READERS:
        raise Refusal(403, TASKS_NOT_FOR_ROLE)
    with ctx.session() as session:
        return todo(actor, session, ctx.settings.filing, now)


@dataclass
class Task:
    name: str  # 县级审核, 会签, 备案, …
    act: str
    items: list[TaskItem] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.overdue)


def grouped(items: list[TaskItem]) -> list[Task]:
    """One Task per kind of act, in the order the items come (the procedure's)."""
    found: dict[str, Task] = {}
    for item in items:
        found.setdefault(item.act, Task(item.name, item.act)).items.append(item)
    return list(found.values())


def admit_urger(actor: Actor) -> Actor:
    """催办 is the city reviewers' and the supervisors' (the workflow refuses anyone else again: its rule)."""
    if actor.role not in URGERS:
        raise Refusal(403, borrowed("urge_not_permitted"))
    return actor


def _ended(state: str | None = None) -> Refusal:
    """An application whose procedure has ended owes nothing: the workflow's rule (nothing_owed), said before asking
    it, in words of its own (the rule's text names the party that owes nothing)."""
    return Refusal(409, "该申报的办理已经结束，无需催办", rule="nothing_owed", state=state)


@dataclass(frozen=True)
class Urged:
    state: Stage
    urged: int  # how often that party has been urged on this application in all


def _urges(ctx: Context, application_id: str, to: str) -> int:
    with ctx.session() as s:
        return sum(1 for _, party in records(s, [application_id])[application_id].urges if party == to)


async def urge(
    actor: Actor, ctx: Context, application_id: str, level: Level, county: str, state: Stage, to: str, note: str
) -> Urged:
    """Urge the party that owes the application's next act (``to``: county or department); the application's
    ``level``, ``county`` and ``state`` are where the caller found it (in their scope)."""
    admit_urger(actor)
    if state in FINAL_STAGES:  # the workflow has ended and takes no update
        raise _ended(state=state.value)
    act = UrgeAct(actor=actor, to=to, note=note)
    try:
        result = await handle_for(ctx.client, application_id).execute_update(ApplicationWorkflow.urge, act)
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:  # ended between the look and the urge
            raise _ended() from None
        raise from_temporal(e, f"application {application_id!r}") from None
    except Exception as e:
        raise narrowed(from_temporal(e, f"application {application_id!r}"), actor, level, county) from None
    return Urged(result.state, await run_in_threadpool(_urges, ctx, application_id, to))
