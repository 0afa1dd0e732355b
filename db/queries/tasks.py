"""Reads for the to-do list (待办): the acts on record that tell when each waiting act arrived, its deadline (a
return for correction names it) and how often it was urged (催办), and the yearly filings a county still owes. One
query each for all the applications of a list: no Temporal call per item."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, case, exists, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from db.announcements import AnnouncementMember
from db.filing import FilingStatus
from db.models import Application, ApplicationEvent, Objection
from db.panel import PanelMember, PanelRecusal
from db.revocations import OPEN as REVOCATION_OPEN
from db.revocations import Revocation
from state.domain import Act, Actor, Level, Role, Stage
from state.machine import CONSULTED_DEPARTMENTS

# A filing still owed (contracts.filing.FilingState's values: db may not import contracts' enum for a query column).
OWED_FILINGS = ("open", "overdue")


@dataclass
class Record:
    """What the to-do needs of one application's acts, in order."""

    state_since: datetime | None = None  # when it reached its current state
    closed_at: datetime | None = None  # the notice closed (the co-signatures are owed since)
    returned_at: datetime | None = None  # the last return for correction
    correction_due: datetime | None = None  # and the deadline it named
    pending_since: datetime | None = None  # the oldest objection still without a finding
    scored_by: set[str] = field(default_factory=set)  # the accounts that gave their scores
    urges: list[tuple[datetime, str]] = field(default_factory=list)  # (when, "county" | "department")
    opined: set[str] = field(default_factory=set)  # the county departments that recorded an opinion (会商)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def records(session: Session, application_ids: list[str]) -> dict[str, Record]:
    out = {i: Record() for i in application_ids}
    if not application_ids:
        return out
    rows = session.exec(
        select(ApplicationEvent)
        .where(col(ApplicationEvent.application_id).in_(application_ids))
        .order_by(col(ApplicationEvent.application_id), col(ApplicationEvent.seq))
    ).all()
    previous: dict[str, Stage] = {}
    lodged: dict[str, dict[str, datetime]] = {}
    for e in rows:
        application_id, act, state_after, actor = e.application_id, e.act, e.state_after, e.actor_user_id
        r, at, info = out[application_id], _aware(e.at), dict[str, Any](e.details or {})
        if previous.get(application_id) != state_after:
            r.state_since = at
            previous[application_id] = state_after
        if act == Act.close_notice:
            r.closed_at = at
        elif act in (Act.county_request_correction, Act.city_request_correction):
            r.returned_at = at
            due = info.get("deadline")
            r.correction_due = _aware(datetime.fromisoformat(due)) if isinstance(due, str) and due else None
        elif act == Act.score:
            r.scored_by.add(actor)
        elif act == Act.urge:
            r.urges.append((at, str(info.get("to", ""))))
        elif act == Act.department_opinion and e.actor_department:
            r.opined.add(e.actor_department)
        elif act == Act.lodge_objection:
            lodged.setdefault(application_id, {})[str(info.get("objection_id", ""))] = at
        elif act in (Act.dismiss_objection, Act.uphold_objection):
            lodged.get(application_id, {}).pop(str(info.get("objection_id", "")), None)
    for application_id, pending in lodged.items():
        if pending:
            out[application_id].pending_since = min(pending.values())
    return out


def owed_filings(session: Session, county: str) -> list[FilingStatus]:
    """The county's yearly filings not yet made (待备案), oldest first."""
    return list(
        session.exec(
            select(FilingStatus)
            .where(FilingStatus.county == county, col(FilingStatus.state).in_(OWED_FILINGS))
            .order_by(col(FilingStatus.year))
        ).all()
    )


@dataclass(frozen=True)
class Owed:
    """How many to-do items a user has (services/tasks.py lists them) and how many of them are overdue."""

    count: int = 0
    overdue: int = 0


def _flag(condition: Any) -> Any:
    return case((condition, 1), else_=0)


def _items_statement(actor: Actor) -> Any:
    """One statement: per application in the actor's scope, one for each waiting act the machine allows this actor
    now (the rules of services/tasks.py's application_items, as the machine's guards and state.domain's roles and
    separation of duties answer them), summed; and how many of those are corrections past their deadline."""
    a, e, o, m = Application, aliased(ApplicationEvent), aliased(Objection), aliased(AnnouncementMember)

    def acted(act: Act, *where: Any) -> Any:
        return exists().where(col(e.application_id) == col(a.id), col(e.act) == act, *where)

    declared_by_me = acted(Act.declare, col(e.actor_user_id) == actor.user_id)
    scored_by_me = acted(Act.score, col(e.actor_user_id) == actor.user_id)
    pending = exists().where(col(o.application_id) == col(a.id), col(o.upheld).is_(None))
    state, level = col(a.state), col(a.level)
    owner_level = {Role.county_bureau: Level.county, Role.city_reviewer: Level.city}.get(actor.role)
    terms: list[Any] = []
    if actor.role == Role.county_bureau:
        terms += [
            _flag(and_(state == Stage.declared, ~declared_by_me)),  # 县级审核
            _flag(state == Stage.returned),  # 补正
        ]
    panel_round = exists().where(col(PanelMember.round_id) == col(a.round_id))
    on_panel = exists().where(col(PanelMember.round_id) == col(a.round_id), col(PanelMember.user_id) == actor.user_id)
    recused = exists().where(
        col(PanelRecusal.round_id) == col(a.round_id),
        col(PanelRecusal.application_id) == col(a.id),
        col(PanelRecusal.user_id) == actor.user_id,
    )
    under_review = or_(
        and_(level == Level.county, state == Stage.declared), and_(level == Level.city, state == Stage.county_reviewed)
    )
    terms.append(_flag(and_(on_panel, under_review, ~scored_by_me, ~recused, ~declared_by_me)))  # 评分（评审组）
    if owner_level is not None:
        terms += [
            _flag(
                and_(
                    state == (Stage.declared if owner_level == Level.county else Stage.county_reviewed),
                    level == owner_level,
                    col(a.round_id) != "",
                    ~declared_by_me,
                    ~scored_by_me,
                    ~panel_round,
                )
            ),  # 评分
            _flag(
                and_(
                    state == (Stage.county_reviewed if owner_level == Level.county else Stage.city_reviewed),
                    level == owner_level,
                )
            ),  # 发布公示
            _flag(and_(state == Stage.publicized, level == owner_level, pending, ~declared_by_me)),  # 异议调查核实
            _flag(and_(state == Stage.announced, level == owner_level)),  # 授牌
        ]
    if actor.role == Role.department and actor.department is not None:
        terms.append(
            _flag(
                and_(
                    state == Stage.publicized,
                    level == (Level.city if actor.county is None else Level.county),
                    acted(Act.close_notice),
                    ~acted(Act.co_sign, col(e.actor_department) == actor.department.value),
                    ~acted(Act.department_opinion),  # 批次公布: signed in its batch (services/tasks.py by_batch)
                )
            )  # 会签
        )
    if actor.role == Role.county_bureau:
        in_batch = exists().where(col(m.application_id) == col(a.id), col(m.left).is_(False))
        terms.append(
            _flag(
                and_(
                    state == Stage.publicized,
                    level == Level.county,
                    acted(Act.close_notice),
                    acted(Act.department_opinion),
                    ~in_batch,
                )
            )  # 编入公布批次 (services/tasks.py batching_items)
        )
    if actor.role == Role.department and actor.department in CONSULTED_DEPARTMENTS and actor.county is not None:
        terms.append(
            _flag(
                and_(
                    state == Stage.declared,
                    ~acted(Act.department_opinion, col(e.actor_department) == actor.department.value),
                )
            )  # 出具部门意见 (会商), on its county's declarations
        )
    if not terms:
        return None
    where: list[Any] = [state.in_(WAITING_STAGES)]
    if actor.county is not None:
        where.append(a.county == actor.county)
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return select(func.coalesce(func.sum(total), 0)).where(*where)


# The states in which some waiting act is owed (services/tasks.py's WAITING acts leave these).
WAITING_STAGES = (
    Stage.declared,
    Stage.returned,
    Stage.county_reviewed,
    Stage.city_reviewed,
    Stage.publicized,
    Stage.announced,
)


def _overdue_corrections(session: Session, county: str, now: datetime) -> int:
    """Returned applications of ``county`` whose last return named a deadline now past (the deadline lives in the
    return's details: read for the returned ones only)."""
    rows = session.exec(
        select(ApplicationEvent.application_id, ApplicationEvent.details)
        .join(Application, col(Application.id) == col(ApplicationEvent.application_id))
        .where(
            Application.county == county,
            Application.state == Stage.returned,
            col(ApplicationEvent.act).in_([Act.county_request_correction, Act.city_request_correction]),
        )
        .order_by(col(ApplicationEvent.application_id), col(ApplicationEvent.seq))
    ).all()
    last: dict[str, Any] = {}
    for application_id, details in rows:
        last[application_id] = (details or {}).get("deadline")
    return sum(1 for due in last.values() if isinstance(due, str) and due and now > _aware(datetime.fromisoformat(due)))


def owed(session: Session, actor: Actor, now: datetime) -> Owed:
    """The size of ``actor``'s to-do (services/tasks.py's todo, counted by the database rather than listed): one counting
    statement for the applications, and for a county bureau its corrections past due and the filings it owes."""
    statement = _items_statement(actor)
    count = int(session.exec(statement).one()) if statement is not None else 0
    overdue = 0
    if actor.role == Role.county_bureau and actor.county is not None:
        overdue += _overdue_corrections(session, actor.county, now)
        for status in owed_filings(session, actor.county):
            count += 1
            due = _aware(status.deadline_at) if status.deadline_at else None
            overdue += status.state == "overdue" or (due is not None and now > due)
    return Owed(count=count, overdue=overdue)


def revocations_awaiting(session: Session, department: str, county: str | None) -> list[Revocation]:
    """The revocation proposals (撤销提议) awaiting this department's word: open ones of its level (a city
    department: city-level titles; a county's: that county's county-level titles) it has not signed nor declined,
    the oldest first."""
    level = Level.city.value if county is None else Level.county.value
    query = select(Revocation).where(Revocation.state == REVOCATION_OPEN, Revocation.level == level)
    if county is not None:
        query = query.where(Revocation.county == county)
    rows = session.exec(query.order_by(col(Revocation.proposed_at))).all()
    return [r for r in rows if all(s.get("department") != department for s in r.signatures)]
