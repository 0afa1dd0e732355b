"""The workbench's 待办: for every live application in the user's scope, the acts the machine allows now (its guards
read from the read model), narrowed to those this user has the authority for (api.access.acts_for, the API's own
rule), grouped by task: "3件待县级审核"."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from api.access import acts_for
from db.models import Application
from db.queries.workbench import NoticeFacts
from state.domain import Act, Actor, separation_refusal
from state.labels import task_label
from state.machine import ApplicationFacts, Procedure

# Acts that wait for someone. Withdrawing and revoking are always possible while allowed, so they are no one's
# to-do; objecting is the public's; the rest are the system's.
WAITING = (
    Act.county_review_pass,
    Act.city_review_pass,
    Act.score,
    Act.publicize,
    Act.dismiss_objection,
    Act.co_sign,
    Act.award,
)


@dataclass
class Task:
    name: str  # 县级审核, 会签, …
    act: Act
    applications: list[Application] = field(default_factory=list)


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
    )
    return acts_for(actor, Procedure(facts).allowed(actor.department), row.level, row.county)


def waiting_for(
    actor: Actor, rows: list[Application], notices: dict[str, NoticeFacts], declarers: dict[str, str] | None = None
) -> list[Task]:
    """The user's to-do, one Task per kind of act, in the procedure's order."""
    now = datetime.now(UTC)
    tasks = {act: Task(task_label(act), act) for act in WAITING}
    remembered: dict[tuple[object, ...], list[Act]] = {}
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
        declarer = (declarers or {}).get(row.id)
        allowed = [a for a in remembered[key] if separation_refusal(a, actor, declarer) is None]
        for act in WAITING:
            if act in allowed and (act != Act.score or row.round_id):  # scores belong to competitive rounds
                tasks[act].applications.append(row)
    return [t for t in tasks.values() if t.applications]
