"""Reads for the to-do list (待办): the acts on record that tell when each waiting act arrived, its deadline (a
return for correction names it) and how often it was urged (催办), and the yearly filings a county still owes. One
query each for all the applications of a list: no Temporal call per item."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from db.filing import FilingStatus
from db.models import ApplicationEvent
from state.domain import Act, Stage

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
