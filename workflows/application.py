"""ApplicationWorkflow: one evaluation application (申报) from declaration to award or its end."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import ActivityError

from contracts.refusals import RefusalKind, refusal_from, refuse
from workflows import application_scores as scores
from workflows.application_corrections import Corrections
from workflows.application_urges import Urges

with workflow.unsafe.imports_passed_through():
    from activities.calendar import CalendarActivities
    from activities.notify import NotifyActivities
    from activities.places import NoticeActivities, PlaceActivities
    from activities.read_model import ReadModelActivities
    from activities.record import RecordActivities
    from contracts.application import (
        ActRecord,
        ActRecording,
        ActResult,
        ApplicationOutcome,
        ApplicationView,
        AwardAct,
        CoSignAct,
        Declaration,
        FindingAct,
        FlagNotice,
        InstitutionLookup,
        NoticePeriodRequest,
        NoticeWindow,
        Objection,
        ObjectionAct,
        ObjectionRegistration,
        Projection,
        PublicizeAct,
        ReplanNotice,
        ReviewAct,
        RevokeAct,
        ScoreAct,
        ScoreSheet,
        Signature,
        SubmittedMaterial,
        ViewRequest,
        WithdrawAct,
    )
    from contracts.notify import NotifyRequest
    from contracts.quota import NoticePlace
    from contracts.scores import AmendScoreAct
    from state import machine
    from state.declaration import declaration_problems
    from state.domain import (
        SYSTEM,
        Act,
        Actor,
        Level,
        Role,
        Stage,
        authority_refusal,
    )
    from workflows import search_attributes as sa

ACTIVITY_TIMEOUT = timedelta(seconds=10)  # DB writes take milliseconds; a dead worker is noticed sooner
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
FINAL = machine.FINAL_STAGES
T = TypeVar("T")
# Patch: each act recorded by one activity (read model + inbox) instead of two; older histories keep two.
RECORD_IN_ONE_ACTIVITY = "record-act-in-one-activity"
# Patch: a city-level candidate passes the city review only as its round's selection (older histories passed alone).
CITY_PASS_BY_ROUND = "city-pass-by-round-selection"
# Patch: a publication holds a place under the quota before its notice starts (older histories published without).
NOTICE_HOLDS_A_PLACE = "notice-holds-a-quota-place"
# Patch: the place held and the notice's days computed in one activity (older histories: two, or one before places).
NOTICE_OPENED_IN_ONE_ACTIVITY = "notice-opened-in-one-activity"
# Patch: an objection written to the read model with the act that lodges it (older histories: an activity before it).
OBJECTION_WITH_ITS_ACT = "objection-recorded-with-its-act"


def _refusal_or(e: ActivityError) -> Exception:
    """The activity's business refusal, or the failure as it was."""
    return refusal_from(e) or e


def workflow_id_for(application_id: str) -> str:
    return f"application-{application_id}"


@workflow.defn
class ApplicationWorkflow(Corrections, Urges):
    """One application, driven by ``state.machine.ApplicationMachine``.

    Updates (refusable, validated): county_review, city_review, score, publicize, lodge_objection, record_finding,
    co_sign, award, withdraw, revoke_title (inspector); request_correction and resubmit (退回补正,
    workflows/application_corrections.py); urge (催办, workflows/application_urges.py).
    Signals: flag_county_title_revoked (cascade), replan_notice (calendar changed); revoke (superseded by the
    revoke_title update, kept for histories that carry it).
    Queries: view.
    """

    @workflow.init
    def __init__(self, decl: Declaration) -> None:
        self._decl = decl
        self._facts = machine.ApplicationFacts(level=decl.level)
        self._procedure = machine.Procedure(self._facts)
        self._acts: list[ActRecord] = []
        self._notice: NoticeWindow | None = None
        self._objections: list[Objection] = []
        self._signatures: list[Signature] = []
        self._announcement: tuple[str, date] | None = None
        self._plaque: tuple[str, date] | None = None
        self._flags: list[str] = []
        self._scores: list[ScoreSheet] = []
        self._replan_requested = False
        self._lock = asyncio.Lock()
        self._declared = False

    # ---- run -------------------------------------------------------------------------------------
    @workflow.run
    async def run(self, decl: Declaration) -> ApplicationOutcome:
        problems = declaration_problems(decl.level, decl.county, decl.institution, self._today())
        if problems:
            raise refuse(
                RefusalKind.invalid_input,
                "; ".join(p.message for p in problems),
                problems=[p.__dict__ for p in problems],
            )
        refused = authority_refusal(Act.declare, decl.actor, decl.level, decl.county)
        if refused:
            raise refuse(RefusalKind.forbidden, refused)
        async with self._lock:
            opinions = {f"opinion_{d.value}": text for d, text in decl.department_opinions.items()}
            await self._record(Act.declare, decl.actor, decl.reason, materials=decl.materials, **opinions)
            self._declared = True
        while self._facts.state not in FINAL:
            await workflow.wait_condition(
                lambda: (
                    self._facts.state in FINAL
                    or (self._facts.state == Stage.publicized and not self._facts.notice_closed)
                    or self._facts.state == Stage.returned
                )
            )
            if self._facts.state == Stage.publicized:
                await self._run_notice()
            elif self._facts.state == Stage.returned:
                await self._run_correction()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return ApplicationOutcome(application_id=decl.application_id, state=self._facts.state, acts=list(self._acts))

    async def _run_notice(self) -> None:
        """Wait out the notice on a durable timer, re-plan if its calendar was unconfirmed, then close it
        once no objection is pending."""
        while self._facts.state == Stage.publicized and self._notice is not None:
            remaining = self._notice.ends_at - workflow.now()
            if remaining > timedelta(0):
                try:
                    await workflow.wait_condition(
                        lambda: self._replan_requested or self._facts.state != Stage.publicized, timeout=remaining
                    )
                except TimeoutError:
                    pass
            if self._facts.state != Stage.publicized:
                return
            if self._replan_requested or (not self._notice.confirmed and workflow.now() >= self._notice.ends_at):
                self._replan_requested = False
                if await self._replan():
                    continue
            if workflow.now() < self._notice.ends_at:
                continue
            await workflow.wait_condition(
                lambda: self._facts.pending_objections == 0 or self._facts.state != Stage.publicized
            )
            async with self._turn():
                if self._facts.state == Stage.publicized and self._allowed(Act.close_notice):
                    await self._apply(Act.close_notice, SYSTEM, "公示期满无异议")
            return

    async def _replan(self) -> bool:
        """Recompute the notice window; True when it changed."""
        assert self._notice is not None
        old = self._notice
        new = replace(
            await self._compute_notice(old.published_on), source_url=old.source_url, recorded_on=old.recorded_on
        )
        if (new.ends_at, new.confirmed) == (old.ends_at, old.confirmed):
            return False
        async with self._turn():
            self._notice = new
            self._facts.notice_ends_at = new.ends_at
            status = "已确认" if new.confirmed else "未确认"
            await self._record(
                Act.replan_notice,
                SYSTEM,
                f"公示期按{status}的节假日安排重新计算：{old.ends_at.isoformat()} → {new.ends_at.isoformat()}",
            )
        return True

    # ---- updates ---------------------------------------------------------------------------------
    @workflow.update
    async def county_review(self, act: ReviewAct) -> ActResult:
        return await self._perform(
            self._review_act(act, Act.county_review_pass, Act.county_review_fail), act.actor, act.opinion
        )

    @county_review.validator
    def _validate_county_review(self, act: ReviewAct) -> None:
        self._check_separation(act.actor, self._review_act(act, Act.county_review_pass, Act.county_review_fail))
        self._check(
            self._review_act(act, Act.county_review_pass, Act.county_review_fail), act.actor, opinion=act.opinion
        )

    @workflow.update
    async def city_review(self, act: ReviewAct) -> ActResult:
        verdict = self._review_act(act, Act.city_review_pass, Act.city_review_fail)
        async with self._turn():
            chosen = self._chosen_in_round(act) if workflow.patched(CITY_PASS_BY_ROUND) else True
            with self._selection(chosen):
                self._check(verdict, act.actor)
                return await self._apply(verdict, act.actor, act.opinion, **self._round_detail(act))

    @city_review.validator
    def _validate_city_review(self, act: ReviewAct) -> None:
        with self._selection(self._chosen_in_round(act)):
            self._check(
                self._review_act(act, Act.city_review_pass, Act.city_review_fail), act.actor, opinion=act.opinion
            )

    @workflow.update
    async def publicize(self, act: PublicizeAct) -> ActResult:
        published = act.published_on or self._today()
        async with self._turn():
            self._check(Act.publicize, act.actor)
            if workflow.patched(NOTICE_OPENED_IN_ONE_ACTIVITY):
                notice = await self._open_notice(act, published)
            else:
                if workflow.patched(NOTICE_HOLDS_A_PLACE):
                    await self._hold_place(act, published)
                notice = await self._compute_notice(published)
            self._check(Act.publicize, act.actor)  # nothing may have moved while the deadline was computed
            late = self._recorded_late(act, published)
            self._notice = replace(notice, source_url=act.source_url.strip(), recorded_on=late) if late else notice
            self._facts.notice_ends_at = notice.ends_at
            marks = {"source_url": act.source_url.strip(), "recorded_on": late.isoformat()} if late else {}
            return await self._apply(Act.publicize, act.actor, act.reason, published_on=published.isoformat(), **marks)

    @publicize.validator
    def _validate_publicize(self, act: PublicizeAct) -> None:
        self._check(Act.publicize, act.actor)
        self._check_publication(act, act.published_on or self._today())

    @workflow.update
    async def lodge_objection(self, act: ObjectionAct) -> ActResult:
        async with self._turn():
            self._check_objection(act)
            objection = Objection(
                objection_id=f"{self._decl.application_id}-O{len(self._objections) + 1}",
                name=act.name,
                contact=act.contact,
                content=act.content,
                lodged_at=workflow.now(),
                evidence=list(act.evidence),
                network=act.network,
            )
            self._objections.append(objection)
            if not workflow.patched(OBJECTION_WITH_ITS_ACT):
                await workflow.execute_activity_method(
                    ReadModelActivities.register_objection,
                    ObjectionRegistration(application_id=self._decl.application_id, objection=objection),
                    start_to_close_timeout=ACTIVITY_TIMEOUT,
                    retry_policy=RETRY,
                )
            public = Actor(user_id=f"public:{act.contact}", name=act.name, role=Role.public)
            result = await self._apply_with_files(
                Act.lodge_objection, public, act.content, act.evidence, objection_id=objection.objection_id
            )
            result.objection_id = objection.objection_id
            return result

    @lodge_objection.validator
    def _validate_lodge_objection(self, act: ObjectionAct) -> None:
        self._check_objection(act)
        self._check_objection_cap(act)

    @workflow.update
    async def score(self, act: ScoreAct) -> ActResult:
        async with self._turn():
            self._check_score(act)
            sheet = ScoreSheet(
                reviewer=act.actor,
                opinion=act.opinion,
                at=workflow.now(),
                written=act.written,
                defence=act.defence,
                field_inspection=act.field_inspection,
            )
            self._scores.append(sheet)
            marks = {k: v for k in ("written", "defence", "field_inspection") if (v := getattr(act, k)) is not None}
            return await self._apply(Act.score, act.actor, act.opinion, **{k: f"{v:g}" for k, v in marks.items()})

    @score.validator
    def _validate_score(self, act: ScoreAct) -> None:
        self._check_score(act)

    @workflow.update
    async def amend_score(self, act: AmendScoreAct) -> ActResult:
        """修改评分 (workflows/application_scores.py); a new handler, so older histories replay unchanged."""
        async with self._turn():
            index = self._check_amend_score(act)
            old = self._scores[index]
            self._scores[index] = new = scores.amended(old, act, workflow.now())
            await self._record(
                Act.amend_score, act.actor, act.reason.strip(), None, **scores.amendment_details(old, new)
            )
            return ActResult(self._decl.application_id, self._facts.state, self._allowed_now())

    @amend_score.validator
    def _validate_amend_score(self, act: AmendScoreAct) -> None:
        self._check_amend_score(act)

    def _check_amend_score(self, act: AmendScoreAct) -> int:
        open_now = self._allowed(Act.score)
        level, county, state = self._decl.level, self._decl.county, self._facts.state.value
        return scores.check_amendment(self._scores, act, level, county, open_now, state, self._allowed_now())

    @workflow.update
    async def record_finding(self, act: FindingAct) -> ActResult:
        async with self._turn():
            objection = self._check_finding(act)
            objection.upheld = act.upheld
            objection.finding = act.finding
            objection.found_at = workflow.now()
            verdict = Act.uphold_objection if act.upheld else Act.dismiss_objection
            return await self._apply(verdict, act.actor, act.finding, objection_id=act.objection_id)

    @record_finding.validator
    def _validate_record_finding(self, act: FindingAct) -> None:
        self._check_separation(act.actor, Act.uphold_objection if act.upheld else Act.dismiss_objection)
        self._check_finding(act)

    @workflow.update
    async def co_sign(self, act: CoSignAct) -> ActResult:
        async with self._turn():
            self._check_co_sign(act)
            assert act.actor.department is not None
            self._signatures.append(
                Signature(
                    department=act.actor.department,
                    document_no=act.document_no,
                    signed_at=workflow.now(),
                    actor=act.actor,
                )
            )
            result = await self._apply(
                Act.co_sign, act.actor, act.reason, department=act.actor.department.value, document_no=act.document_no
            )
            if result.state == Stage.announced:
                self._announcement = (act.document_no, self._today())
            return result

    @co_sign.validator
    def _validate_co_sign(self, act: CoSignAct) -> None:
        self._check_co_sign(act)

    @workflow.update
    async def award(self, act: AwardAct) -> ActResult:
        async with self._turn():
            self._check_award(act)
            self._plaque = (act.plaque_no.strip(), act.awarded_on)
            return await self._apply(
                Act.award, act.actor, act.reason, plaque_no=act.plaque_no.strip(), awarded_on=act.awarded_on.isoformat()
            )

    @award.validator
    def _validate_award(self, act: AwardAct) -> None:
        self._check_award(act)

    @workflow.update
    async def withdraw(self, act: WithdrawAct) -> ActResult:
        return await self._perform(Act.withdraw, act.actor, act.reason)

    @withdraw.validator
    def _validate_withdraw(self, act: WithdrawAct) -> None:
        self._check(Act.withdraw, act.actor, reason=act.reason)

    @workflow.update
    async def revoke_title(self, act: RevokeAct) -> ActResult:
        """Revocation (撤销) as a refusable act: the first of concurrent revocations is applied, the others are
        refused (already revoked), none is dropped unanswered."""
        async with self._turn():
            self._check(Act.revoke, act.actor, evidence=act.evidence)
            result = await self._apply_with_files(
                Act.revoke, act.actor, act.evidence, act.files, ground=act.reason.value
            )
        if self._decl.level == Level.county:
            await self._cascade_revocation(act)
        return result

    @revoke_title.validator
    def _validate_revoke_title(self, act: RevokeAct) -> None:
        self._check(Act.revoke, act.actor, evidence=act.evidence)

    # ---- signals ---------------------------------------------------------------------------------
    @workflow.signal
    async def revoke(self, act: RevokeAct) -> None:
        """Revocation as it was first taken (a signal, which cannot refuse): kept for histories that carry it;
        the API now sends the ``revoke_title`` update."""
        async with self._turn():
            problem = self._refusal(Act.revoke, act.actor) or ("" if act.evidence.strip() else "evidence is required")
            if problem:
                workflow.logger.warning("revocation by %s ignored: %s", act.actor.user_id, problem)
                return
            await self._apply_with_files(Act.revoke, act.actor, act.evidence, act.files, ground=act.reason.value)
        if self._decl.level == Level.county:
            await self._cascade_revocation(act)

    @workflow.signal
    async def flag_county_title_revoked(self, flag: FlagNotice) -> None:
        async with self._turn():
            if self._facts.state in FINAL:
                return
            note = f"县级标杆称号已撤销（{flag.reason.value}，申报 {flag.source_application_id}）：{flag.evidence}"
            self._flags.append(note)
            await self._record(Act.flag, SYSTEM, note, source_application_id=flag.source_application_id)

    @workflow.signal
    def replan_notice(self, request: ReplanNotice) -> None:
        if self._facts.state == Stage.publicized and not self._facts.notice_closed:
            self._replan_requested = True

    # ---- query -----------------------------------------------------------------------------------
    @workflow.query
    def view(self, request: ViewRequest) -> ApplicationView:
        return ApplicationView(
            application_id=self._decl.application_id,
            level=self._decl.level,
            county=self._decl.county,
            round_id=self._decl.round_id,
            institution=self._decl.institution,
            state=self._facts.state,
            allowed_acts=self._allowed_now(request.department),
            notice=self._notice,
            notice_closed=self._facts.notice_closed,
            objections=list(self._objections),
            signatures=list(self._signatures),
            announcement_doc_no=self._announcement[0] if self._announcement else None,
            announced_on=self._announcement[1] if self._announcement else None,
            plaque_no=self._plaque[0] if self._plaque else None,
            awarded_on=self._plaque[1] if self._plaque else None,
            flags=list(self._flags),
            acts=list(self._acts),
            scores=list(self._scores),
            department_opinions=dict(self._decl.department_opinions),
            correction=self._correction if self._facts.state == Stage.returned else None,
            institution_versions=list(self._versions),
        )

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """Acts happen one at a time, and only after the declaration itself is on record."""
        await workflow.wait_condition(lambda: self._declared)
        async with self._lock:
            yield

    # ---- effects ---------------------------------------------------------------------------------
    async def _perform(self, act: Act, actor: Actor, reason: str) -> ActResult:
        async with self._turn():
            self._check(act, actor)
            return await self._apply(act, actor, reason)

    async def _apply(self, act: Act, actor: Actor, reason: str, **details: str) -> ActResult:
        self._facts.now = workflow.now()
        self._procedure.apply(act, actor.department)
        await self._record(act, actor, reason, materials=None, **details)
        return ActResult(
            application_id=self._decl.application_id,
            state=self._facts.state,
            allowed_acts=self._allowed_now(),
        )

    async def _record(
        self, act: Act, actor: Actor, reason: str, materials: list[SubmittedMaterial] | None = None, **details: str
    ) -> None:
        """Keep the act (who, role, when, why, the files it submitted), keep search attributes current, project and
        notify."""
        previous = self._acts[-1].state_after if self._acts else None
        record = ActRecord(
            seq=len(self._acts) + 1,
            act=act,
            actor=actor,
            at=workflow.now(),
            reason=reason,
            state_after=self._facts.state,
            details=details,
            materials=list(materials or []),
        )
        self._acts.append(record)
        if previous is not None and previous != record.state_after:
            workflow.upsert_search_attributes([sa.STAGE.value_set(record.state_after.value)])
        decl = self._decl
        deadline = self._notice.ends_at if self._notice and act == Act.publicize else self._correction_deadline(act)
        one_activity = workflow.patched(RECORD_IN_ONE_ACTIVITY)
        projection = Projection(
            application_id=decl.application_id,
            workflow_id=workflow.info().workflow_id,
            level=decl.level,
            county=decl.county,
            round_id=decl.round_id,
            # The institution changes only by a resubmission: sent with the declaration and with each resubmission
            # (it used to be repeated in every act).
            institution=_institution_json(decl) if record.seq == 1 or act == Act.resubmit or not one_activity else None,
            institution_name=decl.institution.name,
            institution_type=decl.institution.type,
            credit_code=decl.institution.credit_code,
            state=self._facts.state,
            notice=self._notice,
            flagged=bool(self._flags),
            act=record,
            objections=[o for o in self._objections if o.upheld is not None],
            lodged=[self._objections[-1]]
            if act == Act.lodge_objection and workflow.patched(OBJECTION_WITH_ITS_ACT)
            else [],
        )
        if one_activity:
            await workflow.execute_activity_method(
                RecordActivities.record_act,
                ActRecording(projection=projection, deadline=deadline),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=RETRY,
            )
            return
        notice = NotifyRequest(
            application_id=decl.application_id,
            seq=record.seq,
            act=act,
            state=self._facts.state,
            level=decl.level,
            county=decl.county,
            institution_name=decl.institution.name,
            reason=reason,
            deadline=deadline,
        )
        await asyncio.gather(
            workflow.execute_activity_method(
                ReadModelActivities.project, projection, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY
            ),
            workflow.execute_activity_method(
                NotifyActivities.notify, notice, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY
            ),
        )

    def _notice_place(self, act: PublicizeAct, published: date) -> NoticePlace:
        decl = self._decl
        return NoticePlace(
            application_id=decl.application_id,
            level=decl.level,
            county=decl.county,
            round_id=decl.round_id or "",
            published_on=published,
            actor=act.actor,
            key=f"notice-{decl.application_id}-{workflow.now().timestamp():.6f}",
        )

    async def _open_notice(self, act: PublicizeAct, published: date) -> NoticeWindow:
        """A place under the period's quota, through its QuotaWorkflow (granted at once to one the round chose),
        and the notice's days from the calendar, in one activity."""
        return await self._ask_for_place(NoticeActivities.open_notice, act, published)

    async def _hold_place(self, act: PublicizeAct, published: date) -> None:
        """As ``_open_notice``'s first half, for histories recorded before it (NOTICE_HOLDS_A_PLACE)."""
        await self._ask_for_place(PlaceActivities.reserve_notice_place, act, published)

    async def _ask_for_place(
        self, activity: Callable[[Any, NoticePlace], Awaitable[T]], act: PublicizeAct, published: date
    ) -> T:
        """The activity asking the quota for this publication's place; its refusal (no period, no quota, no
        place left) as the act's."""
        try:
            return await workflow.execute_activity_method(
                activity,
                self._notice_place(act, published),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=RETRY,
            )
        except ActivityError as e:
            raise _refusal_or(e) from None

    async def _compute_notice(self, published_on: date) -> NoticeWindow:
        return await workflow.execute_activity_method(
            CalendarActivities.compute_notice_period,
            NoticePeriodRequest(published_on=published_on),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )

    async def _cascade_revocation(self, act: RevokeAct) -> None:
        """A county-level title revoked: flag and notify every live city-level application of the institution."""
        related = await workflow.execute_activity_method(
            ReadModelActivities.find_related_applications,
            InstitutionLookup(
                credit_code=self._decl.institution.credit_code,
                level=Level.city,
                exclude_application_id=self._decl.application_id,
            ),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        flag = FlagNotice(source_application_id=self._decl.application_id, reason=act.reason, evidence=act.evidence)
        for workflow_id in related.workflow_ids:
            try:
                await workflow.get_external_workflow_handle(workflow_id).signal(
                    ApplicationWorkflow.flag_county_title_revoked, flag
                )
            except Exception as e:  # a workflow that ended meanwhile needs no flag
                workflow.logger.warning("could not flag %s: %s", workflow_id, e)


def _institution_json(decl: Declaration) -> dict[str, object]:
    i = decl.institution
    out = {k: v for k, v in i.__dict__.items()}
    for k in ("founded_on", "county_title_date"):
        out[k] = out[k].isoformat() if out[k] else None
    out["type"] = i.type.value
    return out


def start_attributes(decl: Declaration) -> TypedSearchAttributes:
    """Search attributes to pass when starting the workflow."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(sa.STAGE, Stage.declared.value),
            SearchAttributePair(sa.COUNTY, decl.county),
            SearchAttributePair(sa.LEVEL, decl.level.value),
            SearchAttributePair(sa.INSTITUTION_TYPE, decl.institution.type.value),
            SearchAttributePair(sa.ROUND, decl.round_id or "-"),
        ]
    )
