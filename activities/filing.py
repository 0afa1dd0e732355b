"""The yearly filing's activities: the reminder/escalation plan (the calendar is read here, so every plan is
recorded in history), the filing content drawn from the read model, and the recorded versions and status."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select
from temporalio import activity

from config import FilingSettings
from contracts.filing import (
    FilingEntry,
    FilingPlan,
    PlanRequest,
    RecordedVersion,
    RecordRequest,
    ReminderSlot,
    StatusProjected,
    StatusProjection,
)
from db.filing import FilingStatus, FilingVersion
from db.queries import filing as filing_queries
from db.session import insert_ignore, session_for
from state.calendar import TZ, WorkingDayCalendar
from state.domain import type_key

log = logging.getLogger(__name__)


# ---- the plan ------------------------------------------------------------------------------------
def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


def working_days_late(calendar: WorkingDayCalendar, deadline_day: date, on: date) -> int:
    """Working days past the deadline day, a day off counting as the next working day (a filing on the
    Saturday after a Friday deadline is as late as one on Monday: 1)."""
    return max(0, calendar.working_days_between(deadline_day, calendar.nth_working_day(on, 1)))


def plan_for(settings: FilingSettings, calendar: WorkingDayCalendar, req: PlanRequest) -> FilingPlan:
    """The year's reminders, first escalation and deadline for one county.

    One reminder per moment: offsets that land on the same moment (a deadline on a day off makes "1 working
    day before" and "on the day", the last working day before it, meet) make one reminder, the one with the
    smallest offset, nearest the deadline, whose wording is the true one that day ("今天是截止前最后一个工作日",
    not "距截止还有1个工作日")."""
    deadline_day = settings.deadline_day(req.year)
    last_working = (
        deadline_day if calendar.is_working_day(deadline_day) else calendar.add_working_days(deadline_day, -1)
    )
    by_moment: dict[datetime, ReminderSlot] = {}
    for k in settings.filing_reminder_offsets:
        at = _at(calendar.add_working_days(deadline_day, -k) if k else last_working, settings.filing_notice_hour)
        if at not in by_moment or k < by_moment[at].offset:
            by_moment[at] = ReminderSlot(offset=k, at=at)
    reminders = sorted(by_moment.values(), key=lambda r: -r.offset)
    base = req.escalation_after or deadline_day
    step = settings.filing_escalation_every if req.escalation_after else 1
    escalation_day = calendar.add_working_days(base, step)
    earliest = min([r.at.date() for r in reminders] + [deadline_day])
    deadline_at = datetime.combine(deadline_day + timedelta(days=1), time(0), tzinfo=TZ)
    return FilingPlan(
        county=req.county,
        year=req.year,
        deadline_day=deadline_day,
        deadline_at=deadline_at,
        reminders=reminders,
        next_escalation_at=_at(escalation_day, settings.filing_notice_hour),
        next_escalation_days_late=working_days_late(calendar, deadline_day, escalation_day),
        confirmed=calendar.span_confirmed(earliest, escalation_day),
        corrections_until=deadline_at + timedelta(days=settings.filing_corrections_days),
    )


# ---- the content ---------------------------------------------------------------------------------


def entry_json(e: FilingEntry) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "application_id": e.application_id,
        "institution_name": e.institution_name,
        "institution_type": type_key(e.institution_type),
        "credit_code": e.credit_code,
        "document_no": e.document_no,
        "announced_on": e.announced_on.isoformat(),
        "plaque_no": e.plaque_no,
        "state": e.state.value,
        "remark": e.remark,
    }


def entry_from_json(d: dict[str, Any]) -> FilingEntry:
    return FilingEntry(**{**d, "announced_on": date.fromisoformat(d["announced_on"])})


def digest_of(entries: list[FilingEntry]) -> str:
    canonical = json.dumps([entry_json(e) for e in entries], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _recorded(row: FilingVersion) -> RecordedVersion:
    return RecordedVersion(
        version=row.version,
        kind=row.kind,
        filed_at=row.filed_at if row.filed_at.tzinfo else row.filed_at.replace(tzinfo=UTC),
        on_time=row.on_time,
        working_days_late=row.working_days_late,
        digest=row.digest,
        entries=[entry_from_json(d) for d in row.entries],
    )


def _version_row(s: Session, county: str, year: int, version: int) -> FilingVersion | None:
    return s.exec(
        select(FilingVersion).where(
            FilingVersion.county == county, FilingVersion.year == year, FilingVersion.version == version
        )
    ).first()


class FilingActivities:
    def __init__(self, database_url: str, settings: FilingSettings):
        self.database_url = database_url
        self.settings = settings

    def _calendar(self) -> WorkingDayCalendar:
        # Read on every call: an official arrangement loaded later counts at once (and is recorded).
        return WorkingDayCalendar.from_file(self.settings.calendar_overrides)

    @activity.defn
    def compute_filing_plan(self, req: PlanRequest) -> FilingPlan:
        return plan_for(self.settings, self._calendar(), req)

    @activity.defn
    def record_filing_version(self, req: RecordRequest) -> RecordedVersion:
        """Record version ``req.version`` once; a retry (or a repeat) answers the version recorded before."""
        with session_for(self.database_url) as s:
            existing = _version_row(s, req.county, req.year, req.version)
            if existing is not None:
                return _recorded(existing)
            entries = filing_queries.generate_entries(s, req.county, req.year)
            digest = digest_of(entries)
            on_time = req.filed_at <= req.deadline_at
            late = (
                0
                if on_time
                else max(
                    1, working_days_late(self._calendar(), req.deadline_day, filing_queries.local_day(req.filed_at))
                )
            )
            if digest != req.expected_digest:
                return RecordedVersion(
                    req.version, req.kind, req.filed_at, on_time, late, digest, entries, digest_mismatch=True
                )
            insert_ignore(
                s,
                FilingVersion,
                {
                    "county": req.county,
                    "year": req.year,
                    "version": req.version,
                    "kind": req.kind,
                    "actor_user_id": req.actor.user_id,
                    "actor_name": req.actor.name,
                    "reason": req.reason,
                    "note": req.note,
                    "filed_at": req.filed_at,
                    "on_time": on_time,
                    "working_days_late": late,
                    "digest": digest,
                    "entries": [entry_json(e) for e in entries],
                },
                ["county", "year", "version"],
            )
            s.commit()
            row = _version_row(s, req.county, req.year, req.version)
            assert row is not None
            log.info("filing %s %d v%d recorded (%d entries)", req.county, req.year, req.version, len(entries))
            return _recorded(row)

    @activity.defn
    def project_filing_status(self, p: StatusProjection) -> StatusProjected:
        row = {
            "county": p.county,
            "year": p.year,
            "workflow_id": p.workflow_id,
            "deadline_day": p.deadline_day,
            "deadline_at": p.deadline_at,
            "state": p.state.value,
            "filed_at": p.filed_at,
            "working_days_late": p.working_days_late,
            "current_version": p.current_version,
            "reminders_sent": p.reminders_sent,
            "escalations_sent": p.escalations_sent,
            "plan_confirmed": p.plan_confirmed,
            "seq": p.seq,
            "updated_at": p.at,
        }
        key = f"{p.county}:{p.year}"
        with session_for(self.database_url) as s:
            created = insert_ignore(s, FilingStatus, {"id": key, **row}, ["id"])
            moved = s.exec(
                update(FilingStatus).where(col(FilingStatus.id) == key, col(FilingStatus.seq) < p.seq).values(**row)
            ).rowcount
            s.commit()
        return StatusProjected(written=created or moved == 1)
