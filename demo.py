"""``biaogan demo``: one city-level application through the whole pipeline, printing each step.

The demo runs on a Temporal time-skipping test server of its own (``temporal-test-server``), with a worker and a
read model in a temporary directory: a notice cannot be back-dated past its review, so its 5 working days must
really pass, and there they pass in seconds (the server's clock is moved on; the workflow's timer fires as it
would at the end of the fifth working day). The running service is not touched. The application is chosen by a
round of its own (a period, a city quota of one place, a round whose declaration window closes, one score, the
review closed: 择优确定).
"""

import asyncio
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from clients import quota as quota_client
from clients.codec import data_converter
from clients.connection import register_search_attributes
from config import Settings, venv_binary
from contracts.announcement import BatchSignAct
from contracts.application import (
    ActResult,
    AwardAct,
    Declaration,
    Institution,
    ReviewAct,
    ScoreAct,
    SubmittedMaterial,
    ViewRequest,
)
from contracts.opinions import DepartmentOpinionAct
from contracts.quota import CITY_SCOPE, DefinePeriod, SetQuota
from contracts.rounds import CloseReview, RoundPhase, RoundPlan, WindowRequest
from db.materials import keep_upload
from state import conditions, materials
from state.calendar import TZ
from state.credit_code import check_character
from state.domain import Actor, Department, InstitutionType, Level, Role
from state.labels import organ_name
from state.machine import CONSULTED_DEPARTMENTS
from storage import file_store
from worker import build_worker
from workflows.announcement import AnnouncementWorkflow, announcement_workflow_id
from workflows.application import ApplicationWorkflow, start_attributes, workflow_id_for
from workflows.round import RoundWorkflow, round_workflow_id

COUNTY = "兰山区"
CLERK = Actor(user_id="demo-clerk", name="兰山区人社局申报经办人（演示）", role=Role.county_bureau, county=COUNTY)
BUREAU = Actor(user_id="demo-bureau", name="兰山区人社局审核人（演示）", role=Role.county_bureau, county=COUNTY)
REVIEWER = Actor(user_id="demo-reviewer", name="市人社局评审组（演示）", role=Role.city_reviewer)
ADMIN = Actor(user_id="demo-admin", name="市人社局管理员（演示）", role=Role.admin)
WEIGHTS = {"written": 0.5, "defence": 0.3, "field_inspection": 0.2}
WINDOW_LEFT = timedelta(seconds=8)


async def _until_reviewing(client: Client, round_id: str, seconds: float = 60) -> None:
    handle = client.get_workflow_handle(round_workflow_id(round_id))
    for _ in range(int(seconds * 10)):
        if (await handle.query(RoundWorkflow.window, WindowRequest())).phase == RoundPhase.reviewing:
            return
        await asyncio.sleep(0.1)
    raise SystemExit("the round did not reach its review; is the worker running?")


async def _open_round(settings: Settings, client: Client, tag: str, year: int) -> str:
    """A period of this year, a city quota of one place, and a city round whose declaration window closes in a few
    seconds (the demo declares inside it, then the round moves to its review)."""
    period_id, round_id = f"demo-{tag}", f"DEMO-R-{tag}"
    year_period = DefinePeriod(ADMIN, f"{year}年（演示）", year, year, "演示")
    await quota_client.define_period(client, settings.task_queue, period_id, year_period)
    one_place = SetQuota(ADMIN, {CITY_SCOPE: 1}, "演示：市级名额1个")
    await quota_client.set_quota(client, settings.task_queue, period_id, Level.city, one_place)
    now = datetime.now(TZ)
    plan = RoundPlan(
        round_id=round_id,
        name=f"{year}年度市级标杆机构评定（演示）",
        level=Level.city,
        period_id=period_id,
        opens_at=now - timedelta(days=1),
        closes_at=now + WINDOW_LEFT,
        weights=dict(WEIGHTS),
        created_by=REVIEWER,
        reviewers_required=2,  # one score leaves it open, so the review is closed by hand with the notice's date
    )
    await client.start_workflow(RoundWorkflow.run, plan, id=round_workflow_id(round_id), task_queue=settings.task_queue)
    return round_id


def _step(n: int, what: str, result: ActResult) -> None:
    print(
        f"{n:>2}. {what:<34} → {result.state.value:<15} allowed next: {', '.join(a.value for a in result.allowed_acts) or '-'}"
    )


async def _wait_notice_closed(handle: WorkflowHandle, seconds: float = 30) -> None:
    for _ in range(int(seconds * 10)):
        if (await handle.query(ApplicationWorkflow.view, ViewRequest())).notice_closed:
            return
        await asyncio.sleep(0.1)
    raise SystemExit("the notice did not close")


# Stand-ins for scanned files (a minimal PDF, a 1×1 PNG): what matters to the record is their digest.
DEMO_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DEMO_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478"
    "9c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


def _demo_materials(settings: Settings, kind: InstitutionType, level: Level) -> list[SubmittedMaterial]:
    """The checklist's required files, kept as the API keeps uploads (the demo speaks to Temporal directly)."""
    store = file_store(settings.material_store_dir())
    out = []
    for item in materials.load(settings.materials.materials_checklist).checklist(kind, level):
        if not item.required:
            continue
        data, kind_name = (DEMO_PDF, materials.PDF) if materials.PDF in item.accepts else (DEMO_PNG, materials.PNG)
        name = f"{item.title}（演示）{materials.EXTENSIONS[kind_name]}"
        kept = keep_upload(settings.database_url, store, data, kind_name, name, CLERK)
        out.append(
            SubmittedMaterial(
                item=item.code,
                material_id=kept.id,
                sha256=kept.sha256,
                size=kept.size,
                content_type=kept.content_type,
                filename=kept.filename,
                uploader_id=kept.owner_user_id,
                uploader_name=kept.owner_name,
                uploaded_at=kept.uploaded_at,
                title=item.title,
            )
        )
    return out


def _attestations(settings: Settings, kind: InstitutionType, level: Level) -> dict[str, str]:
    book = conditions.load(settings.materials.conditions_file)
    return {c.code: "经县区人社局会同发改、民政部门核实，符合（演示）" for c in book.applicable(kind, level, COUNTY)}


async def run_demo(settings: Settings, env: WorkflowEnvironment) -> None:
    client = env.client
    today = (await env.get_current_time()).astimezone(TZ).date()
    body = f"91371302{uuid.uuid4().int % 10**9:09d}"
    round_id = await _open_round(settings, client, uuid.uuid4().hex[:8], today.year)
    print(f"Round {round_id}: period of {today.year}, city quota 1, declaration window open")
    decl = Declaration(
        application_id=f"DEMO-{uuid.uuid4().hex[:8]}",
        level=Level.city,
        county=COUNTY,
        institution=Institution(
            name="兰山区零工市场（演示数据）",
            type=InstitutionType.gig_market,
            credit_code=body + check_character(body),
            phone="0539-8322113",
            premises_area_m2=820,
            staff_count=9,
            founded_on=date(2019, 5, 1),
            county_title_doc_no="兰人社发〔2023〕3号（演示）",
            county_title_date=date(2023, 1, 16),
            attestations=_attestations(settings, InstitutionType.gig_market, Level.city),
        ),
        actor=CLERK,
        reason="县人社局会同县发改、民政部门申报（演示）",
        materials=_demo_materials(settings, InstitutionType.gig_market, Level.city),
        round_id=round_id,
    )
    handle = await client.start_workflow(
        ApplicationWorkflow.run,
        decl,
        id=workflow_id_for(decl.application_id),
        task_queue=settings.task_queue,
        search_attributes=start_attributes(decl),
    )
    print(f"Application {decl.application_id} (workflow {handle.id})")
    print(f" 1. declared by {CLERK.name}, {len(decl.materials)} files attached:")
    for m in decl.materials:
        print(f"      {m.item:<26} {m.content_type:<16} sha256 {m.sha256[:16]}…")
    for dept in CONSULTED_DEPARTMENTS:  # 会商: the county's DRC and civil affairs agree, each from its own account
        giver = Actor(
            user_id=f"demo-county-{dept.value}",
            name=f"{organ_name(dept, Level.county, COUNTY)}（演示）",
            role=Role.department,
            county=COUNTY,
            department=dept,
        )
        result = await handle.execute_update(
            ApplicationWorkflow.give_department_opinion,
            DepartmentOpinionAct(giver, "agree", "经会商，同意申报（演示）"),
        )
        print(f"    opinion of {giver.name}: agree → {result.state.value}")
    _step(
        2,
        "county review: pass",
        await handle.execute_update(
            ApplicationWorkflow.county_review,
            ReviewAct(BUREAU, True, "材料齐全，同意上报（另一工作人员审核：职责分离）"),
        ),
    )
    _step(
        3,
        "scored (written, defence, field)",
        await handle.execute_update(
            ApplicationWorkflow.score, ScoreAct(REVIEWER, "书面评审、现场答辩、实地考察", 92, 90, 95)
        ),
    )
    await env.sleep(WINDOW_LEFT)
    await _until_reviewing(client, round_id)
    ranking = await client.get_workflow_handle(round_workflow_id(round_id)).execute_update(
        RoundWorkflow.close_review, CloseReview(REVIEWER, "评审结束，择优确定（演示）")
    )
    chosen = [r for r in ranking.rows if r.chosen]
    print(f" 4. round closed: {len(chosen)} of {len(ranking.rows)} chosen within the quota; city review passed,")
    view = await handle.query(ApplicationWorkflow.view, ViewRequest())
    notice = view.notice
    assert notice is not None
    print(f"    notice published {notice.published_on} (the day of the selection) → {view.state.value}")
    print(
        f"    notice {notice.first_day} … {notice.last_day}, ends {notice.ends_at.isoformat()} (confirmed: {notice.confirmed})"
    )
    now = await env.get_current_time()
    await env.sleep(notice.ends_at - now + timedelta(minutes=1))
    print(
        f"    time skipped {(notice.ends_at - now).total_seconds() / 86400:.1f} days on the time-skipping server:"
        " the notice's timer fired"
    )
    await _wait_notice_closed(handle)
    print(" 5. notice closed by the workflow: period over, no objection pending")
    for n, dept in enumerate(Department, start=6):
        signer = Actor(
            user_id=f"demo-{dept.value}",
            name=f"{organ_name(dept, Level.city)}（演示）",
            role=Role.department,
            department=dept,
        )
        batch = client.get_workflow_handle(announcement_workflow_id(f"{round_id}-selection"))
        signed = await batch.execute_update(AnnouncementWorkflow.co_sign, BatchSignAct(signer))
        print(f"{n:>2}. {'co-sign the batch: ' + signer.name:<34} → {signed.state} {signed.document_no}")
    announced_on = (await handle.query(ApplicationWorkflow.view, ViewRequest())).announced_on
    assert announced_on is not None
    _step(
        9,
        "plaque awarded",
        await handle.execute_update(
            ApplicationWorkflow.award, AwardAct(REVIEWER, f"LY-DEMO-{decl.application_id[-4:]}", announced_on)
        ),
    )
    view = await handle.query(ApplicationWorkflow.view, ViewRequest())
    print(f"Done: {view.state.value}, {len(view.acts)} acts on record:")
    for a in view.acts:
        print(f"  {a.seq:>2} {a.at.astimezone(TZ):%Y-%m-%d %H:%M} {a.act.value:<18} {a.actor.name}")


async def on_time_skipping_server(settings: Settings) -> None:
    """The demo on a time-skipping server, worker and read model of its own (in a temporary directory)."""
    with tempfile.TemporaryDirectory(prefix="biaogan-demo-") as tmp:
        own = settings.model_copy(
            update={"data_dir": Path(tmp), "database_url": f"sqlite:///{Path(tmp) / 'demo.db'}", "task_queue": "demo"}
        )
        print("On a Temporal time-skipping test server of the demo's own (the running service is not touched).")
        env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=venv_binary("temporal-test-server"), data_converter=data_converter(own)
        )
        try:
            await register_search_attributes(env.client)
            with ThreadPoolExecutor(max_workers=16) as executor:
                async with build_worker(env.client, own, executor):
                    await run_demo(own, env)
        finally:
            await env.shutdown()


def main(settings: Settings) -> None:
    asyncio.run(on_time_skipping_server(settings))


if __name__ == "__main__":
    from config import get_settings

    main(get_settings())
