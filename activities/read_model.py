"""Activities that project each accepted act into the read model, idempotently (key: application + seq)."""

import logging
from typing import Any

from sqlalchemy import Connection, bindparam, update
from sqlmodel import select
from temporalio import activity

from contracts.application import (
    InstitutionLookup,
    Objection,
    ObjectionRegistration,
    ProgramRef,
    Projected,
    Projection,
    Registered,
    RelatedApplications,
)
from db import models
from db.numbers import assign_number
from db.session import get_engine, insert_ignore, session_for
from programs.load import first_program_id
from regions.catalog import DEPLOYMENT
from state.domain import Act, Actor, type_key
from state.machine import FINAL_STAGES

log = logging.getLogger(__name__)


def _actor_columns(actor: Actor) -> dict[str, Any]:
    return {
        "actor_user_id": actor.user_id,
        "actor_name": actor.name,
        "actor_role": actor.role,
        "actor_department": actor.department.value if actor.department else None,
        "actor_county": actor.county,
    }


def _objection_row(application_id: str, o: Objection) -> dict[str, Any]:
    return {
        "id": o.objection_id,
        "application_id": application_id,
        "name": o.name,
        "contact": o.contact,
        "content": o.content,
        "lodged_at": o.lodged_at,
    }


def program_columns(program: ProgramRef | None) -> dict[str, Any]:
    """The program an application was declared into, its version and its city (set once, with the first row)."""
    if program is None:  # declared before programs were data: the first program's version 1, in the deployment's city
        return {"program_id": first_program_id(), "program_version": 1, "city": DEPLOYMENT.name}
    return {"program_id": program.id, "program_version": program.version, "city": program.city}


def project_into(connection: Connection, p: Projection) -> bool:
    """The projection of one act, in the caller's transaction; True when the act's event row was written.
    ``p.institution`` travels with the declaration only (None after): the row keeps what it was given then."""
    notice = p.notice
    row: dict[str, Any] = {
        "level": p.level,
        "county": p.county,
        "round_id": p.round_id,
        "institution_name": p.institution_name,
        "institution_type": type_key(p.institution_type),
        "credit_code": p.credit_code,
        "state": p.state,
        "notice_published_on": notice.published_on if notice else None,
        "notice_first_day": notice.first_day if notice else None,
        "notice_last_day": notice.last_day if notice else None,
        "notice_ends_at": notice.ends_at if notice else None,
        "notice_confirmed": notice.confirmed if notice else None,
        "notice_source_url": notice.source_url or None if notice else None,
        "notice_recorded_on": notice.recorded_on if notice else None,
        "flagged": p.flagged,
        "version": p.act.seq,
        "updated_at": p.act.at,
    }
    if p.institution is not None:
        row["institution"] = p.institution
    first = {
        "id": p.application_id,
        "workflow_id": p.workflow_id,
        "declared_at": p.act.at,
        "institution": {},
        **program_columns(p.program),
        **row,
    }
    insert_ignore(connection, models.Application, first, ["id"])
    if p.act.act == Act.declare:  # numbered once, with the declaration (a replay or a retry finds its number)
        assign_number(connection, p.application_id, p.county, p.act.at)
    for o in p.lodged:
        insert_ignore(connection, models.Objection, _objection_row(p.application_id, o), ["id"])
    connection.execute(_MOVE_FORWARD, {"_id": p.application_id, "_seq": p.act.seq, **row})
    written = insert_ignore(
        connection,
        models.ApplicationEvent,
        {
            "application_id": p.application_id,
            "seq": p.act.seq,
            "act": p.act.act,
            "reason": p.act.reason,
            "state_after": p.act.state_after,
            "at": p.act.at,
            "details": p.act.details,
            **_actor_columns(p.act.actor),
        },
        ["application_id", "seq"],
    )
    for o in p.objections:
        if o.upheld is not None:
            connection.execute(
                _FINDING, {"_id": o.objection_id, "upheld": o.upheld, "finding": o.finding, "found_at": o.found_at}
            )
    return written


_APPLICATION = models.Application.__table__  # type: ignore[attr-defined]
_MOVE_FORWARD = update(_APPLICATION).where(
    _APPLICATION.c.id == bindparam("_id"), _APPLICATION.c.version < bindparam("_seq")
)
_OBJECTION = models.Objection.__table__  # type: ignore[attr-defined]
_FINDING = update(_OBJECTION).where(_OBJECTION.c.id == bindparam("_id"))


class ReadModelActivities:
    def __init__(self, database_url: str):
        self.database_url = database_url

    @activity.defn
    def project(self, p: Projection) -> Projected:
        """Write the act once and move the application row forward (never backward) to this act's view."""
        with get_engine(self.database_url).begin() as connection:
            written = project_into(connection, p)
        log.info("projected %s #%d %s -> %s", p.application_id, p.act.seq, p.act.act.value, p.state.value)
        return Projected(event_written=written)

    @activity.defn
    def register_objection(self, r: ObjectionRegistration) -> Registered:
        o = r.objection
        with session_for(self.database_url) as s:
            created = insert_ignore(s, models.Objection, _objection_row(r.application_id, o), ["id"])
            s.commit()
        return Registered(objection_id=o.objection_id, created=created)

    @activity.defn
    def find_related_applications(self, q: InstitutionLookup) -> RelatedApplications:
        """Live applications of the same institution at ``level`` (for the revocation cascade)."""
        final = list(FINAL_STAGES)
        with session_for(self.database_url) as s:
            rows = s.exec(
                select(models.Application.workflow_id).where(
                    models.Application.credit_code == q.credit_code,
                    models.Application.level == q.level,
                    models.Application.id != q.exclude_application_id,
                    models.Application.state.not_in(final),  # type: ignore[attr-defined]
                )
            ).all()
        return RelatedApplications(workflow_ids=sorted(rows))
