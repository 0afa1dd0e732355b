"""Quota and period activities: the database side of QuotaWorkflow and PeriodWorkflow.

Places are counted from the database every time a reservation is served: the places held by applications
now rejected or withdrawn are released first (a revoked title keeps its place for the period until an admin
releases it, with a reason: ``release_place``), then titles that hold no place yet (imported
historic titles of the period, applications that reached the notice without a round) are given one, and
only then is what remains granted. Every write is keyed, so a retried activity changes nothing twice.
"""

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from contracts.quota import (
    CITY_SCOPE,
    PeriodChangeRecord,
    PlaceGrant,
    PlaceReleased,
    PlaceReleaseRecord,
    PlaceRequest,
    QuotaChangeRecord,
    Recorded,
)
from contracts.refusals import RefusalKind, refuse
from contracts.rules import engine as rules
from contracts.rules import places as place_rules
from db import models
from db.rounds import (
    EvaluationRound,
    HistoricTitle,
    Period,
    PeriodChange,
    QuotaChange,
    QuotaPlace,
)
from db.session import get_engine, insert_ignore
from state.domain import Actor, Level, Stage
from state.labels import STAGES
from state.machine import FINAL_STAGES

log = logging.getLogger(__name__)

# An application that ends without a title gives its place back; a revoked title was awarded, and keeps its place
# for the period (so no more titles are awarded than the quota) until an admin releases it (``release_place``).
RELEASING = FINAL_STAGES - {Stage.revoked}
# Stages that hold a place, for titles placed before every notice reserved its own (they are placed on the next
# reservation): under notice, announced, awarded. A reviewed application holds one only once a round chose it or
# its notice reserved it (activities/places.py).
HELD = (Stage.publicized, Stage.announced, Stage.plaque_awarded)
HOLDING: dict[Level, tuple[Stage, ...]] = {Level.city: HELD, Level.county: HELD}


def _unknown_period(period_id: str) -> ApplicationError:
    return refuse(RefusalKind.invalid_input, rules.PERIOD_UNKNOWN, period_id=period_id)


def _actor(a: Actor) -> dict[str, Any]:
    return {
        "actor_user_id": a.user_id,
        "actor_name": a.name,
        "actor_role": a.role.value,
    }


def _period(s: Session, period_id: str) -> Period:
    period = s.get(Period, period_id)
    if period is None:
        raise _unknown_period(period_id)
    return period


def released_by_end(state: Stage) -> str:
    """What a place released by its application's end records, in Chinese."""
    return f"申报{STAGES[state]}，名额随之释放"


def _scope_of(level: Level, county: str) -> str:
    return CITY_SCOPE if level == Level.city else county


@dataclass
class Reconciliation:
    active: list[QuotaPlace]
    release: list[tuple[QuotaPlace, Stage]]
    unplaced: list[str]  # application ids ("historic:<id>" for imported titles) holding a title without a place


def reconcile(s: Session, period: Period, level: Level, scope: str) -> Reconciliation:
    """What the database says about one scope's places now (reads only)."""
    active = list(
        s.exec(
            select(QuotaPlace).where(
                QuotaPlace.period_id == period.id,
                QuotaPlace.level == level.value,
                QuotaPlace.scope == scope,
                col(QuotaPlace.released_at).is_(None),
            )
        ).all()
    )
    ids = [p.application_id for p in active]
    states = (
        {
            app_id: Stage(state)
            for app_id, state in s.exec(
                select(models.Application.id, models.Application.state).where(col(models.Application.id).in_(ids))
            ).all()
        }
        if ids
        else {}
    )
    release = [(p, states[p.application_id]) for p in active if states.get(p.application_id) in RELEASING]
    placed_anywhere = set(s.exec(select(QuotaPlace.application_id).where(col(QuotaPlace.released_at).is_(None))).all())
    rounds = select(EvaluationRound.id).where(EvaluationRound.period_id == period.id)
    q = select(
        models.Application.id,
        models.Application.round_id,
        models.Application.declared_at,
    ).where(
        models.Application.level == level,
        col(models.Application.state).in_(HOLDING[level]),
    )
    if level == Level.county:
        q = q.where(models.Application.county == scope)
    in_rounds = set(s.exec(rounds).all())
    unplaced = []
    for app_id, round_id, declared_at in s.exec(q).all():
        belongs = round_id in in_rounds if round_id else period.start_year <= declared_at.year <= period.end_year
        if belongs and app_id not in placed_anywhere:
            unplaced.append(app_id)
    hq = select(col(HistoricTitle.id), col(HistoricTitle.awarded_on)).where(HistoricTitle.level == level.value)
    if level == Level.county:
        hq = hq.where(HistoricTitle.county == scope)
    for hid, awarded_on in s.exec(hq).all():
        key = f"historic:{hid}"
        if period.start_year <= awarded_on.year <= period.end_year and key not in placed_anywhere:
            unplaced.append(key)
    return Reconciliation(active=active, release=release, unplaced=sorted(unplaced))


def live_usage(database_url: str, period_id: str, level: Level, scopes: list[str]) -> dict[str, int]:
    """Places in use per scope as the next reservation would count them (read only; for the API)."""
    with Session(get_engine(database_url)) as s:
        period = s.get(Period, period_id)
        if period is None:
            return {}
        out = {}
        for scope in scopes:
            r = reconcile(s, period, level, scope)
            out[scope] = len(r.active) - len(r.release) + len(r.unplaced)
        return out


class QuotaActivities:
    def __init__(self, database_url: str):
        self.database_url = database_url

    @activity.defn
    def record_quota_change(self, r: QuotaChangeRecord) -> Recorded:
        written = 0
        with Session(get_engine(self.database_url)) as s:
            _period(s, r.period_id)
            for scope, new in sorted(r.new.items()):
                row = {
                    "key": r.key,
                    "period_id": r.period_id,
                    "level": r.level.value,
                    "scope": scope,
                    "old_total": r.old.get(scope),
                    "new_total": new,
                    "reason": r.reason,
                    "at": r.at,
                    "details": dict(r.details),
                    **_actor(r.actor),
                }
                written += insert_ignore(s, QuotaChange, row, ["key", "scope"])
            s.commit()
        return Recorded(written=written)

    @activity.defn
    def record_period_change(self, r: PeriodChangeRecord) -> Recorded:
        new = r.new
        with Session(get_engine(self.database_url)) as s:
            written = insert_ignore(
                s,
                PeriodChange,
                {
                    "key": r.key,
                    "period_id": new.period_id,
                    "old": r.old.__dict__ if r.old else None,
                    "new": dict(new.__dict__),
                    "reason": r.reason,
                    "at": r.at,
                    **_actor(r.actor),
                },
                ["key"],
            )
            values = {
                "name": new.name,
                "start_year": new.start_year,
                "end_year": new.end_year,
                "updated_at": r.at,
            }
            if not insert_ignore(s, Period, {"id": new.period_id, **values}, ["id"]):
                s.exec(update(Period).where(col(Period.id) == new.period_id).values(**values))
            s.commit()
        return Recorded(written=int(written))

    @activity.defn
    def reserve_places(self, r: PlaceRequest) -> PlaceGrant:
        """Release, place the unplaced, then grant up to what remains, in the order asked; one transaction."""
        with Session(get_engine(self.database_url)) as s:
            period = _period(s, r.period_id)
            rec = reconcile(s, period, r.level, r.scope)
            for place, state in rec.release:
                place.released_at = r.at
                place.release_reason = released_by_end(state)
                s.add(place)
            s.flush()
            held = {p.application_id: p.slot_no for p in rec.active if p.released_at is None}
            taken = set(held.values())

            def hold(application_id: str, round_id: str) -> None:
                slot = next(n for n in range(1, len(taken) + 2) if n not in taken)
                taken.add(slot)
                held[application_id] = slot
                s.add(
                    QuotaPlace(
                        period_id=period.id,
                        level=r.level.value,
                        scope=r.scope,
                        slot_no=slot,
                        application_id=application_id,
                        round_id=round_id,
                        reserved_at=r.at,
                    )
                )

            for application_id in rec.unplaced:
                hold(application_id, "")
            asked = set(r.application_ids)
            # Places this request could have: a retried request finds its own places already held.
            available = max(0, r.total - sum(1 for a in held if a not in asked))
            granted, left = [], available - sum(1 for a in held if a in asked)
            for application_id in r.application_ids:
                if application_id in held:
                    granted.append(application_id)
                elif left > 0:
                    hold(application_id, r.round_id)
                    granted.append(application_id)
                    left -= 1
            released = [p.application_id for p, _ in rec.release]
            s.commit()
            used = s.exec(
                select(func.count())
                .select_from(QuotaPlace)
                .where(
                    QuotaPlace.period_id == period.id,
                    QuotaPlace.level == r.level.value,
                    QuotaPlace.scope == r.scope,
                    col(QuotaPlace.released_at).is_(None),
                )
            ).one()
        log.info(
            "quota %s/%s/%s: granted %d of %d asked",
            r.period_id,
            r.level.value,
            r.scope,
            len(granted),
            len(r.application_ids),
        )
        return PlaceGrant(
            granted=granted,
            available=available,
            used_after=int(used),
            released=released,
            placed=rec.unplaced,
        )

    @activity.defn
    def release_place(self, r: PlaceReleaseRecord) -> PlaceReleased:
        """Release the place a revoked title keeps, recording who and why; a retry finds its release done."""
        with Session(get_engine(self.database_url)) as s:
            done = s.exec(select(QuotaPlace).where(QuotaPlace.release_key == r.key)).first()
            place = (
                done
                or s.exec(
                    select(QuotaPlace).where(
                        QuotaPlace.period_id == r.period_id,
                        QuotaPlace.level == r.level.value,
                        QuotaPlace.application_id == r.application_id,
                        col(QuotaPlace.released_at).is_(None),
                    )
                ).first()
            )
            if place is None:
                raise refuse(
                    RefusalKind.act_not_allowed,
                    place_rules.PLACE_NOT_HELD,
                    period_id=r.period_id,
                    application_id=r.application_id,
                )
            if done is None:
                application = s.get(models.Application, r.application_id)
                state = Stage(application.state) if application is not None else None
                if state != Stage.revoked:
                    raise refuse(
                        RefusalKind.act_not_allowed,
                        place_rules.PLACE_NOT_REVOKED,
                        application_id=r.application_id,
                        state=state.value if state else None,
                        state_label=STAGES[state] if state else "历史称号",
                    )
                place.released_at = r.at
                place.release_reason = r.reason
                place.released_by_user_id = r.actor.user_id
                place.released_by_name = r.actor.name
                place.released_by_role = r.actor.role.value
                place.release_key = r.key
                s.add(place)
                s.commit()
                s.refresh(place)
            used = s.exec(
                select(func.count())
                .select_from(QuotaPlace)
                .where(
                    QuotaPlace.period_id == place.period_id,
                    QuotaPlace.level == place.level,
                    QuotaPlace.scope == place.scope,
                    col(QuotaPlace.released_at).is_(None),
                )
            ).one()
            log.info(
                "quota %s/%s/%s: place %d released by an admin", r.period_id, r.level.value, place.scope, place.slot_no
            )
            return PlaceReleased(
                application_id=r.application_id, scope=place.scope, slot_no=place.slot_no, used_after=int(used)
            )
