"""The 标杆机构名录: every title the three departments announced (in this system, or imported from before it), with
the document that announced it, its plaque, and, if it was revoked, when."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from db.models import Application, ApplicationEvent
from db.rounds import HistoricTitle
from state.clock import shanghai_date
from state.domain import COUNTIES, Act, Level, Stage

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


def _day(moment: datetime) -> date:
    return shanghai_date(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _from_applications(session: Session) -> list[Title]:
    rows = session.exec(select(Application).where(col(Application.state).in_(HELD_OR_REVOKED))).all()
    if not rows:
        return []
    events = session.exec(
        select(ApplicationEvent)
        .where(
            col(ApplicationEvent.application_id).in_([r.id for r in rows]),
            col(ApplicationEvent.act).in_([Act.co_sign, Act.award, Act.revoke]),
        )
        .order_by(col(ApplicationEvent.seq))
    ).all()
    facts: dict[str, dict[str, Any]] = {r.id: {} for r in rows}
    for e in events:
        held = facts[e.application_id]
        if e.act == Act.co_sign and e.state_after == Stage.announced:
            held["document_no"], held["announced_on"] = (e.details or {}).get("document_no", ""), _day(e.at)
        elif e.act == Act.award:
            held["plaque_no"] = (e.details or {}).get("plaque_no", "")
        elif e.act == Act.revoke:
            held["revoked_on"] = _day(e.at)
    return [
        Title(
            institution_name=r.institution_name,
            institution_type=r.institution_type.value,
            county=r.county,
            level=r.level,
            document_no=facts[r.id].get("document_no", ""),
            announced_on=facts[r.id].get("announced_on"),
            plaque_no=facts[r.id].get("plaque_no", ""),
            revoked_on=facts[r.id].get("revoked_on"),
        )
        for r in rows
    ]


def _imported(session: Session) -> list[Title]:
    return [
        Title(
            institution_name=t.institution_name,
            institution_type=t.institution_type,
            county=t.county,
            level=Level(t.level),
            document_no=t.document_no,
            announced_on=t.awarded_on,
            plaque_no=t.plaque_no,
        )
        for t in session.exec(select(HistoricTitle)).all()
    ]


def directory(session: Session) -> list[Title]:
    """City level first, then county level; within each by county in the notice's order, then by name."""
    order = {c: i for i, c in enumerate(COUNTIES)}
    titles = _from_applications(session) + _imported(session)
    return sorted(
        titles,
        key=lambda t: (t.level != Level.city, order.get(t.county, len(order)), t.institution_name, t.document_no),
    )
