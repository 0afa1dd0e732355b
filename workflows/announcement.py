"""AnnouncementWorkflow: a batch (批次公布), the applications one joint 公布文件 announces.

Formed by the level's owner (services/announcements.py) or by a round's selection (workflows/round.py); each of
the level's three departments co-signs it once; the third signature renders the document once, keeps it, and
announces every application still in the batch."""

import asyncio
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities.announcement import AnnouncementActivities
    from activities.register import RegisterActivities
    from contracts.announcement import (
        AnnounceAct,
        AnnounceMembers,
        AnnouncementPlan,
        AnnouncementView,
        BatchSignAct,
        BatchSignature,
        FormationRequest,
        JoinBatch,
        Member,
        MembersRequest,
        RenderAnnouncement,
    )
    from contracts.refusals import RefusalKind, refusal_from, refuse
    from contracts.register import DrawNumber
    from contracts.rules import RULES
    from contracts.rules import announcements as rules
    from state.authority import authority_refused
    from state.clock import SHANGHAI
    from state.domain import Act, Actor, Department, Level, Stage
    from state.labels import DEPARTMENTS
    from state.organs import lead_prefix

ACTIVITY_TIMEOUT = timedelta(seconds=30)  # an announcement sends one update per application
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
FORMING, REFUSED, FORMED, ANNOUNCED = "forming", "refused", "formed", "announced"
LEFT = frozenset({Stage.rejected, Stage.withdrawn})
REFUSAL_KEPT = timedelta(minutes=5)


def announcement_workflow_id(announcement_id: str) -> str:
    return f"announcement-{announcement_id}"


@workflow.defn
class AnnouncementWorkflow:
    """One batch. Its applications join it first (all or none: ApplicationWorkflow.join_announcement), then its
    document number is drawn from the register (key ``announcement:<id>``).

    Updates: formation (waits until the batch is formed, or raises why it was refused), co_sign (one department,
    once; the third signature renders and keeps the 公布文件 and announces every application still in it).
    Queries: view.
    """

    @workflow.init
    def __init__(self, plan: AnnouncementPlan) -> None:
        self._plan = plan
        self._state = FORMING
        self._members: list[Member] = []
        self._document_no: str | None = None
        self._signatures: list[BatchSignature] = []
        self._refusal: ApplicationError | None = None
        self._sha256: str | None = None
        self._signed_on: date | None = None
        self._formed_at: datetime | None = None
        self._lock = asyncio.Lock()
        self._told = False  # the refusal was answered to the formation update

    @workflow.run
    async def run(self, plan: AnnouncementPlan) -> AnnouncementView:
        if not plan.application_ids:
            self._refused(refuse(RefusalKind.invalid_input, rules.ANNOUNCEMENT_EMPTY))
        else:
            try:
                self._members = await self._activity(AnnouncementActivities.join_batch, JoinBatch(plan))
            except ActivityError as e:
                refused = refusal_from(e)
                if refused is None:
                    raise
                self._refused(refused)
        if self._state == REFUSED:  # kept a while for whoever formed it to hear why
            try:
                await workflow.wait_condition(lambda: self._told, timeout=REFUSAL_KEPT)
            except TimeoutError:
                pass
            await workflow.wait_condition(workflow.all_handlers_finished)
            return self.view()
        year = workflow.now().astimezone(SHANGHAI).year
        key = f"announcement:{plan.announcement_id}"
        draw = DrawNumber(plan.document_prefix or lead_prefix(plan.level, plan.county), year, key, "联合公布文件")
        self._document_no = await self._activity(RegisterActivities.draw_document_number, draw)
        self._formed_at = workflow.now()
        self._state = FORMED
        await self._project()
        await workflow.wait_condition(lambda: self._state == ANNOUNCED)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.view()

    def _refused(self, error: ApplicationError) -> None:
        self._refusal, self._state = error, REFUSED

    async def _activity(self, method: Any, arg: object) -> Any:
        return await workflow.execute_activity_method(
            method, arg, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY
        )

    async def _project(self) -> None:
        await self._activity(AnnouncementActivities.project_announcement, self.view())

    # ---- updates ---------------------------------------------------------------------------------
    @workflow.update
    async def formation(self, _: FormationRequest) -> AnnouncementView:
        await workflow.wait_condition(lambda: self._state != FORMING)
        if self._refusal is not None:
            self._told = True
            raise self._refusal
        return self.view()

    @workflow.update
    async def co_sign(self, act: BatchSignAct) -> AnnouncementView:
        async with self._lock:
            self._check_sign(act)
            await self._check_members()
            self._signatures.append(BatchSignature(act.actor.department, act.actor, workflow.now()))  # type: ignore[arg-type]
            if len(self._signatures) == len(self._signers()):
                await self._announce(act)
            await self._project()
            return self.view()

    @co_sign.validator
    def _validate_co_sign(self, act: BatchSignAct) -> None:
        self._check_sign(act)

    def _signers(self) -> list[Department]:
        """The departments that sign: the program's at the level (another program's batch), else the three."""
        return list(self._plan.departments) or list(DEPARTMENTS)

    def _check_sign(self, act: BatchSignAct) -> None:
        plan = self._plan
        elsewhere = bool(plan.city and act.actor.city and act.actor.city != plan.city)  # another city's batch
        if self._state in (FORMING, REFUSED) or elsewhere:
            raise refuse(RefusalKind.not_found, rules.ANNOUNCEMENT_NOT_FOUND, announcement_id=plan.announcement_id)
        forbidden = authority_refused(Act.co_sign, act.actor, plan.level, plan.county or "")
        if forbidden:
            raise refuse(RefusalKind.forbidden, RULES[forbidden.code], **forbidden.facts)
        if act.actor.department not in self._signers():
            raise refuse(
                RefusalKind.forbidden,
                rules.ANNOUNCEMENT_NOT_A_SIGNER,
                signers="、".join(DEPARTMENTS[d] for d in self._signers()),
            )
        if self._state == ANNOUNCED:
            raise refuse(RefusalKind.act_not_allowed, rules.ANNOUNCEMENT_DONE, document_no=self._document_no)
        if any(s.department == act.actor.department for s in self._signatures):
            assert act.actor.department is not None
            label = DEPARTMENTS[act.actor.department]
            raise refuse(
                RefusalKind.act_not_allowed,
                rules.ANNOUNCEMENT_ALREADY_SIGNED,
                department=act.actor.department.value,
                department_label=label,
            )

    async def _check_members(self) -> None:
        """Signatures wait for every application's notice to close; one rejected or withdrawn meanwhile leaves."""
        staying = [m.application_id for m in self._members if not m.left]
        now = await self._activity(AnnouncementActivities.members, MembersRequest(staying))
        found = {m.application_id: m for m in now}
        left = False
        for i, m in enumerate(self._members):
            if m.application_id in found:
                seen = found[m.application_id]
                self._members[i] = replace(seen, left=seen.state in LEFT)
                left = left or self._members[i].left
        if left:
            await self._project()
        open_ones = [m.institution_name for m in self._members if not m.left and not _closed(m)]
        if open_ones:
            raise refuse(
                RefusalKind.act_not_allowed, rules.ANNOUNCEMENT_MEMBERS_NOT_CLOSED, institutions="、".join(open_ones)
            )
        if all(m.left for m in self._members):
            raise refuse(RefusalKind.act_not_allowed, rules.ANNOUNCEMENT_NOTHING_LEFT)

    async def _announce(self, act: BatchSignAct) -> None:
        assert self._document_no is not None
        self._signed_on = workflow.now().astimezone(SHANGHAI).date()
        render = RenderAnnouncement(
            level=self._plan.level,
            county=self._plan.county,
            document_no=self._document_no,
            signed_on=self._signed_on,
            members=list(self._members),
            city=self._plan.city,
            departments=list(self._plan.departments),
            words=self._plan.words,
        )
        self._sha256 = await self._activity(AnnouncementActivities.render_announcement, render)
        announce = AnnounceAct(
            announcement_id=self._plan.announcement_id,
            document_no=self._document_no,
            signed_on=self._signed_on,
            sha256=self._sha256,
            actor=act.actor,
        )
        staying = [m.application_id for m in self._members if not m.left]
        done = set(await self._activity(AnnouncementActivities.announce_members, AnnounceMembers(announce, staying)))
        self._members = [
            replace(m, state=Stage.announced) if m.application_id in done else replace(m, left=True)
            for m in self._members
        ]
        self._state = ANNOUNCED

    # ---- query -----------------------------------------------------------------------------------
    @workflow.query
    def view(self) -> AnnouncementView:
        plan = self._plan
        return AnnouncementView(
            announcement_id=plan.announcement_id,
            level=plan.level,
            county=plan.county if plan.level == Level.county else None,
            state=self._state,
            document_no=self._document_no,
            members=list(self._members),
            signatures=list(self._signatures),
            sha256=self._sha256,
            signed_on=self._signed_on,
            round_id=plan.round_id,
            formed_at=self._formed_at,
        )


def _closed(m: Member) -> bool:
    return (m.state == Stage.publicized and m.notice_closed) or m.state == Stage.announced


async def start_for_round(round_id: str, level: Level, county: str | None, chosen: list[str], actor: Actor) -> None:
    """A round's selection forms its batch by itself (RoundWorkflow): a child batch of the chosen, left running when
    the round ends; their notices need not have closed yet, and its signatures wait until they have."""
    plan = AnnouncementPlan(
        announcement_id=f"{round_id}-selection",
        level=level,
        county=county if level == Level.county else None,
        application_ids=chosen,
        actor=actor,
        notice_closed_required=False,
        round_id=round_id,
    )
    try:
        await workflow.start_child_workflow(
            AnnouncementWorkflow.run,
            plan,
            id=announcement_workflow_id(plan.announcement_id),
            parent_close_policy=ParentClosePolicy.ABANDON,
        )
    except WorkflowAlreadyStartedError:
        pass  # formed by an earlier attempt of the same selection
