"""Batches (批次公布): the applications one joint 公布文件 announces. Formed by the level's owner, co-signed once by
each of the level's three departments; the third signature announces them all and keeps the document, served
here as it was stored (workflows/announcement.py decides; this module admits the caller and reads)."""

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from temporalio.service import RPCError, RPCStatusCode

from contracts.announcement import AnnouncementPlan, AnnouncementView, BatchSignAct, FormationRequest, ProgramWords
from contracts.rules.announcements import (
    ANNOUNCEMENT_BY_OWNER,
    ANNOUNCEMENT_DONE,
    ANNOUNCEMENT_EMPTY,
    ANNOUNCEMENT_MIXED,
    ANNOUNCEMENT_MIXED_PROGRAMS,
    ANNOUNCEMENT_NO_DOCUMENT,
    ANNOUNCEMENT_NOT_FOUND,
)
from db import programs as program_store
from db.announcements import Announcement, batched, counts, listing
from db.queries.programs import programs_of
from db.queries.workbench import live, notice_facts
from db.session import get_engine
from programs.load import first_program_id
from services.access import city_scope, locate, narrowed
from services.context import Context
from services.declarations import store_for
from services.pdf import Pdf
from services.programs import program_of
from services.refusals import Refusal, from_temporal
from state.domain import LEVEL_OWNER, Act, Actor, Department, Level, Role, Stage
from state.labels import LEVEL_TITLES, LEVELS, ROLES
from state.organs import lead_prefix

if TYPE_CHECKING:
    from services.tasks import TaskItem

from workflows.announcement import ANNOUNCED, FORMED, REFUSED, AnnouncementWorkflow, announcement_workflow_id


def _not_found(announcement_id: str) -> Refusal:
    return Refusal(404, ANNOUNCEMENT_NOT_FOUND, announcement_id=announcement_id)


def may_see(actor: Actor, level: Level, county: str | None) -> bool:
    """A county's accounts see their county's batches (and the city's); the city's accounts see every batch."""
    return actor.county is None or level == Level.city or actor.county == county


async def form(ctx: Context, actor: Actor, application_ids: list[str]) -> AnnouncementView:
    """A batch of ``application_ids``, all of one level and county, formed by that level's owner; each application
    must accept joining it (publicized, its notice closed, in no other batch) or none joins."""
    ids = list(dict.fromkeys(application_ids))
    if not ids:
        raise Refusal(422, ANNOUNCEMENT_EMPTY)
    places = [await locate(ctx, application_id, actor) for application_id in ids]
    where = {(p.level, p.county if p.level == Level.county else None) for p in places}
    if len(where) > 1:
        found = "、".join(sorted({f"{LEVELS[p.level]}（{p.county}）" for p in places}))
        raise Refusal(422, ANNOUNCEMENT_MIXED, found=found)
    level, county = where.pop()
    owner = LEVEL_OWNER[level]
    if actor.role != owner or (level == Level.county and actor.county != county):
        owner_label = f"{county}{ROLES[owner]}" if level == Level.county else ROLES[owner]
        raise Refusal(403, ANNOUNCEMENT_BY_OWNER, level_label=LEVELS[level], owner_label=owner_label)
    announcement_id = "B" + uuid.uuid4().hex[:20]
    plan = await _of_its_program(ctx, AnnouncementPlan(announcement_id, level, county, ids, actor))
    try:
        handle = await ctx.client.start_workflow(
            AnnouncementWorkflow.run,
            plan,
            id=announcement_workflow_id(announcement_id),
            task_queue=ctx.settings.task_queue,
        )
        return await handle.execute_update(AnnouncementWorkflow.formation, FormationRequest())
    except Exception as e:  # a member's refusal names the acts left to the caller on it, not to anyone
        raise narrowed(from_temporal(e, "announcement"), actor, level, county or "") from None


def _programs(database_url: str, ids: list[str]) -> dict[str, tuple[str, int, str]]:
    with Session(get_engine(database_url)) as s:
        return programs_of(s, ids)


async def _of_its_program(ctx: Context, plan: AnnouncementPlan) -> AnnouncementPlan:
    """The plan of a batch of another program's applications: its city, the departments that issue at the level,
    the lead organ's 机关代字 and its words. Applications of two programs (or cities) are never one batch."""
    found = await run_in_threadpool(_programs, ctx.database_url, plan.application_ids)
    kinds = {(program_id, city) for program_id, _, city in found.values()}
    if len(kinds) > 1:
        raise Refusal(422, ANNOUNCEMENT_MIXED_PROGRAMS)
    if not found or next(iter(kinds))[0] == first_program_id():
        return plan
    program_id, number, city = next(iter(found.values()))
    row = await run_in_threadpool(program_store.version, ctx.database_url, program_id, number)
    if row is None:
        return plan
    program = program_of(row)
    level = next(lv for lv in program.levels if lv.key == plan.level.value)
    words = ProgramWords(level.full_title, program.terms.product_name, program.terms.title_word)
    return replace(
        plan,
        city=city,
        departments=[Department(d) for d in program.issuing.get(plan.level.value, [])],
        document_prefix=lead_prefix(plan.level, plan.county, city=city),
        words=words,
    )


async def view(ctx: Context, actor: Actor, announcement_id: str) -> AnnouncementView:
    handle = ctx.client.get_workflow_handle(announcement_workflow_id(announcement_id))
    try:
        found: AnnouncementView = await handle.query(AnnouncementWorkflow.view)
    except RPCError as e:
        if e.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
            raise _not_found(announcement_id) from None
        raise from_temporal(e, "announcement") from None
    if found.state == REFUSED or not may_see(actor, found.level, found.county):
        raise _not_found(announcement_id)
    return found


async def co_sign(ctx: Context, actor: Actor, announcement_id: str) -> AnnouncementView:
    """One department's signature for the whole batch; the third announces every application in it."""
    before = await view(ctx, actor, announcement_id)
    if before.state == ANNOUNCED:  # its workflow has ended and takes no update
        raise Refusal(409, ANNOUNCEMENT_DONE, document_no=before.document_no)
    handle = ctx.client.get_workflow_handle(announcement_workflow_id(announcement_id))
    try:
        signed: AnnouncementView = await handle.execute_update(AnnouncementWorkflow.co_sign, BatchSignAct(actor))
    except Exception as e:
        raise from_temporal(e, "announcement") from None
    return signed


async def document(ctx: Context, actor: Actor, announcement_id: str) -> Pdf:
    """The 公布文件 as kept at the third signature: the same bytes every time."""
    batch = await view(ctx, actor, announcement_id)
    if batch.sha256 is None:
        raise Refusal(404, ANNOUNCEMENT_NO_DOCUMENT, announcement_id=announcement_id)
    content = await run_in_threadpool(store_for(ctx.settings).get, batch.sha256)
    return Pdf(content, f"announcement-{announcement_id}.pdf", batch.sha256)


def _announced(ctx: Context, announcement_id: str) -> Announcement | None:
    with ctx.session() as s:
        row = s.get(Announcement, announcement_id)
    return row if row is not None and row.state == ANNOUNCED and row.sha256 is not None else None


async def public_document(ctx: Context, announcement_id: str) -> Pdf:
    """An announced batch's 公布文件, for anyone (主动公开, as the feed links it); a batch not announced is not
    public, and is answered as unknown."""
    row = await run_in_threadpool(_announced, ctx, announcement_id)
    if row is None or row.sha256 is None:
        raise _not_found(announcement_id)
    content = await run_in_threadpool(store_for(ctx.settings).get, row.sha256)
    return Pdf(content, f"announcement-{announcement_id}.pdf", row.sha256)


def _listing(ctx: Context, actor: Actor) -> list[Announcement]:
    with ctx.session() as s:
        rows = listing(s)
    return [r for r in rows if may_see(actor, Level(r.level), r.county) and _for_signer(actor, r)]


def _for_signer(actor: Actor, row: Announcement) -> bool:
    """A department sees the batches of its own level (the city's, or its county's)."""
    if actor.role != Role.department:
        return True
    return (row.level == Level.city.value) == (actor.county is None)


@dataclass(frozen=True)
class Candidate:
    """An application its level's owner may put into a batch: publicized, its notice closed, in no batch."""

    application_id: str
    number: str
    institution_name: str
    county: str
    level: Level


def _candidates(ctx: Context, actor: Actor) -> list[Candidate]:
    level = next((lv for lv, owner in LEVEL_OWNER.items() if owner == actor.role), None)
    if level is None or (level == Level.county and actor.county is None):
        return []
    with ctx.session() as s:
        rows = [
            r for r in live(s, actor.county, city=city_scope(actor)) if r.level == level and r.state == Stage.publicized
        ]
        closed = notice_facts(s, [r.id for r in rows])
        inside = batched(s, [r.id for r in rows])
    return [
        Candidate(r.id, r.number or "", r.institution_name, r.county, Level(r.level))
        for r in rows
        if closed[r.id].closed and r.id not in inside
    ]


async def candidates(ctx: Context, actor: Actor) -> list[Candidate]:
    """The applications ``actor`` (the county bureau for its county's county-level ones, the city reviewers for the
    city-level ones) may form a batch of now, oldest first; none for anyone else."""
    return await run_in_threadpool(_candidates, ctx, actor)


async def batches(ctx: Context, actor: Actor) -> list[Announcement]:
    """Every batch ``actor`` may see, newest first."""
    return await run_in_threadpool(_listing, ctx, actor)


def awaiting_signature(rows: list[Announcement], actor: Actor) -> list[Announcement]:
    """The batches a department still has to sign (its 待办): formed, not signed by its department."""
    if actor.role != Role.department or actor.department is None:
        return []
    mine = actor.department.value
    return [r for r in rows if r.state == FORMED and mine not in r.signed_departments.split(",")]


ANNOUNCEMENT_TASK = "announcement"  # a department's to-do: sign a batch (one per batch, not per application)


def _for_department(session: Session, actor: Actor) -> list[Announcement]:
    rows = [r for r in listing(session) if may_see(actor, Level(r.level), r.county) and _for_signer(actor, r)]
    return awaiting_signature(rows, actor)


def signing_items(actor: Actor, session: Session) -> list["TaskItem"]:
    """A department's batches to sign (会签公布批次), the longest waiting first."""
    from services.tasks import TaskItem  # it imports this module for the to-do

    rows = sorted(_for_department(session, actor), key=lambda r: r.formed_at or datetime.min)
    many = counts(session, [r.id for r in rows])
    return [
        TaskItem(
            act=ANNOUNCEMENT_TASK,
            name="会签公布批次",
            title=f"会签公布批次：{r.document_no}（{r.county or '全市'}·{LEVEL_TITLES[Level(r.level)]}，{many.get(r.id, 0)}家机构）",
            arrived_at=r.formed_at.replace(tzinfo=r.formed_at.tzinfo or UTC) if r.formed_at else None,
            due_at=None,
            overdue=False,
            urged=0,
            link=f"/announcements/{r.id}",
            county=r.county or "",
            level=Level(r.level),
        )
        for r in rows
    ]


def without_batched(session: Session, items: list["TaskItem"]) -> list["TaskItem"]:
    """A co-signature owed on an application in a batch is the batch's, not the application's."""
    signing = [t.application_id for t in items if t.act == Act.co_sign.value and t.application_id]
    inside = batched(session, signing)
    return [t for t in items if not (t.act == Act.co_sign.value and t.application_id in inside)]
