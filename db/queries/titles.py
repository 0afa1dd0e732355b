"""The 标杆机构名录: every title the three departments announced (in this system, or imported from before it), with
the document that announced it, its plaque, and, if it was revoked, when."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from db.models import Application, ApplicationEvent
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


def _day(moment: datetime) -> date:
    return shanghai_date(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


# What the directory shows of a titled application, and of its acts (SQLModel types the columns as their values).
_COLUMNS: tuple[Any, ...] = (
    Application.id,
    Application.institution_name,
    Application.institution_type,
    Application.county,
    Application.level,
    ApplicationEvent.act,
    ApplicationEvent.state_after,
    ApplicationEvent.at,
    ApplicationEvent.details,
)


def _from_applications(session: Session) -> list[Title]:
    """One statement: the titled applications' columns the directory shows, each beside its announcing, award and
    revocation acts (a title without them yet: once, with nulls). No list of ids is sent back to the database."""
    wanted = (col(ApplicationEvent.application_id) == col(Application.id)) & col(ApplicationEvent.act).in_(
        [Act.co_sign, Act.award, Act.revoke]
    )
    rows = session.exec(
        select(*_COLUMNS)
        .join(ApplicationEvent, wanted, isouter=True)
        .where(col(Application.state).in_(HELD_OR_REVOKED))
        .order_by(col(Application.id), col(ApplicationEvent.seq))
    ).all()
    titles: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {}
    for app_id, name, kind, county, level, act, after, at, details in rows:
        _, held = titles.setdefault(app_id, ((name, kind, county, level), {}))
        if act == Act.co_sign and after == Stage.announced:
            held["document_no"], held["announced_on"] = (details or {}).get("document_no", ""), _day(at)
        elif act == Act.award:
            held["plaque_no"] = (details or {}).get("plaque_no", "")
        elif act == Act.revoke:
            held["revoked_on"] = _day(at)
    return [
        Title(
            institution_name=name,
            institution_type=InstitutionType(kind).value,
            county=county,
            level=Level(level),
            document_no=held.get("document_no", ""),
            announced_on=held.get("announced_on"),
            plaque_no=held.get("plaque_no", ""),
            revoked_on=held.get("revoked_on"),
        )
        for (name, kind, county, level), held in titles.values()
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
