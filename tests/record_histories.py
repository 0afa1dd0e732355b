"""Record the golden histories that tests/test_replay.py replays with the current ApplicationWorkflow.

    .venv/bin/python tests/record_histories.py          # every branch
    .venv/bin/python tests/record_histories.py objection_upheld withdrawn_during_notice

Each branch of the pipeline runs against a fresh server (the dev server; the time-skipping server where a
notice must run out) with a worker on a temporary SQLite read model, and every workflow it touches is written
to ``tests/histories/<name>.json`` (workflow id ``application-golden-<name>``). Workflows are left as they
naturally end: completed, or still open (an awarded title waits for a revocation) — both replay.

Each story follows today's procedure: the institution's claim is taken before its application starts (as
services/institution_claims.py does), so an application that ends releases it; the county's DRC and civil affairs
give their opinions (会商) before the county review; an announcement is co-signed per application (the
workflow-level ``co_sign``; batches are recorded by tests/record_joint_histories.py).
Re-record only on purpose: a changed golden file means the workflow's commands changed, i.e. running
applications would no longer replay.
"""

import asyncio
import hashlib
import json
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from contracts.application import (
    ApplicationView,
    AwardAct,
    CoSignAct,
    Declaration,
    FindingAct,
    ObjectionAct,
    PublicizeAct,
    ResubmitAct,
    ReviewAct,
    SubmittedMaterial,
    ViewRequest,
    WithdrawAct,
)
from contracts.converter import DATA_CONVERTER
from contracts.corrections import CorrectionRequestAct
from contracts.opinions import DepartmentOpinionAct
from contracts.revocation import Proposal, RevocationSignAct, RevocationState, RevocationSubject, SubjectKind
from state.calendar import TZ, WorkingDayCalendar
from state.domain import Department, Level, RevocationReason, Stage
from tests.conftest import (
    RunningWorker,
    _register_search_attributes,
    binary,
    pass_notice,
    settings_for,
)
from tests.factory import (
    COUNTY,
    bureau,
    credit_code,
    declaration,
    department,
    inspector,
    opinions_given,
    reviewer,
    selected,
    start,
)
from workflows import search_attributes as sa
from workflows.application import ApplicationWorkflow
from workflows.institution_claim import InstitutionClaim, InstitutionClaimWorkflow, claim_workflow_id
from workflows.revocation import RevocationWorkflow
from workflows.revocation import workflow_id_for as revocation_workflow_id

HISTORIES = Path(__file__).resolve().parent / "histories"
DOC_NO = "临人社发〔2026〕1号"
ALL_DEPARTMENTS = (Department.hrss, Department.drc, Department.civil_affairs)

Recorded = dict[str, WorkflowHandle]  # golden file name -> the workflow to write


class BranchFailed(RuntimeError):
    """A branch did not end where it should: nothing is written for it."""


# ---- helpers ---------------------------------------------------------------------------------------
def golden(name: str, level: Level, **kw) -> Declaration:
    decl = declaration(level, **kw)
    decl.application_id = f"golden-{name}"
    return decl


async def declared(client: Client, queue: str, decl: Declaration) -> WorkflowHandle:
    """As the API declares: the institution's claim at its level first (services/institution_claims.py ``take``),
    then the application, which releases the claim when it ends."""
    code = decl.institution.credit_code.strip().upper()
    claim = InstitutionClaim(decl.application_id, decl.level, code, decl.county)
    await client.start_workflow(
        InstitutionClaimWorkflow.run, claim, id=claim_workflow_id(decl.level, code), task_queue=queue
    )
    return await start(client, queue, decl)


async def view(h: WorkflowHandle) -> ApplicationView:
    return await h.query(ApplicationWorkflow.view, ViewRequest())


async def until(
    h: WorkflowHandle, predicate: Callable[[ApplicationView], bool], seconds: float = 30
) -> ApplicationView:
    for _ in range(int(seconds * 20)):
        v = await view(h)
        if predicate(v):
            return v
        await asyncio.sleep(0.05)
    raise BranchFailed(f"{h.id}: condition not reached in {seconds}s (state {(await view(h)).state.value})")


async def ended(h: WorkflowHandle, seconds: float = 30) -> None:
    """Wait, polling, until the workflow has completed; read what it ended with by a query afterwards. On the
    time-skipping server ``result()`` lets time run while it waits, even for a closed workflow: the workflows left
    open, with no timer of their own, would be carried to their execution timeout."""
    for _ in range(int(seconds * 20)):
        status = (await h.describe()).status
        if status == WorkflowExecutionStatus.COMPLETED:
            return
        if status != WorkflowExecutionStatus.RUNNING:
            raise BranchFailed(f"{h.id}: closed {status.name if status else status}")
        await asyncio.sleep(0.05)
    raise BranchFailed(f"{h.id}: still running after {seconds}s")


def expect(h: WorkflowHandle, state: Stage, got: Stage) -> None:
    if got != state:
        raise BranchFailed(f"{h.id}: expected {state.value}, got {got.value}")


async def reviewed(client: Client, queue: str, decl: Declaration, *, city: bool = True) -> WorkflowHandle:
    h = await declared(client, queue, decl)
    await opinions_given(h)  # 会商 (recorded since county-joint-opinions)
    await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "材料齐全，同意申报"))
    if city:
        await h.execute_update(ApplicationWorkflow.city_review, selected("书面评审、实地考察合格"))
    return h


async def announce(h: WorkflowHandle, county: str | None = None) -> None:
    await until(h, lambda v: v.notice_closed)
    for dept in ALL_DEPARTMENTS:
        r = await h.execute_update(ApplicationWorkflow.co_sign, CoSignAct(department(dept, county), DOC_NO, "同意公布"))
    expect(h, Stage.announced, r.state)


def shanghai_today() -> date:
    return datetime.now(TZ).date()


async def revoked_by_decision(
    client: Client, queue: str, h: WorkflowHandle, ground: RevocationReason, evidence: str, county: str | None = None
) -> WorkflowHandle:
    """撤销 as today: the inspector's proposal (services/revocations.py ``propose``), the three departments of the
    level that announced the title sign it, and the third signature's decision revokes the application (its
    ``revoke_by_decision`` update, sent by RevocationWorkflow). Returns the proposal's workflow, ended."""
    v = await view(h)
    i = v.institution
    subject = RevocationSubject(
        kind=SubjectKind.application,
        subject_id=v.application_id,
        level=v.level,
        county=v.county,
        institution_name=i.name,
        institution_type=i.type.value,
        credit_code=i.credit_code,
        announcement_doc_no=v.announcement_doc_no or "",
        announced_on=v.announced_on,
        contact=i.contact,
        phone=i.phone,
    )
    proposal = Proposal(f"golden-{v.application_id}", subject, ground, evidence, inspector())
    r = await client.start_workflow(
        RevocationWorkflow.run,
        proposal,
        id=revocation_workflow_id(SubjectKind.application, v.application_id),
        task_queue=queue,
    )
    for dept in ALL_DEPARTMENTS:
        await r.execute_update(
            RevocationWorkflow.co_sign, RevocationSignAct(department(dept, county), True, "同意撤销")
        )
    await ended(r)
    decided = await r.query(RevocationWorkflow.view)
    if decided.state != RevocationState.revoked:
        raise BranchFailed(f"{r.id}: the proposal ended {decided.state.value}")
    return r


# ---- branches on the dev server -------------------------------------------------------------------
async def award(h: WorkflowHandle, owner, plaque_no: str) -> None:
    announced_on = (await view(h)).announced_on
    assert announced_on is not None
    r = await h.execute_update(ApplicationWorkflow.award, AwardAct(owner, plaque_no, announced_on))
    expect(h, Stage.plaque_awarded, r.state)


async def city_awarded_revoked(env: WorkflowEnvironment, queue: str) -> Recorded:
    """City level: declare, both reviews, the notice runs out, three co-signs, award, revoked by decision."""
    h = await reviewed(env.client, queue, golden("city_awarded_revoked", Level.city))
    await h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(reviewer(), None, "市级评审结果公示"))
    await pass_notice(env, h)
    await announce(h)
    await award(h, reviewer(), "LY-2026-001")
    await revoked_by_decision(env.client, queue, h, RevocationReason.deregistered, "机构已注销")
    await ended(h)
    expect(h, Stage.revoked, (await view(h)).state)
    return {"city_awarded_revoked": h}


async def county_awarded_revoked(env: WorkflowEnvironment, queue: str) -> Recorded:
    """County level skips the city review; its revocation flags the same institution's city-level application."""
    client = env.client
    code = credit_code()
    city = await reviewed(client, queue, golden("county_revocation_flags_city", Level.city, code=code), city=False)
    h = await reviewed(client, queue, golden("county_awarded_revoked", Level.county, code=code), city=False)
    await h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(bureau(), None, "县级评定结果公示"))
    await pass_notice(env, h)
    await announce(h, county=COUNTY)
    await award(h, bureau(), "LS-2026-007")
    await revoked_by_decision(client, queue, h, RevocationReason.false_materials, "申报材料失实", county=COUNTY)
    await ended(h)
    expect(h, Stage.revoked, (await view(h)).state)
    v = await until(city, lambda v: bool(v.flags))
    expect(city, Stage.county_reviewed, v.state)
    return {"county_awarded_revoked": h, "county_revocation_flags_city": city}


async def county_review_failed(client: Client, queue: str) -> Recorded:
    """The county's DRC agrees, its civil affairs does not: the county review fails it."""
    h = await declared(client, queue, golden("county_review_failed", Level.city))
    await h.execute_update(
        ApplicationWorkflow.give_department_opinion,
        DepartmentOpinionAct(department(Department.drc, COUNTY), "agree", "经会商，同意申报"),
    )
    await h.execute_update(
        ApplicationWorkflow.give_department_opinion,
        DepartmentOpinionAct(department(Department.civil_affairs, COUNTY), "disagree", "从业人员不足，不同意申报"),
    )
    await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), False, "从业人员不足"))
    expect(h, Stage.rejected, (await h.result()).state)
    return {"county_review_failed": h}


async def city_review_failed(client: Client, queue: str) -> Recorded:
    h = await reviewed(client, queue, golden("city_review_failed", Level.city), city=False)
    await h.execute_update(ApplicationWorkflow.city_review, ReviewAct(reviewer(), False, "综合评分未入围"))
    expect(h, Stage.rejected, (await h.result()).state)
    return {"city_review_failed": h}


async def objection_upheld(client: Client, queue: str) -> Recorded:
    """Published today, so the notice is open: an objection is lodged and upheld."""
    h = await reviewed(client, queue, golden("objection_upheld", Level.city))
    await h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(reviewer(), shanghai_today()))
    r = await h.execute_update(ApplicationWorkflow.lodge_objection, ObjectionAct("张三", "13800000000", "场地面积不实"))
    await h.execute_update(
        ApplicationWorkflow.record_finding,
        FindingAct(reviewer(), r.objection_id or "", True, "经实地核查，场地面积不足"),
    )
    expect(h, Stage.rejected, (await h.result()).state)
    return {"objection_upheld": h}


async def withdrawn_during_notice(client: Client, queue: str) -> Recorded:
    h = await reviewed(client, queue, golden("withdrawn_during_notice", Level.city))
    await h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(reviewer(), shanghai_today()))
    await h.execute_update(ApplicationWorkflow.withdraw, WithdrawAct(bureau(), "机构主动撤回"))
    expect(h, Stage.withdrawn, (await h.result()).state)
    return {"withdrawn_during_notice": h}


async def duplicate_co_sign_refused(env: WorkflowEnvironment, queue: str) -> Recorded:
    """A department signing twice is refused by the validator (no trace in the history); the others announce."""
    h = await reviewed(env.client, queue, golden("duplicate_co_sign_refused", Level.city))
    await h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(reviewer(), None))
    await pass_notice(env, h)
    await h.execute_update(ApplicationWorkflow.co_sign, CoSignAct(department(Department.drc), DOC_NO))
    try:
        await h.execute_update(ApplicationWorkflow.co_sign, CoSignAct(department(Department.drc), DOC_NO))
    except WorkflowUpdateFailedError:
        pass
    else:
        raise BranchFailed(f"{h.id}: a second drc signature was accepted")
    await h.execute_update(ApplicationWorkflow.co_sign, CoSignAct(department(Department.civil_affairs), DOC_NO))
    r = await h.execute_update(ApplicationWorkflow.co_sign, CoSignAct(department(Department.hrss), DOC_NO))
    expect(h, Stage.announced, r.state)
    return {"duplicate_co_sign_refused": h}


def golden_files() -> list[SubmittedMaterial]:
    """What the API would resolve a declaration's files to (the workflow records them as given)."""
    at = datetime(2026, 4, 1, 9, tzinfo=TZ)
    return [
        SubmittedMaterial(
            item=item,
            material_id=f"Mgolden-{item}",
            sha256=hashlib.sha256(item.encode()).hexdigest(),
            size=1024,
            content_type=kind,
            filename=f"{item}.{kind.rsplit('/', 1)[-1]}",
            uploader_id="bureau-兰山区",
            uploader_name="兰山区人社局",
            uploaded_at=at,
            title=item,
        )
        for item, kind in (("declaration_form", "application/pdf"), ("premises_photos", "image/png"))
    ]


async def correction_resubmitted(client: Client, queue: str) -> Recorded:
    """Declared with files; the city returns it for correction (退回补正), the county resubmits it corrected with a
    new file, the city review then fails it."""
    decl = golden("correction_resubmitted", Level.city)
    decl.materials = golden_files()
    h = await reviewed(client, queue, decl, city=False)
    r = await h.execute_update(
        ApplicationWorkflow.request_correction,
        CorrectionRequestAct(reviewer(), "服务场所照片不清晰", ["premises_photos"]),
    )
    expect(h, Stage.returned, r.state)
    amended = (await view(h)).institution
    amended.staff_count = 8
    photo = golden_files()[1]
    photo.material_id, photo.sha256 = "Mgolden-new-photo", hashlib.sha256(b"new photo").hexdigest()
    r = await h.execute_update(ApplicationWorkflow.resubmit, ResubmitAct(bureau(), "已重新拍摄", amended, [photo]))
    expect(h, Stage.county_reviewed, r.state)
    await h.execute_update(ApplicationWorkflow.city_review, ReviewAct(reviewer(), False, "综合评分未入围"))
    expect(h, Stage.rejected, (await h.result()).state)
    return {"correction_resubmitted": h}


# ---- branches on the time-skipping server (the notice's timer must fire) ---------------------------
async def skip_to(env: WorkflowEnvironment, moment: datetime) -> None:
    delta = moment - await env.get_current_time()
    if delta > timedelta(0):
        await env.sleep(delta)


async def objection_dismissed(env: WorkflowEnvironment, queue: str) -> Recorded:
    """Objection lodged while the notice runs, dismissed; the timer fires, the notice closes, announcement."""
    client = env.client
    h = await reviewed(client, queue, golden("objection_dismissed", Level.city))
    today = (await env.get_current_time()).astimezone(TZ).date()
    await h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(reviewer(), today))
    r = await h.execute_update(ApplicationWorkflow.lodge_objection, ObjectionAct("李四", "13900000000", "服务投诉"))
    await h.execute_update(
        ApplicationWorkflow.record_finding, FindingAct(reviewer(), r.objection_id or "", False, "经调查，投诉不属实")
    )
    ends_at = (await view(h)).notice.ends_at  # type: ignore[union-attr]
    await skip_to(env, ends_at + timedelta(hours=1))
    await announce(h)
    return {"objection_dismissed": h}


async def notice_replanned(env: WorkflowEnvironment, queue: str, overrides: Path) -> Recorded:
    """A notice computed on an unconfirmed year is re-planned when the official arrangement is loaded."""
    client = env.client
    base = WorkingDayCalendar.from_file(overrides)
    d = (await env.get_current_time()).astimezone(TZ).date()
    while base.notice_period(d).confirmed or not base.is_working_day(d):
        d += timedelta(days=1)
    first = base.notice_period(d)
    h = await reviewed(client, queue, golden("notice_replanned", Level.county), city=False)
    await skip_to(env, datetime.combine(d, time(9), TZ))
    await h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(bureau(), d))
    year = first.last_day.year
    days_off = [x for x in _weekdays(year) if not base.is_working_day(x)] + [first.last_day]
    overrides.write_text(
        json.dumps(
            {
                "years": {
                    str(year): {
                        "confirmed": True,
                        "source": "golden history arrangement",
                        "days_off": sorted({x.isoformat() for x in days_off}),
                        "workdays": [],
                    }
                }
            }
        )
    )
    await skip_to(env, first.ends_at + timedelta(minutes=1))
    v = await until(h, lambda v: v.notice is not None and v.notice.confirmed)
    await skip_to(env, v.notice.ends_at + timedelta(minutes=1))  # type: ignore[union-attr]
    await until(h, lambda v: v.notice_closed)
    return {"notice_replanned": h}


async def correction_lapsed(env: WorkflowEnvironment, queue: str) -> Recorded:
    """Returned by the county for correction and never resubmitted: reminded, then withdrawn by the system."""
    h = await declared(env.client, queue, golden("correction_lapsed", Level.county))
    await h.execute_update(
        ApplicationWorkflow.request_correction,
        CorrectionRequestAct(bureau(), "缺少场地面积证明", ["gig_market_area_proof"]),
    )
    window = (await view(h)).correction.window  # type: ignore[union-attr]
    while (await env.get_current_time()) < window.ends_at + timedelta(hours=1):
        await env.sleep(timedelta(hours=12))  # in steps: the reminder's activities run on the way
    expect(h, Stage.withdrawn, (await h.result()).state)
    return {"correction_lapsed": h}


def _weekdays(year: int) -> list[date]:
    d, out = date(year, 1, 1), []
    while d.year == year:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


DEV_BRANCHES: dict[str, Callable[[Client, str], Awaitable[Recorded]]] = {
    "county_review_failed": county_review_failed,
    "city_review_failed": city_review_failed,
    "objection_upheld": objection_upheld,
    "withdrawn_during_notice": withdrawn_during_notice,
    "correction_resubmitted": correction_resubmitted,
}
# On the time-skipping server: a notice or a correction window must run out.
SKIP_BRANCHES: dict[str, Callable[[WorkflowEnvironment, str], Awaitable[Recorded]]] = {
    "city_awarded_revoked": city_awarded_revoked,
    "county_awarded_revoked": county_awarded_revoked,  # also writes county_revocation_flags_city
    "duplicate_co_sign_refused": duplicate_co_sign_refused,
    "objection_dismissed": objection_dismissed,
    "correction_lapsed": correction_lapsed,
}
REPLANNED = "notice_replanned"  # on the time-skipping server too, with a calendar file it rewrites


async def write(recorded: Recorded) -> None:
    HISTORIES.mkdir(exist_ok=True)
    for name, h in recorded.items():
        history = await h.fetch_history()
        path = HISTORIES / f"{name}.json"
        path.write_text(json.dumps(history.to_json_dict(), indent=1, ensure_ascii=False) + "\n")
        print(f"  wrote {path} ({len(history.events)} events)")


async def record(selected: set[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{Path(tmp) / 'golden.db'}"
        dev = [name for name in DEV_BRANCHES if name in selected]
        if dev:
            env = await WorkflowEnvironment.start_local(
                dev_server_existing_path=binary("temporal"),
                data_converter=DATA_CONVERTER,
                search_attributes=list(sa.ALL),
            )
            try:
                async with RunningWorker(env.client, settings_for(db, "golden")):
                    for name in dev:
                        print(f"{name} (dev server)")
                        await write(await DEV_BRANCHES[name](env.client, "golden"))
            finally:
                await env.shutdown()
        for name in [name for name in SKIP_BRANCHES if name in selected]:
            print(f"{name} (a time-skipping server of its own)")  # one server each: skipped time does not pile up
            env = await _time_skipping_server()
            try:
                async with RunningWorker(env.client, settings_for(db, f"golden-{name}")):
                    await write(await SKIP_BRANCHES[name](env, f"golden-{name}"))
            finally:
                await env.shutdown()
        if REPLANNED in selected:
            print(f"{REPLANNED} (a time-skipping server of its own)")
            env = await _time_skipping_server()
            try:
                overrides = Path(tmp) / "overrides.json"
                overrides.write_text(json.dumps({"years": {}}))
                settings = settings_for(db, "golden-replan", calendar_overrides=overrides)
                async with RunningWorker(env.client, settings):
                    await write(await notice_replanned(env, "golden-replan", overrides))
            finally:
                await env.shutdown()


async def _time_skipping_server() -> WorkflowEnvironment:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"), data_converter=DATA_CONVERTER
    )
    await _register_search_attributes(env.client)
    return env


if __name__ == "__main__":
    known = [*DEV_BRANCHES, *SKIP_BRANCHES, REPLANNED]
    wanted = set(sys.argv[1:]) or set(known)
    if unknown := wanted - set(known):
        sys.exit(f"unknown branch(es) {sorted(unknown)}; known: {', '.join(known)}")
    asyncio.run(record(wanted))
