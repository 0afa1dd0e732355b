"""``biaogan demo``: one city-level application through the whole pipeline, printing each step.

Needs a running service (``./run.sh``). The notice is back-dated so that its 5 working days are already over.
"""

import asyncio
import uuid
from datetime import date, datetime

from temporalio.client import Client, WorkflowHandle

from clients.connection import run_with_client
from config import Settings
from contracts.application import (
    ActResult,
    AwardAct,
    CoSignAct,
    Declaration,
    Institution,
    PublicizeAct,
    ReviewAct,
    SubmittedMaterial,
    ViewRequest,
)
from db.materials import keep_upload
from state import conditions, materials
from state.calendar import TZ, WorkingDayCalendar
from state.credit_code import check_character
from state.domain import Actor, Department, InstitutionType, Level, Role
from storage import file_store
from workflows.application import ApplicationWorkflow, start_attributes, workflow_id_for

COUNTY = "兰山区"
BUREAU = Actor(user_id="demo-bureau", name="兰山区人社局（演示）", role=Role.county_bureau, county=COUNTY)
REVIEWER = Actor(user_id="demo-reviewer", name="市人社局评审组（演示）", role=Role.city_reviewer)


def _step(n: int, what: str, result: ActResult) -> None:
    print(
        f"{n:>2}. {what:<34} → {result.state.value:<15} allowed next: {', '.join(a.value for a in result.allowed_acts) or '-'}"
    )


async def _wait_notice_closed(handle: WorkflowHandle, seconds: float = 30) -> None:
    for _ in range(int(seconds * 10)):
        if (await handle.query(ApplicationWorkflow.view, ViewRequest())).notice_closed:
            return
        await asyncio.sleep(0.1)
    raise SystemExit("the notice did not close; is the worker running?")


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
        kept = keep_upload(settings.database_url, store, data, kind_name, name, BUREAU)
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


async def run_demo(settings: Settings, client: Client) -> None:
    today = datetime.now(TZ).date()
    published_on = WorkingDayCalendar.from_file(settings.calendar_overrides).add_working_days(today, -10)
    body = f"91371302{uuid.uuid4().int % 10**9:09d}"
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
        actor=BUREAU,
        reason="县人社局会同县发改、民政部门申报（演示）",
        materials=_demo_materials(settings, InstitutionType.gig_market, Level.city),
    )
    handle = await client.start_workflow(
        ApplicationWorkflow.run,
        decl,
        id=workflow_id_for(decl.application_id),
        task_queue=settings.task_queue,
        search_attributes=start_attributes(decl),
    )
    print(f"Application {decl.application_id} (workflow {handle.id})")
    print(f" 1. declared by {BUREAU.name}, {len(decl.materials)} files attached:")
    for m in decl.materials:
        print(f"      {m.item:<26} {m.content_type:<16} sha256 {m.sha256[:16]}…")
    _step(
        2,
        "county review: pass",
        await handle.execute_update(ApplicationWorkflow.county_review, ReviewAct(BUREAU, True, "材料齐全，同意上报")),
    )
    _step(
        3,
        "city review: pass",
        await handle.execute_update(ApplicationWorkflow.city_review, ReviewAct(REVIEWER, True, "竞争性评审择优入选")),
    )
    _step(
        4,
        f"notice published {published_on}",
        await handle.execute_update(
            ApplicationWorkflow.publicize, PublicizeAct(REVIEWER, published_on, "市人社局网站公示")
        ),
    )
    notice = (await handle.query(ApplicationWorkflow.view, ViewRequest())).notice
    assert notice is not None
    print(
        f"    notice {notice.first_day} … {notice.last_day}, ends {notice.ends_at.isoformat()} (confirmed: {notice.confirmed})"
    )
    await _wait_notice_closed(handle)
    print(" 5. notice closed by the workflow: period over, no objection pending")
    for n, dept in enumerate(Department, start=6):
        signer = Actor(
            user_id=f"demo-{dept.value}", name=f"市{dept.value}（演示）", role=Role.department, department=dept
        )
        _step(
            n,
            f"co-sign: {dept.value}",
            await handle.execute_update(ApplicationWorkflow.co_sign, CoSignAct(signer, "临人社发〔演示〕1号")),
        )
    _step(
        9,
        "plaque awarded",
        await handle.execute_update(
            ApplicationWorkflow.award, AwardAct(REVIEWER, f"LY-DEMO-{decl.application_id[-4:]}", today)
        ),
    )
    view = await handle.query(ApplicationWorkflow.view, ViewRequest())
    print(f"Done: {view.state.value}, {len(view.acts)} acts on record. History in the Temporal UI:")
    host = settings.temporal_address.rpartition(":")[0]
    print(f"  http://{host}:{settings.temporal_ui_port}/namespaces/{settings.temporal_namespace}/workflows/{handle.id}")


def main(settings: Settings) -> None:
    run_with_client(settings, lambda client: run_demo(settings, client))


if __name__ == "__main__":
    from config import get_settings

    main(get_settings())
