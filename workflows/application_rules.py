"""The rules ApplicationWorkflow checks before an act: who may act (authority), what the act must carry
(input), and whether the machine allows it now. Each refusal is an ApplicationError whose type the API maps
to a status: Forbidden 403, NotFound 404, ActNotAllowed 409, InvalidInput 422."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from contracts.application import (
        ActRecord,
        AwardAct,
        CoSignAct,
        Declaration,
        FindingAct,
        NoticeWindow,
        Objection,
        ObjectionAct,
        PublicizeAct,
        ReviewAct,
        ScoreAct,
        ScoreSheet,
        Signature,
    )
    from contracts.refusals import RefusalKind, refuse
    from state import machine, objector
    from state.clock import SHANGHAI
    from state.domain import (
        Act,
        Actor,
        Department,
        Role,
        Stage,
        authority_refusal,
        role_for,
        separation_refusal,
    )


REVIEW_PASSES = (Act.county_review_pass, Act.city_review_pass)
PENDING_PER_CONTACT = 2  # objections awaiting a finding, from one contact
PENDING_PER_NETWORK = 4  # from one /24 (IPv4) or /48 (IPv6) network
PENDING_PER_APPLICATION = 20  # and in all: reached only by objectors from five networks or more


class ApplicationRules:
    """Checks over the workflow's own state; mixed into ApplicationWorkflow."""

    _decl: Declaration
    _facts: machine.ApplicationFacts
    _procedure: machine.Procedure
    _notice: NoticeWindow | None
    _objections: list[Objection]
    _signatures: list[Signature]
    _announcement: tuple[str, date] | None
    _scores: list[ScoreSheet]
    _acts: list[ActRecord]

    def _today(self) -> date:
        return workflow.now().astimezone(SHANGHAI).date()

    @staticmethod
    def _review_act(act: ReviewAct, passed: Act, failed: Act) -> Act:
        return passed if act.passed else failed

    def _chosen_in_round(self, act: ReviewAct) -> bool:
        """The review is the selection of the round this application was declared in (activities/rounds.py)."""
        return act.passed and act.round_id is not None and act.round_id == self._decl.round_id

    @staticmethod
    def _round_detail(act: ReviewAct) -> dict[str, str]:
        return {"round_id": act.round_id} if act.round_id else {}

    @contextmanager
    def _selection(self, chosen: bool) -> Iterator[None]:
        """The machine's ``selected_in_round`` fact holds for the act at hand only."""
        self._facts.selected_in_round = chosen
        try:
            yield
        finally:
            self._facts.selected_in_round = False

    def _allowed(self, act: Act, department: Department | None = None) -> bool:
        self._facts.now = workflow.now()
        return act in self._procedure.allowed(department)

    def _allowed_now(self, department: Department | None = None) -> list[Act]:
        """Acts open to people now; without a department, co_sign counts if any department may still sign."""
        self._facts.now = workflow.now()
        allowed = dict.fromkeys(self._procedure.allowed(department))
        closed_notice = self._facts.notice_closed and self._facts.state == Stage.publicized
        if department is None and closed_notice and any(Act.co_sign in self._procedure.allowed(d) for d in Department):
            allowed[Act.co_sign] = None
        return [a for a in allowed if role_for(a, self._decl.level) != Role.system]

    def _not_now(self, message: str, department: Department | None = None, **details: object) -> ApplicationError:
        """An ActNotAllowed refusal (the "when"), naming the state and the acts allowed now."""
        return refuse(
            RefusalKind.act_not_allowed,
            message,
            state=self._facts.state.value,
            allowed_acts=[a.value for a in self._allowed_now(department)],
            **details,
        )

    def _refusal(self, act: Act, actor: Actor) -> str | None:
        return authority_refusal(act, actor, self._decl.level, self._decl.county) or (
            None if self._allowed(act, actor.department) else "not-allowed"
        )

    def _check(self, act: Act, actor: Actor, **texts: str) -> None:
        """Refuse with the right kind: Forbidden (who), InvalidInput (what), ActNotAllowed (when)."""
        forbidden = authority_refusal(act, actor, self._decl.level, self._decl.county)
        if forbidden:
            raise refuse(RefusalKind.forbidden, forbidden)
        for name, text in texts.items():
            if not text or not text.strip():
                raise refuse(RefusalKind.invalid_input, f"{name} is required and must not be blank", field=name)
        self._facts.now = workflow.now()
        why = self._procedure.refusal(act, actor.department)
        if why:
            raise self._not_now(why, actor.department)

    def _check_separation(self, actor: Actor, act: Act) -> None:
        """Separation of duties (state.domain.SEPARATED): the account that declared an application does not also
        review it or find on an objection to it. Checked in validators only, so histories recorded before the rule
        still replay."""
        why = separation_refusal(act, actor, self._decl.actor.user_id)
        if why:
            raise refuse(RefusalKind.forbidden, why, rule="separation_of_duties")

    def _check_objection(self, act: ObjectionAct) -> None:
        for name in ("name", "contact", "content"):
            if not getattr(act, name).strip():
                raise refuse(RefusalKind.invalid_input, f"{name} is required and must not be blank", field=name)
        if self._facts.state == Stage.publicized and self._notice and workflow.now() >= self._notice.ends_at:
            raise self._not_now(
                f"the notice period ended at {self._notice.ends_at.isoformat()}; objections are no longer accepted",
                notice_ends_at=self._notice.ends_at.isoformat(),
            )
        self._check(Act.lodge_objection, Actor(user_id="public", name="public", role=Role.public))

    def _check_objection_cap(self, act: ObjectionAct) -> None:
        """A flood of objections cannot hold a notice open for ever: the pending ones are capped per contact (however
        written: contacts recorded before the API normalised them compare normalised), per network, so that a few
        addresses cannot fill the cap for everyone, and per application (validator only, so histories recorded
        before the caps still replay)."""
        pending = [o for o in self._objections if o.upheld is None]
        mine = [o for o in pending if objector.same_contact(o.contact, act.contact)]
        if len(mine) >= PENDING_PER_CONTACT:
            raise self._not_now(
                f"同一联系方式已有{len(mine)}件异议待调查核实，请待核实结论后再提出"
                " (too many pending objections from this contact)",
                rule="objections_pending_per_contact",
            )
        ours = [o for o in pending if act.network and o.network == act.network]
        if len(ours) >= PENDING_PER_NETWORK:
            raise self._not_now(
                f"同一网络已提交{len(ours)}件待调查核实的异议，请待核实结论后再提出，或通过公示所列电话、地址提出"
                " (too many pending objections from this network)",
                rule="objections_pending_per_network",
            )
        if len(pending) >= PENDING_PER_APPLICATION:
            raise self._not_now(
                f"该机构已有{len(pending)}件异议待调查核实，请待核实结论后再提出"
                " (too many pending objections on this application)",
                rule="objections_pending_cap",
            )

    def _check_finding(self, act: FindingAct) -> Objection:
        verdict = Act.uphold_objection if act.upheld else Act.dismiss_objection
        forbidden = authority_refusal(verdict, act.actor, self._decl.level, self._decl.county)
        if forbidden:
            raise refuse(RefusalKind.forbidden, forbidden)
        objection = next((o for o in self._objections if o.objection_id == act.objection_id), None)
        if objection is None:
            raise refuse(RefusalKind.not_found, f"objection {act.objection_id!r} does not exist on this application")
        if objection.upheld is not None:
            raise self._not_now(
                f"objection {act.objection_id} already has a finding ({'upheld' if objection.upheld else 'dismissed'})"
            )
        self._check(verdict, act.actor, finding=act.finding)
        return objection

    def _check_co_sign(self, act: CoSignAct) -> None:
        self._check(Act.co_sign, act.actor, document_no=act.document_no)
        if self._signatures and act.document_no.strip() != self._signatures[0].document_no:
            first = self._signatures[0]
            raise refuse(
                RefusalKind.invalid_input,
                f"the three departments sign one joint document: {first.department.value} signed "
                f"{first.document_no!r}, not {act.document_no!r}",
                field="document_no",
            )

    def _reviewed_on(self) -> date | None:
        """The day (Asia/Shanghai) of the review act that allowed the notice: the latest review passed."""
        passed = next((a for a in reversed(self._acts) if a.act in REVIEW_PASSES), None)
        return passed.at.astimezone(SHANGHAI).date() if passed else None

    def _check_publication(self, act: PublicizeAct, published: date) -> None:
        """The notice cannot be walked around by its date: not in the future, not before the review that allowed
        it, and a notice published before today is recorded late (补录) with the page it was published on.
        Checked in the validator only, so histories recorded before the rule still replay."""
        today = self._today()
        if published > today:
            raise refuse(
                RefusalKind.invalid_input,
                f"公示发布日期{published}晚于今天（{today}）：不得填写将来的日期 (published_on is in the future)",
                field="published_on",
                rule="notice_not_in_future",
            )
        reviewed = self._reviewed_on()
        if reviewed is not None and published < reviewed:
            raise refuse(
                RefusalKind.invalid_input,
                f"公示发布日期{published}早于允许公示的审核日期{reviewed}：公示须在审核通过之后发布"
                f" (published_on is before the review of {reviewed})",
                field="published_on",
                rule="notice_not_before_review",
                reviewed_on=reviewed.isoformat(),
            )
        url = act.source_url.strip()
        if published < today and not url:
            raise refuse(
                RefusalKind.invalid_input,
                f"公示发布日期{published}早于今天（{today}），属补录：须填写公示发布的网页地址"
                " (a notice recorded late needs source_url)",
                field="source_url",
                rule="late_notice_needs_source_url",
            )
        if url and not url.startswith(("http://", "https://")):
            raise refuse(
                RefusalKind.invalid_input,
                "公示发布的网页地址须以 http:// 或 https:// 开头 (source_url must be an http(s) address)",
                field="source_url",
                rule="source_url_http",
            )

    def _recorded_late(self, act: PublicizeAct, published: date) -> date | None:
        """Today, when the notice was published before today with its page named (补录); None otherwise (and for
        acts recorded before the rule, which carry no page)."""
        today = self._today()
        return today if published < today and act.source_url.strip() else None

    def _check_award(self, act: AwardAct) -> None:
        self._check(Act.award, act.actor, plaque_no=act.plaque_no)
        if act.awarded_on > self._today():
            raise refuse(RefusalKind.invalid_input, f"awarded_on {act.awarded_on} is in the future", field="awarded_on")
        if self._announcement and act.awarded_on < self._announcement[1]:
            raise refuse(
                RefusalKind.invalid_input,
                f"awarded_on {act.awarded_on} is before the announcement of {self._announcement[1]}",
                field="awarded_on",
            )

    def _check_score(self, act: ScoreAct) -> None:
        self._check(Act.score, act.actor, opinion=act.opinion)
        marks = {"written": act.written, "defence": act.defence, "field_inspection": act.field_inspection}
        if all(v is None for v in marks.values()):
            raise refuse(
                RefusalKind.invalid_input,
                "at least one of written, defence, field_inspection must be scored",
                field="written",
            )
        for name, value in marks.items():
            if value is not None and not 0 <= value <= 100:
                raise refuse(RefusalKind.invalid_input, f"{name} must be between 0 and 100, got {value:g}", field=name)
        if any(s.reviewer.user_id == act.actor.user_id for s in self._scores):
            raise self._not_now(f"reviewer {act.actor.user_id!r} has already scored this application")
