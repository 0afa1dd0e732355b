"""The rules ApplicationWorkflow checks before an act, as functions over its state (workflows/application_state.py):
who may act (authority), what the act must carry (input), and whether the machine allows it now. Each refusal is
an ApplicationError whose type the API maps to a status (Forbidden 403, NotFound 404, ActNotAllowed 409,
InvalidInput 422), its message a registered rule's Chinese text and its details the rule's code and facts."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from contracts.application import (
        AwardAct,
        CoSignAct,
        FindingAct,
        Objection,
        ObjectionAct,
        PublicizeAct,
        ReviewAct,
        ScoreAct,
    )
    from contracts.refusals import RefusalKind, refuse
    from contracts.rules import RULES, Rule
    from contracts.rules import engine as rules
    from contracts.rules import opinions as opinion_rules
    from state import objector
    from state.authority import Refused, authority_refused, separation_refused
    from state.clock import SHANGHAI
    from state.domain import Act, Actor, Department, Level, Role, Stage, role_for
    from state.labels import DEPARTMENTS, SCORE_PARTS, department_label
    from state.machine import CONSULTED_DEPARTMENTS
    from state.opinions import consulted_names
    from workflows.application_state import ApplicationState


REVIEW_PASSES = (Act.county_review_pass, Act.city_review_pass)
PENDING_PER_CONTACT = 2  # objections awaiting a finding, from one contact
PENDING_PER_NETWORK = 4  # from one /24 (IPv4) or /48 (IPv6) network
PENDING_PER_APPLICATION = 20  # and in all: reached only by objectors from five networks or more
# The words of the texts an act carries, as a refusal names them.
FIELDS = {
    "opinion": "意见",
    "reason": "理由",
    "finding": "调查核实结论",
    "document_no": "公布文件文号",
    "plaque_no": "奖牌编号",
    "evidence": "撤销依据",
    "name": "姓名",
    "contact": "联系方式",
    "content": "异议内容",
    "credit_code": "统一社会信用代码",
    "type": "机构类型",
    **SCORE_PARTS,
}


def today() -> date:
    return workflow.now().astimezone(SHANGHAI).date()


def review_act(act: ReviewAct, passed: Act, failed: Act) -> Act:
    return passed if act.passed else failed


def chosen_in_round(s: ApplicationState, act: ReviewAct) -> bool:
    """The review is the selection of the round this application was declared in (activities/rounds.py); another
    program's recognition (not competitive) is passed by the city's review itself."""
    program = s.decl.program
    if program is not None and program.own_facts and not program.competitive:
        return act.passed
    return act.passed and act.round_id is not None and act.round_id == s.decl.round_id


def round_detail(act: ReviewAct) -> dict[str, str]:
    return {"round_id": act.round_id} if act.round_id else {}


@contextmanager
def selection(s: ApplicationState, chosen: bool) -> Iterator[None]:
    """The machine's ``selected_in_round`` fact holds for the act at hand only."""
    s.facts.selected_in_round = chosen
    try:
        yield
    finally:
        s.facts.selected_in_round = False


def allowed(s: ApplicationState, act: Act, department: Department | None = None) -> bool:
    s.facts.now = workflow.now()
    return act in s.procedure.allowed(department)


def allowed_now(s: ApplicationState, department: Department | None = None) -> list[Act]:
    """Acts open to people now; without a department, co_sign counts if any department may still sign."""
    s.facts.now = workflow.now()
    found = dict.fromkeys(s.procedure.allowed(department))
    closed_notice = s.facts.notice_closed and s.facts.state == Stage.publicized
    if department is None and closed_notice and any(Act.co_sign in s.procedure.allowed(d) for d in Department):
        found[Act.co_sign] = None
    return [a for a in found if role_for(a, s.decl.level) != Role.system]


def not_now(
    s: ApplicationState, broken: Rule, department: Department | None = None, **facts: object
) -> ApplicationError:
    """An ActNotAllowed refusal (the "when"), naming the state and the acts allowed now."""
    return refuse(
        RefusalKind.act_not_allowed,
        broken,
        state=s.facts.state.value,
        allowed_acts=[a.value for a in allowed_now(s, department)],
        **facts,
    )


def refused(kind: RefusalKind, why: Refused) -> ApplicationError:
    """The refusal of a domain rule (state.domain's ``Refused``), by its registered code."""
    return refuse(kind, RULES[why.code], **why.facts)


def blank(field: str, words: str | None = None) -> ApplicationError:
    return refuse(
        RefusalKind.invalid_input, rules.ACT_TEXT_REQUIRED, field=field, field_label=words or FIELDS.get(field, field)
    )


def refusal(s: ApplicationState, act: Act, actor: Actor) -> str | None:
    """Why ``act`` by ``actor`` is refused now, as a text; None if it is not (for a signal, which cannot refuse)."""
    why = authority_refused(act, actor, s.decl.level, s.decl.county)
    return why.text if why else (None if allowed(s, act, actor.department) else "当前状态不允许")


def check(s: ApplicationState, act: Act, actor: Actor, admitted: bool = False, **texts: str) -> None:
    """Refuse with the right kind: Forbidden (who), InvalidInput (what), ActNotAllowed (when). ``admitted``: the
    service has admitted the actor by another rule (a round's review panel), not by role."""
    forbidden = None if admitted else authority_refused(act, actor, s.decl.level, s.decl.county)
    if forbidden:
        raise refused(RefusalKind.forbidden, forbidden)
    for name, text in texts.items():
        if not text or not text.strip():
            raise blank(name)
    s.facts.now = workflow.now()
    open_now = s.procedure.allowed(actor.department)
    if act not in open_now:
        guard = s.procedure.broken_rule(act, actor.department)
        if guard == "county_departments_agree":
            raise not_agreed(s)
        said = rules.not_allowed_facts(act, s.facts.state, allowed_now(s, actor.department), guard)
        raise refuse(RefusalKind.act_not_allowed, rules.ACT_NOT_ALLOWED, **said)


def not_agreed(s: ApplicationState) -> ApplicationError:
    """The county review's pass refused by ``county_departments_agree``: who disagreed, or whose opinion is missing."""
    names = {d: f"{s.decl.county}{department_label(d, Level.county)}" for d in CONSULTED_DEPARTMENTS}
    opinions = s.facts.county_opinions
    disagreed = [d for d in CONSULTED_DEPARTMENTS if opinions.get(d) is False]
    missing = [d for d in CONSULTED_DEPARTMENTS if d not in opinions]
    if disagreed:
        return not_now(
            s,
            opinion_rules.COUNTY_OPINION_DISAGREED,
            disagreed=[d.value for d in disagreed],
            disagreed_labels="、".join(names[d] for d in disagreed),
            missing=[d.value for d in missing],
            guard="county_departments_agree",
            county=s.decl.county,
        )
    return not_now(
        s,
        opinion_rules.COUNTY_OPINIONS_MISSING,
        missing=[d.value for d in missing],
        missing_labels="、".join(names[d] for d in missing),
        consulted=consulted_names(),
        guard="county_departments_agree",
        county=s.decl.county,
    )


def check_separation(s: ApplicationState, actor: Actor, act: Act) -> None:
    """Separation of duties (state.domain.SEPARATED): the account that declared an application does not also
    review it or find on an objection to it. Checked in validators only, so histories recorded before the rule
    still replay."""
    why = separation_refused(act, actor, s.decl.actor.user_id)
    if why:
        raise refused(RefusalKind.forbidden, why)


def check_objection(s: ApplicationState, act: ObjectionAct) -> None:
    for name in ("name", "contact", "content"):
        if not getattr(act, name).strip():
            raise blank(name)
    if s.facts.state == Stage.publicized and s.notice and workflow.now() >= s.notice.ends_at:
        ends = s.notice.ends_at.astimezone(SHANGHAI)
        raise not_now(
            s,
            rules.NOTICE_PERIOD_ENDED,
            notice_ends_at=s.notice.ends_at.isoformat(),
            ends_label=f"{ends:%Y年%m月%d日%H时%M分}",
        )
    check(s, Act.lodge_objection, Actor(user_id="public", name="public", role=Role.public))


def check_objection_cap(s: ApplicationState, act: ObjectionAct) -> None:
    """A flood of objections cannot hold a notice open for ever: the pending ones are capped per contact (however
    written: contacts recorded before the API normalised them compare normalised), per network, so that a few
    addresses cannot fill the cap for everyone, and per application (validator only, so histories recorded
    before the caps still replay)."""
    pending = [o for o in s.objections if o.upheld is None]
    mine = [o for o in pending if objector.same_contact(o.contact, act.contact)]
    if len(mine) >= PENDING_PER_CONTACT:
        raise not_now(s, rules.OBJECTIONS_PENDING_PER_CONTACT, pending=len(mine))
    ours = [o for o in pending if act.network and o.network == act.network]
    if len(ours) >= PENDING_PER_NETWORK:
        raise not_now(s, rules.OBJECTIONS_PENDING_PER_NETWORK, pending=len(ours))
    if len(pending) >= PENDING_PER_APPLICATION:
        raise not_now(s, rules.OBJECTIONS_PENDING_CAP, pending=len(pending))


def check_finding(s: ApplicationState, act: FindingAct) -> Objection:
    verdict = Act.uphold_objection if act.upheld else Act.dismiss_objection
    forbidden = authority_refused(verdict, act.actor, s.decl.level, s.decl.county)
    if forbidden:
        raise refused(RefusalKind.forbidden, forbidden)
    objection = next((o for o in s.objections if o.objection_id == act.objection_id), None)
    if objection is None:
        raise refuse(RefusalKind.not_found, rules.OBJECTION_NOT_FOUND, objection_id=act.objection_id)
    if objection.upheld is not None:
        raise not_now(
            s,
            rules.OBJECTION_ALREADY_FOUND,
            objection_id=act.objection_id,
            finding_label="属实" if objection.upheld else "不属实",
        )
    check(s, verdict, act.actor, finding=act.finding)
    return objection


def check_co_sign(s: ApplicationState, act: CoSignAct) -> None:
    check(s, Act.co_sign, act.actor, document_no=act.document_no)
    if s.signatures and act.document_no.strip() != s.signatures[0].document_no:
        first = s.signatures[0]
        raise refuse(
            RefusalKind.invalid_input,
            rules.CO_SIGN_ONE_DOCUMENT,
            field="document_no",
            first_department_label=DEPARTMENTS[first.department],
            first_document_no=first.document_no,
            document_no=act.document_no,
        )


def reviewed_on(s: ApplicationState) -> date | None:
    """The day (Asia/Shanghai) of the review act that allowed the notice: the latest review passed."""
    passed = next((a for a in reversed(s.acts) if a.act in REVIEW_PASSES), None)
    return passed.at.astimezone(SHANGHAI).date() if passed else None


def check_publication(s: ApplicationState, act: PublicizeAct, published: date) -> None:
    """The notice cannot be walked around by its date: not in the future, not before the review that allowed
    it, and a notice published before today is recorded late (补录) with the page it was published on.
    Checked in the validator only, so histories recorded before the rule still replay."""
    now = today()
    if published > now:
        raise refuse(
            RefusalKind.invalid_input,
            rules.NOTICE_NOT_IN_FUTURE,
            field="published_on",
            published_on=published.isoformat(),
            today=now.isoformat(),
        )
    reviewed = reviewed_on(s)
    if reviewed is not None and published < reviewed:
        raise refuse(
            RefusalKind.invalid_input,
            rules.NOTICE_NOT_BEFORE_REVIEW,
            field="published_on",
            published_on=published.isoformat(),
            reviewed_on=reviewed.isoformat(),
        )
    url = act.source_url.strip()
    if published < now and not url:
        raise refuse(
            RefusalKind.invalid_input,
            rules.LATE_NOTICE_NEEDS_SOURCE_URL,
            field="source_url",
            published_on=published.isoformat(),
            today=now.isoformat(),
        )
    if url and not url.startswith(("http://", "https://")):
        raise refuse(
            RefusalKind.invalid_input, rules.SOURCE_URL_HTTP, field="source_url", schemes="http:// 或 https://"
        )


def recorded_late(act: PublicizeAct, published: date) -> date | None:
    """Today, when the notice was published before today with its page named (补录); None otherwise (and for
    acts recorded before the rule, which carry no page)."""
    now = today()
    return now if published < now and act.source_url.strip() else None


def check_award(s: ApplicationState, act: AwardAct) -> None:
    check(s, Act.award, act.actor, plaque_no=act.plaque_no)
    now = today()
    if act.awarded_on > now:
        raise refuse(
            RefusalKind.invalid_input,
            rules.AWARD_NOT_IN_FUTURE,
            field="awarded_on",
            awarded_on=act.awarded_on.isoformat(),
            today=now.isoformat(),
        )
    if s.announcement and act.awarded_on < s.announcement[1]:
        raise refuse(
            RefusalKind.invalid_input,
            rules.AWARD_BEFORE_ANNOUNCEMENT,
            field="awarded_on",
            awarded_on=act.awarded_on.isoformat(),
            announced_on=s.announcement[1].isoformat(),
        )


def check_score(s: ApplicationState, act: ScoreAct) -> None:
    check(s, Act.score, act.actor, act.panel_member, opinion=act.opinion)
    marks = {"written": act.written, "defence": act.defence, "field_inspection": act.field_inspection}
    if all(v is None for v in marks.values()):
        raise refuse(RefusalKind.invalid_input, rules.SCORE_MISSING, field="written")
    for name, value in marks.items():
        if value is not None and not 0 <= value <= 100:
            raise refuse(
                RefusalKind.invalid_input,
                rules.SCORE_RANGE,
                field=name,
                field_label=FIELDS[name],
                low=0,
                high=100,
                value=f"{value:g}",
            )
    if any(sheet.reviewer.user_id == act.actor.user_id for sheet in s.scores):
        raise not_now(s, rules.ALREADY_SCORED, reviewer=act.actor.name or act.actor.user_id)
