"""The 标杆机构名录: every title the three departments announced (in this system, or imported from before it), with
the document that announced it, its plaque, and, if it was revoked, when."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import and_, case, or_
from sqlalchemy.orm import QueryableAttribute
from sqlmodel import Session, col, func, select

from db.models import Application, ApplicationEvent
from db.revocations import revoked_for
from db.rounds import HistoricTitle
from state.clock import shanghai_date
from state.domain import COUNTIES, Act, InstitutionType, Level, Stage

HELD_OR_REVOKED = (Stage.announced, Stage.plaque_awarded, Stage.revoked)


@dataclass(frozen=True)
class Title:
    institution_name: str
    institution_type: str  # an InstitutionType value
    county: str
    level: Level
    document_no: str
    announced_on: date | None
    plaque_no: str
    revoked_on: date | None = None
    revocation_no: str = ""  # the 撤销决定's 文号 (a revocation before the joint decision has none)


def _day(moment: datetime) -> date:
    return shanghai_date(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


_DETAILS = cast("QueryableAttribute[dict[str, Any]]", ApplicationEvent.details)
_ANNOUNCING = and_(  # by itself (its third co-signature) or by its batch (announce)
    col(ApplicationEvent.act).in_([Act.co_sign, Act.announce]), col(ApplicationEvent.state_after) == Stage.announced
)


def _last(condition: Any, value: Any) -> Any:
    """The value of the act that meets ``condition`` (each title has at most one of each), aggregated per title."""
    return func.max(case((condition, value)))


# One row per titled application, its acts folded in by the database: the directory reads no act row itself.
_TITLES: tuple[Any, ...] = (
    Application.institution_name,
    Application.institution_type,
    Application.county,
    Application.level,
    _last(_ANNOUNCING, _DETAILS["document_no"].as_string()),
    _last(_ANNOUNCING, ApplicationEvent.at),
    _last(ApplicationEvent.act == Act.award, _DETAILS["plaque_no"].as_string()),
    _last(ApplicationEvent.act == Act.revoke, ApplicationEvent.at),
    _last(ApplicationEvent.act == Act.revoke, _DETAILS["document_no"].as_string()),
)


def _from_applications(session: Session) -> list[Title]:
    """One statement: each titled application's columns the directory shows, with its announcing co-signature's
    document and day, its plaque and its revocation's day (a title without them yet: empty)."""
    wanted = and_(
        col(ApplicationEvent.application_id) == col(Application.id),
        or_(_ANNOUNCING, col(ApplicationEvent.act).in_([Act.award, Act.revoke])),
    )
    rows = session.exec(
        select(*_TITLES)
        .join(ApplicationEvent, wanted, isouter=True)
        .where(col(Application.state).in_(HELD_OR_REVOKED))
        .group_by(col(Application.id))
    ).all()
    return [
        Title(
            institution_name=name,
            institution_type=InstitutionType(kind).value,
            county=county,
            level=Level(level),
            document_no=document_no or "",
            announced_on=_day(announced_at) if announced_at else None,
            plaque_no=plaque_no or "",
            revoked_on=_day(revoked_at) if revoked_at else None,
            revocation_no=revocation_no or "",
        )
        for name, kind, county, level, document_no, announced_at, plaque_no, revoked_at, revocation_no in rows
    ]


def _imported(session: Session) -> list[Title]:
    """The imported titles, each with the decision that revoked it, if one did (db/revocations.py)."""
    imported = session.exec(select(HistoricTitle)).all()
    revoked = revoked_for(session, "historic", [str(t.id) for t in imported])
    return [
        Title(
            institution_name=t.institution_name,
            institution_type=t.institution_type,
            county=t.county,
            level=Level(t.level),
            document_no=t.document_no,
            announced_on=t.awarded_on,
            plaque_no=t.plaque_no,
            revoked_on=decision.decided_on if (decision := revoked.get(str(t.id))) else None,
            revocation_no=(decision.document_no or "") if decision else "",
        )
        for t in imported
    ]


def directory(session: Session) -> list[Title]:
    """City level first, then county level; within each by county in the notice's order, then by name."""
    order = {c: i for i, c in enumerate(COUNTIES)}
    titles = _from_applications(session) + _imported(session)
    return sorted(
        titles,
        key=lambda t: (t.level != Level.city, order.get(t.county, len(order)), t.institution_name, t.document_no),
    )
