"""Reads of the yearly filing: the titles a county files for a year (its draft), its recorded versions, the board."""

from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy.orm import QueryableAttribute, defer
from sqlmodel import Session, col, select

from contracts.filing import FilingEntry
from db import models
from db.filing import FilingDelivery, FilingStatus, FilingVersion
from state.calendar import TZ
from state.domain import Act, Level, Stage

TITLED = (Stage.announced, Stage.plaque_awarded, Stage.revoked)
# The institution's full record, left unread (an entry does not show it).
_INSTITUTION = cast("QueryableAttribute[dict[str, Any]]", models.Application.institution)


def local_day(moment: datetime) -> date:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(TZ).date()


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year in Asia/Shanghai, as UTC moments [start, end)."""
    return (
        datetime(year, 1, 1, tzinfo=TZ).astimezone(UTC),
        datetime(year + 1, 1, 1, tzinfo=TZ).astimezone(UTC),
    )


def generate_entries(session: Session, county: str, year: int) -> list[FilingEntry]:
    """The county-level titles announced in ``county`` in ``year`` (Asia/Shanghai), from the read model:
    the announcement is the co-signature that moved the application to 'announced'. The year's announcements are
    found by the database (the county's other years are not read)."""
    start, end = _year_bounds(year)
    announced_in_year = (
        select(models.ApplicationEvent.application_id)
        .join(models.Application, col(models.Application.id) == col(models.ApplicationEvent.application_id))
        .where(
            models.Application.level == Level.county,
            models.Application.county == county,
            col(models.Application.state).in_(TITLED),
            col(models.ApplicationEvent.act).in_([Act.co_sign, Act.announce]),  # by itself, or by its batch
            models.ApplicationEvent.state_after == Stage.announced,
            col(models.ApplicationEvent.at) >= start - timedelta(days=1),  # a day's margin: the exact day below
            col(models.ApplicationEvent.at) < end + timedelta(days=1),
        )
    )
    apps = session.exec(
        select(models.Application).where(col(models.Application.id).in_(announced_in_year)).options(defer(_INSTITUTION))
    ).all()
    if not apps:
        return []
    events = session.exec(
        select(models.ApplicationEvent)
        .where(
            col(models.ApplicationEvent.application_id).in_([a.id for a in apps]),
            col(models.ApplicationEvent.act).in_([Act.co_sign, Act.announce, Act.award, Act.revoke]),
        )
        .order_by(col(models.ApplicationEvent.application_id), col(models.ApplicationEvent.seq))
    ).all()
    by_app: dict[str, list[models.ApplicationEvent]] = {}
    for e in events:
        by_app.setdefault(e.application_id, []).append(e)
    rows: list[FilingEntry] = []
    for a in apps:
        mine = by_app.get(a.id, [])
        announced = next(
            (e for e in mine if e.act in (Act.co_sign, Act.announce) and e.state_after == Stage.announced), None
        )
        if announced is None or local_day(announced.at).year != year:
            continue
        award = next((e for e in mine if e.act == Act.award), None)
        revoked = next((e for e in mine if e.act == Act.revoke), None)
        remark = f"已于{local_day(revoked.at).isoformat()}撤销" if revoked else ""
        rows.append(
            FilingEntry(
                seq=0,
                application_id=a.id,
                institution_name=a.institution_name,
                institution_type=a.institution_type,
                credit_code=a.credit_code,
                document_no=str(announced.details.get("document_no", "")),
                announced_on=local_day(announced.at),
                plaque_no=str(award.details.get("plaque_no", "")) if award else "",
                state=a.state,
                remark=remark,
            )
        )
    rows.sort(key=lambda r: (r.announced_on, r.institution_name, r.application_id))
    for i, r in enumerate(rows, 1):
        r.seq = i
    return rows


def versions(session: Session, county: str, year: int) -> list[FilingVersion]:
    return list(
        session.exec(
            select(FilingVersion)
            .where(FilingVersion.county == county, FilingVersion.year == year)
            .order_by(col(FilingVersion.version))
        ).all()
    )


def statuses(session: Session, year: int) -> dict[str, FilingStatus]:
    """The board's row of each county that has one for ``year``."""
    return {r.county: r for r in session.exec(select(FilingStatus).where(FilingStatus.year == year)).all()}


def versions_of_year(session: Session, year: int) -> dict[str, list[FilingVersion]]:
    """Every county's recorded versions for ``year``, oldest first (the board lists them)."""
    out: dict[str, list[FilingVersion]] = {}
    rows = session.exec(
        select(FilingVersion).where(FilingVersion.year == year).order_by(FilingVersion.county, FilingVersion.version)  # type: ignore[arg-type]
    ).all()
    for v in rows:
        out.setdefault(v.county, []).append(v)
    return out


def deliveries(session: Session, county: str, year: int) -> dict[int, dict[str, FilingDelivery]]:
    """Where each recorded version of the county's filing went: version -> addressee -> its delivery."""
    out: dict[int, dict[str, FilingDelivery]] = {}
    q = select(FilingDelivery).where(FilingDelivery.county == county, FilingDelivery.year == year)
    for d in session.exec(q).all():
        out.setdefault(d.version, {})[d.addressee] = d
    return out


def deliveries_of_year(session: Session, year: int) -> dict[str, dict[int, dict[str, FilingDelivery]]]:
    """The same for every county of ``year``: county -> version -> addressee -> delivery (the board)."""
    out: dict[str, dict[int, dict[str, FilingDelivery]]] = {}
    for d in session.exec(select(FilingDelivery).where(FilingDelivery.year == year)).all():
        out.setdefault(d.county, {}).setdefault(d.version, {})[d.addressee] = d
    return out
