"""ApplicationWorkflow: one evaluation application (申报) from declaration to award or its end."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from temporalio import workflow
from temporalio.common import SearchAttributePair, TypedSearchAttributes

with workflow.unsafe.imports_passed_through():
    from activities.read_model import ReadModelActivities
    from contracts.announcement import AnnounceAct, JoinAnnouncement, LeaveAnnouncement, Member
    from contracts.application import (
        ActResult,
        ApplicationOutcome,
        ApplicationView,
        AwardAct,
        CoSignAct,
        Declaration,
        FindingAct,
        FlagNotice,
        Objection,
        ObjectionAct,
        ObjectionRegistration,
        PublicizeAct,
        ReplanNotice,
        ResubmitAct,
        ReviewAct,
        RevokeAct,
        ScoreAct,
        ScoreSheet,
        Signature,
        UrgeAct,
        ViewRequest,
        WithdrawAct,
    )
    from contracts.corrections import CorrectionRequestAct
    from contracts.opinions import DepartmentOpinionAct
    from contracts.refusals import RefusalKind
    from contracts.revocation import RevokeByDecision
    from contracts.scores import AmendScoreAct
    from state import machine
    from state.authority import authority_refused
    from state.declaration import declaration_problems
    from state.domain import SYSTEM, Act, Actor, Level, Role, Stage, type_key
    from state.labels import REVOCATION_REASONS
    from workflows import application_announcements as announcements
    from workflows import application_corrections as corrections
    from workflows import application_effects as effects
    from workflows import application_opinions as opinions
    from workflows import application_rules as rules
    from workflows import application_scores as scores
    from workflows import application_urges as urges
    from workflows import search_attributes as sa
    from workflows.application_effects import ACTIVITY_TIMEOUT, RETRY
    from workflows.application_opinions import consults_departments
    from workflows.application_state import ApplicationState
    from workflows.institution_claim import InstitutionClaimWorkflow, claim_program, claim_workflow_id

__all__ = ["ACTIVITY_TIMEOUT", "RETRY", "ApplicationWorkflow", "start_attributes", "workflow_id_for"]

FINAL = machine.FINAL_STAGES
# Patch: a city-level candidate passes the city review only as its round's selection (older histories passed alone).
CITY_PASS_BY_ROUND = "city-pass-by-round-selection"
# Patch: a publication holds a place under the quota before its notice starts (older histories published without).
NOTICE_HOLDS_A_PLACE = "notice-holds-a-quota-place"
# Patch: the place held and the notice's days computed in one activity (older histories: two, or one before places).
NOTICE_OPENED_IN_ONE_ACTIVITY = "notice-opened-in-one-activity"
# Patch: an application that ends releases its institution's claim (older histories held none).
RELEASES_ITS_CLAIM = "releases-its-institution-claim"
# Patch: an application declared into a program (Declaration.program) keeps that program's version: its facts were
# read against the definition, its notice lasts the program's working days (older histories: the first program).
READS_ITS_PROGRAM = "reads-its-program"


def workflow_id_for(application_id: str) -> str:
    return f"application-{application_id}"


@workflow.defn
class ApplicationWorkflow:
    """One application, driven by ``state.machine.ApplicationMachine``; its state is one ``ApplicationState``
    (workflows/application_state.py), checked by workflows/application_rules.py and acted on by
    workflows/application_effects.py.

    Updates (refusable, validated): county_review, city_review, score, publicize, lodge_objection, record_finding,
    co_sign, award, withdraw, revoke_title (inspector; superseded by revoke_by_decision, kept for histories that
    carry it), revoke_by_decision (the issuing organs' 撤销决定, sent by workflows/revocation.py); request_correction
    and resubmit (退回补正, workflows/application_corrections.py); urge (催办, workflows/application_urges.py);
    join_announcement, leave_announcement and announce (批次公布, workflows/application_announcements.py: an
    application in a batch refuses its own co_sign); give_department_opinion (会商,
    workflows/application_opinions.py).
    Signals: flag_county_title_revoked (cascade), replan_notice (calendar changed); revoke (superseded by the
    revoke_title update, kept for histories that carry it).
    Queries: view.
    """

    @workflow.init
    def __init__(self, decl: Declaration) -> None:
        self._s = ApplicationState.of(decl)
        self._lock = asyncio.Lock()
        self._batch: str | None = None  # the batch (workflows/announcement.py) that announces it, once it joined

    # ---- run -------------------------------------------------------------------------------------
    @workflow.run
    async def run(self, decl: Declaration) -> ApplicationOutcome:
        s = self._s
        s.facts.opinions_required = workflow.patched(opinions.OPINIONS_REQUIRED) and consults_departments(decl)
        # Another program's facts were read against its definition by the API (programs/facts.py); the first
        # program's are checked here again, as they always were.
        own = decl.program is not None and workflow.patched(READS_ITS_PROGRAM) and decl.program.own_facts
        problems = [] if own else declaration_problems(decl.level, decl.county, decl.institution, rules.today())
        if problems:
            await self._release_claim()
            raise corrections.declaration_refusal(problems)
        refused = authority_refused(Act.declare, decl.actor, decl.level, decl.county)
        if refused:
            await self._release_claim()
            raise rules.refused(RefusalKind.forbidden, refused)
        async with self._lock:
            typed = {f"opinion_{d.value}": text for d, text in decl.department_opinions.items()}
            await effects.record(s, Act.declare, decl.actor, decl.reason, materials=decl.materials, **typed)
            s.declared = True
        while s.facts.state not in FINAL:
            await workflow.wait_condition(
                lambda: (
                    s.facts.state in FINAL
                    or (s.facts.state == Stage.publicized and not s.facts.notice_closed)
                    or s.facts.state == Stage.returned
                )
            )
            if s.facts.state == Stage.publicized:
                await effects.run_notice(s, self._turn)
            elif s.facts.state == Stage.returned:
                await corrections.run_correction(s, self._turn)
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._release_claim()
        return ApplicationOutcome(application_id=decl.application_id, state=s.facts.state, acts=list(s.acts))

    async def _release_claim(self) -> None:
        """The institution may be declared again at this level (workflows/institution_claim.py)."""
        if not workflow.patched(RELEASES_ITS_CLAIM):
            return
        decl = self._s.decl
        try:
            claim = workflow.get_external_workflow_handle(
                claim_workflow_id(decl.level, decl.institution.credit_code, claim_program(decl))
            )
            await claim.signal(InstitutionClaimWorkflow.release, decl.application_id)
        except Exception as e:  # no claim: declared before claims, or started without one (tests)
            workflow.logger.info("no institution claim to release: %s", e)

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """Acts happen one at a time, and only after the declaration itself is on record."""
        await workflow.wait_condition(lambda: self._s.declared)
        async with self._lock:
            yield

    async def _perform(self, act: Act, actor: Actor, reason: str) -> ActResult:
        async with self._turn():
            rules.check(self._s, act, actor)
            return await effects.apply(self._s, act, actor, reason)

    # ---- updates ---------------------------------------------------------------------------------
    @workflow.update
    async def county_review(self, act: ReviewAct) -> ActResult:
        verdict = rules.review_act(act, Act.county_review_pass, Act.county_review_fail)
        return await self._perform(verdict, act.actor, act.opinion)

    @county_review.validator
    def _validate_county_review(self, act: ReviewAct) -> None:
        verdict = rules.review_act(act, Act.county_review_pass, Act.county_review_fail)
        rules.check_separation(self._s, act.actor, verdict)
        rules.check(self._s, verdict, act.actor, opinion=act.opinion)

    @workflow.update
    async def city_review(self, act: ReviewAct) -> ActResult:
        s = self._s
        verdict = rules.review_act(act, Act.city_review_pass, Act.city_review_fail)
        async with self._turn():
            chosen = rules.chosen_in_round(s, act) if workflow.patched(CITY_PASS_BY_ROUND) else True
            with rules.selection(s, chosen):
                rules.check(s, verdict, act.actor)
                return await effects.apply(s, verdict, act.actor, act.opinion, **rules.round_detail(act))

    @city_review.validator
    def _validate_city_review(self, act: ReviewAct) -> None:
        with rules.selection(self._s, rules.chosen_in_round(self._s, act)):
            verdict = rules.review_act(act, Act.city_review_pass, Act.city_review_fail)
            rules.check(self._s, verdict, act.actor, opinion=act.opinion)

    @workflow.update
    async def publicize(self, act: PublicizeAct) -> ActResult:
        s = self._s
        published = act.published_on or rules.today()
        async with self._turn():
            rules.check(s, Act.publicize, act.actor)
            if workflow.patched(NOTICE_OPENED_IN_ONE_ACTIVITY):
                notice = await effects.open_notice(s, act, published)
            else:
                if workflow.patched(NOTICE_HOLDS_A_PLACE):
                    await effects.hold_place(s, act, published)
                notice = await effects.compute_notice(published, s.decl)
            rules.check(s, Act.publicize, act.actor)  # nothing may have moved while the deadline was computed
            late = rules.recorded_late(act, published)
            s.notice = replace(notice, source_url=act.source_url.strip(), recorded_on=late) if late else notice
            s.facts.notice_ends_at = notice.ends_at
            marks = {"source_url": act.source_url.strip(), "recorded_on": late.isoformat()} if late else {}
            return await effects.apply(
                s, Act.publicize, act.actor, act.reason, published_on=published.isoformat(), **marks
            )

    @publicize.validator
    def _validate_publicize(self, act: PublicizeAct) -> None:
        rules.check(self._s, Act.publicize, act.actor)
        rules.check_publication(self._s, act, act.published_on or rules.today())

    @workflow.update
    async def lodge_objection(self, act: ObjectionAct) -> ActResult:
        s = self._s
        async with self._turn():
            rules.check_objection(s, act)
            objection = Objection(
                objection_id=f"{s.decl.application_id}-O{len(s.objections) + 1}",
                name=act.name,
                contact=act.contact,
                content=act.content,
                lodged_at=workflow.now(),
                evidence=list(act.evidence),
                network=act.network,
            )
            s.objections.append(objection)
            if not workflow.patched(effects.OBJECTION_WITH_ITS_ACT):
                await workflow.execute_activity_method(
                    ReadModelActivities.register_objection,
                    ObjectionRegistration(application_id=s.decl.application_id, objection=objection),
                    start_to_close_timeout=ACTIVITY_TIMEOUT,
                    retry_policy=RETRY,
                )
            public = Actor(user_id=f"public:{act.contact}", name=act.name, role=Role.public)
            result = await effects.apply_with_files(
                s, Act.lodge_objection, public, act.content, act.evidence, objection_id=objection.objection_id
            )
            result.objection_id = objection.objection_id
            return result

    @lodge_objection.validator
    def _validate_lodge_objection(self, act: ObjectionAct) -> None:
        rules.check_objection(self._s, act)
        rules.check_objection_cap(self._s, act)

    @workflow.update
    async def score(self, act: ScoreAct) -> ActResult:
        s = self._s
        async with self._turn():
            rules.check_score(s, act)
            sheet = ScoreSheet(
                reviewer=act.actor,
                opinion=act.opinion,
                at=workflow.now(),
                written=act.written,
                defence=act.defence,
                field_inspection=act.field_inspection,
                defence_on=act.defence_on,
                defence_place=act.defence_place,
                inspected_on=act.inspected_on,
                inspected_place=act.inspected_place,
            )
            s.scores.append(sheet)
            marks = {k: v for k in ("written", "defence", "field_inspection") if (v := getattr(act, k)) is not None}
            return await effects.apply(s, Act.score, act.actor, act.opinion, **{k: f"{v:g}" for k, v in marks.items()})

    @score.validator
    def _validate_score(self, act: ScoreAct) -> None:
        rules.check_score(self._s, act)

    @workflow.update
    async def amend_score(self, act: AmendScoreAct) -> ActResult:
        """修改评分 (workflows/application_scores.py); a new handler, so older histories replay unchanged."""
        s = self._s
        async with self._turn():
            index = self._check_amend_score(act)
            old = s.scores[index]
            s.scores[index] = new = scores.amended(old, act, workflow.now())
            details = scores.amendment_details(old, new)
            await effects.record(s, Act.amend_score, act.actor, act.reason.strip(), None, **details)
            return ActResult(s.decl.application_id, s.facts.state, rules.allowed_now(s))

    @amend_score.validator
    def _validate_amend_score(self, act: AmendScoreAct) -> None:
        self._check_amend_score(act)

    def _check_amend_score(self, act: AmendScoreAct) -> int:
        s = self._s
        open_now, state = rules.allowed(s, Act.score), s.facts.state.value
        return scores.check_amendment(s.scores, act, s.decl.level, s.decl.county, open_now, state, rules.allowed_now(s))

    @workflow.update
    async def record_finding(self, act: FindingAct) -> ActResult:
        async with self._turn():
            objection = rules.check_finding(self._s, act)
            objection.upheld = act.upheld
            objection.finding = act.finding
            objection.found_at = workflow.now()
            verdict = Act.uphold_objection if act.upheld else Act.dismiss_objection
            return await effects.apply(self._s, verdict, act.actor, act.finding, objection_id=act.objection_id)

    @record_finding.validator
    def _validate_record_finding(self, act: FindingAct) -> None:
        rules.check_separation(self._s, act.actor, Act.uphold_objection if act.upheld else Act.dismiss_objection)
        rules.check_finding(self._s, act)

    @workflow.update
    async def co_sign(self, act: CoSignAct) -> ActResult:
        s = self._s
        async with self._turn():
            announcements.check_no_batch(s, self._batch)
            rules.check_co_sign(s, act)
            assert act.actor.department is not None
            s.signatures.append(
                Signature(
                    department=act.actor.department,
                    document_no=act.document_no,
                    signed_at=workflow.now(),
                    actor=act.actor,
                )
            )
            result = await effects.apply(
                s,
                Act.co_sign,
                act.actor,
                act.reason,
                department=act.actor.department.value,
                document_no=act.document_no,
            )
            if result.state == Stage.announced:
                s.announcement = (act.document_no, rules.today())
            return result

    @co_sign.validator
    def _validate_co_sign(self, act: CoSignAct) -> None:
        announcements.check_no_batch(self._s, self._batch)
        rules.check_co_sign(self._s, act)

    @workflow.update
    async def join_announcement(self, join: JoinAnnouncement) -> Member:
        async with self._turn():
            announcements.check_join(self._s, self._batch, join)
            self._batch = join.announcement_id
            return announcements.member(self._s)

    @join_announcement.validator
    def _validate_join_announcement(self, join: JoinAnnouncement) -> None:
        announcements.check_join(self._s, self._batch, join)

    @workflow.update
    async def leave_announcement(self, leave: LeaveAnnouncement) -> Member:
        """A batch that could not be formed lets go of the applications that had joined it."""
        async with self._turn():
            if self._batch == leave.announcement_id and self._s.announcement is None:
                self._batch = None
            return announcements.member(self._s)

    @workflow.update
    async def announce(self, act: AnnounceAct) -> ActResult:
        s = self._s
        async with self._turn():
            announcements.check_announce(s, self._batch, act)
            if not announcements.announced_by(s, self._batch, act):
                s.announcement = (act.document_no, act.signed_on)
                reason = f"{announcements.issued_by(s)}公布（{act.document_no}）"
                await effects.apply(s, Act.announce, act.actor, reason, **announcements.announce_details(act))
            return ActResult(s.decl.application_id, s.facts.state, rules.allowed_now(s))

    @announce.validator
    def _validate_announce(self, act: AnnounceAct) -> None:
        announcements.check_announce(self._s, self._batch, act)

    @workflow.update
    async def award(self, act: AwardAct) -> ActResult:
        s = self._s
        async with self._turn():
            rules.check_award(s, act)
            s.plaque = (act.plaque_no.strip(), act.awarded_on)
            return await effects.apply(
                s,
                Act.award,
                act.actor,
                act.reason,
                plaque_no=act.plaque_no.strip(),
                awarded_on=act.awarded_on.isoformat(),
            )

    @award.validator
    def _validate_award(self, act: AwardAct) -> None:
        rules.check_award(self._s, act)

    @workflow.update
    async def withdraw(self, act: WithdrawAct) -> ActResult:
        return await self._perform(Act.withdraw, act.actor, act.reason)

    @withdraw.validator
    def _validate_withdraw(self, act: WithdrawAct) -> None:
        rules.check(self._s, Act.withdraw, act.actor, reason=act.reason)

    @workflow.update
    async def revoke_title(self, act: RevokeAct) -> ActResult:
        """Revocation (撤销) as a refusable act: the first of concurrent revocations is applied, the others are
        refused (already revoked), none is dropped unanswered."""
        s = self._s
        async with self._turn():
            rules.check(s, Act.revoke, act.actor, evidence=act.evidence)
            result = await effects.apply_with_files(
                s, Act.revoke, act.actor, act.evidence, act.files, ground=act.reason.value
            )
        if s.decl.level == Level.county:
            await effects.cascade_revocation(s, act)
        return result

    @revoke_title.validator
    def _validate_revoke_title(self, act: RevokeAct) -> None:
        rules.check(self._s, Act.revoke, act.actor, evidence=act.evidence)

    @workflow.update
    async def revoke_by_decision(self, act: RevokeByDecision) -> ActResult:
        """Revocation as the issuing organs' decision (撤销决定, workflows/revocation.py): the proposing inspector's
        act, on record with the decision's 文号; the county-to-city cascade as before. A new handler: older
        histories replay unchanged."""
        s = self._s
        async with self._turn():
            rules.check(s, Act.revoke, act.actor, evidence=act.evidence)
            result = await effects.apply_with_files(
                s,
                Act.revoke,
                act.actor,
                act.evidence,
                act.files,
                ground=act.ground.value,
                document_no=act.document_no,
            )
        if s.decl.level == Level.county:
            await effects.cascade_revocation(s, RevokeAct(act.actor, act.ground, act.evidence))
        return result

    @revoke_by_decision.validator
    def _validate_revoke_by_decision(self, act: RevokeByDecision) -> None:
        rules.check(self._s, Act.revoke, act.actor, evidence=act.evidence)

    @workflow.update
    async def request_correction(self, act: CorrectionRequestAct) -> ActResult:
        async with self._turn():
            return await corrections.request_correction(self._s, act)

    @request_correction.validator
    def _validate_request_correction(self, act: CorrectionRequestAct) -> None:
        rules.check(self._s, corrections.correction_act(self._s), act.actor, reason=act.reason)

    @workflow.update
    async def resubmit(self, act: ResubmitAct) -> ActResult:
        async with self._turn():
            corrections.check_resubmit(self._s, act)
            details = corrections.resubmitted(self._s, act)
            return await effects.apply_with_files(
                self._s, Act.resubmit, act.actor, act.reason, act.materials, **details
            )

    @resubmit.validator
    def _validate_resubmit(self, act: ResubmitAct) -> None:
        corrections.check_resubmit(self._s, act)

    @workflow.update
    async def urge(self, act: UrgeAct) -> ActResult:
        s = self._s
        async with self._turn():
            urges.check_urge(s, act)
            await effects.record(s, Act.urge, act.actor, urges.urged_reason(act.actor, act.note), to=act.to)
            return ActResult(
                application_id=s.decl.application_id, state=s.facts.state, allowed_acts=rules.allowed_now(s)
            )

    @urge.validator
    def _validate_urge(self, act: UrgeAct) -> None:
        urges.check_urge(self._s, act)

    @workflow.update
    async def give_department_opinion(self, act: DepartmentOpinionAct) -> ActResult:
        """县区部门意见 (workflows/application_opinions.py); a new handler, so older histories replay unchanged."""
        async with self._turn():
            opinions.check_opinion(self._s, act)
            return await opinions.give(self._s, act)

    @give_department_opinion.validator
    def _validate_give_department_opinion(self, act: DepartmentOpinionAct) -> None:
        opinions.check_opinion(self._s, act)

    # ---- signals ---------------------------------------------------------------------------------
    @workflow.signal
    async def revoke(self, act: RevokeAct) -> None:
        """Revocation as it was first taken (a signal, which cannot refuse): kept for histories that carry it;
        the API now sends the ``revoke_title`` update."""
        s = self._s
        async with self._turn():
            problem = rules.refusal(s, Act.revoke, act.actor) or ("" if act.evidence.strip() else "未填写撤销依据")
            if problem:
                workflow.logger.warning("revocation by %s ignored: %s", act.actor.user_id, problem)
                return
            await effects.apply_with_files(s, Act.revoke, act.actor, act.evidence, act.files, ground=act.reason.value)
        if s.decl.level == Level.county:
            await effects.cascade_revocation(s, act)

    @workflow.signal
    async def flag_county_title_revoked(self, flag: FlagNotice) -> None:
        s = self._s
        async with self._turn():
            if s.facts.state in FINAL:
                return
            if workflow.patched("flag-says-ground-in-chinese"):
                # The ground in Chinese; the source application (whose 申报编号 the workflow does not know) only in
                # the act's details.
                note = f"县级标杆称号已撤销（{REVOCATION_REASONS[flag.reason]}）：{flag.evidence}"
                details: dict[str, str] = {
                    "source_application_id": flag.source_application_id,
                    "ground": flag.reason.value,
                }
            else:
                note = f"县级标杆称号已撤销（{flag.reason.value}，申报 {flag.source_application_id}）：{flag.evidence}"
                details = {"source_application_id": flag.source_application_id}
            s.flags.append(note)
            await effects.record(s, Act.flag, SYSTEM, note, None, **details)

    @workflow.signal
    def replan_notice(self, request: ReplanNotice) -> None:
        if self._s.facts.state == Stage.publicized and not self._s.facts.notice_closed:
            self._s.replan_requested = True

    # ---- query -----------------------------------------------------------------------------------
    @workflow.query
    def view(self, request: ViewRequest) -> ApplicationView:
        s = self._s
        return ApplicationView(
            application_id=s.decl.application_id,
            level=s.decl.level,
            county=s.decl.county,
            round_id=s.decl.round_id,
            institution=s.decl.institution,
            program=s.decl.program,
            state=s.facts.state,
            allowed_acts=[
                a
                for a in rules.allowed_now(s, request.department)
                if not ((self._batch or s.facts.opinions_required) and a == Act.co_sign)
            ],
            notice=s.notice,
            notice_closed=s.facts.notice_closed,
            objections=list(s.objections),
            signatures=list(s.signatures),
            announcement_doc_no=s.announcement[0] if s.announcement else None,
            announced_on=s.announcement[1] if s.announcement else None,
            plaque_no=s.plaque[0] if s.plaque else None,
            awarded_on=s.plaque[1] if s.plaque else None,
            flags=list(s.flags),
            acts=list(s.acts),
            scores=list(s.scores),
            department_opinions=dict(s.decl.department_opinions),
            correction=s.correction if s.facts.state == Stage.returned else None,
            institution_versions=list(s.versions),
            announcement_id=self._batch,
            county_opinions=opinions.standing(s),
            opinions_required=s.facts.opinions_required,
            announced_by_batch=s.facts.opinions_required,  # the same patch: declared from then on, 批次公布 only
        )


def start_attributes(decl: Declaration) -> TypedSearchAttributes:
    """Search attributes to pass when starting the workflow."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(sa.STAGE, Stage.declared.value),
            SearchAttributePair(sa.COUNTY, decl.county),
            SearchAttributePair(sa.LEVEL, decl.level.value),
            SearchAttributePair(sa.INSTITUTION_TYPE, type_key(decl.institution.type)),
            SearchAttributePair(sa.ROUND, decl.round_id or "-"),
        ]
    )
