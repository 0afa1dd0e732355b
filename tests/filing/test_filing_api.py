"""Filing over the HTTP API with a real dev server, worker and read model (SQLite and PostgreSQL): the draft
generated from real announced applications, filing once (409 the second time), the form exported as XLSX
(opened with openpyxl, checked cell by cell) and CSV, corrections as versions, the board and the inbox."""

import asyncio
import csv
import hashlib
import io
from datetime import datetime

import httpx
from openpyxl import load_workbook
from sqlalchemy import delete
from sqlmodel import col

from api.deps import API_PREFIX
from api.routes import filings, notifications
from app import create_app
from config import FilingSettings
from contracts.application import AwardAct, CoSignAct, PublicizeAct, ReviewAct, ViewRequest
from contracts.rules.administration import borrowed
from db import models
from db.filing import FilingStatus, FilingVersion
from db.session import session_for
from seals.provider import seal_provider
from seals.verify import verify_pdf
from services.filing_forms import COLUMNS, TITLE
from services.identity import create_user
from state.calendar import TZ
from state.domain import COUNTIES, Department, InstitutionType, Level
from tests.api.conftest import temporal_address
from tests.conftest import pass_notice, settings_for, unique
from tests.factory import bureau, declaration, department, opinions_given, start
from tests.filing.conftest import FilingWorker
from workflows.application import ApplicationWorkflow

COUNTY = "蒙阴县"  # no other test announces anything here


def clean(database_url: str) -> None:
    """The database is the whole session's: forget this county's applications and filings from earlier tests."""
    with session_for(database_url) as s:
        ids = [a.id for a in s.exec(models.Application.__table__.select().where(models.Application.county == COUNTY))]  # type: ignore[attr-defined]
        s.exec(delete(models.ApplicationEvent).where(col(models.ApplicationEvent.application_id).in_(ids)))  # type: ignore[call-overload]
        s.exec(delete(models.Application).where(models.Application.county == COUNTY))  # type: ignore[call-overload,arg-type]
        s.exec(delete(FilingVersion).where(FilingVersion.county == COUNTY))  # type: ignore[call-overload,arg-type]
        s.exec(delete(FilingStatus).where(FilingStatus.county == COUNTY))  # type: ignore[call-overload,arg-type]
        s.commit()


async def announce(env, task_queue: str, name: str, kind: InstitutionType, document_no: str, plaque: str | None):
    """A county-level application through declaration, review, notice (its days passed on the time-skipping
    server) and the three co-signatures."""
    decl = declaration(Level.county, county=COUNTY, name=name, type=kind)
    h = await start(env.client, task_queue, decl)
    await opinions_given(h, COUNTY)
    await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(COUNTY), True, "同意"))
    await h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(bureau(COUNTY), None))
    await pass_notice(env, h)
    for dept in Department:
        await h.execute_update(ApplicationWorkflow.co_sign, CoSignAct(department(dept, COUNTY), document_no))
    announced_on = (await h.query(ApplicationWorkflow.view, ViewRequest())).announced_on
    if plaque:
        await h.execute_update(ApplicationWorkflow.award, AwardAct(bureau(COUNTY), plaque, announced_on))
    return decl, announced_on


def ok(response: httpx.Response, status: int = 200):
    assert response.status_code == status, (
        f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    )
    return response.json() if "json" in response.headers.get("content-type", "") else response.content


async def test_file_export_correct_board_and_inbox_over_http(skip_env, fresh_database_url):
    dev_env, database_url = skip_env, fresh_database_url  # past the notices on the time-skipping server
    clean(database_url)
    settings = settings_for(database_url, unique("fapi"), temporal_address=temporal_address(dev_env))
    fs = FilingSettings(filing_workflow_prefix=unique("f"))
    today = datetime.now(TZ).date()
    year = today.year
    async with FilingWorker(dev_env.client, settings, fs):
        centre, announced_on = await announce(
            dev_env,
            settings.task_queue,
            "蒙阴县公共就业服务中心",
            InstitutionType.public_agency,
            "蒙人社发〔2026〕8号",
            "MY-2026-001",
        )
        market, market_announced_on = await announce(
            dev_env,
            settings.task_queue,
            "蒙阴县城区零工市场",
            InstitutionType.gig_market,
            "蒙人社发〔2026〕9号",
            None,
        )
        app = create_app(settings.model_copy(update={"filing": fs}))
        app.include_router(filings.router, prefix=API_PREFIX)
        app.include_router(notifications.router, prefix=API_PREFIX)
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://t/api/v1", timeout=30) as http,
        ):
            suffix = unique("u")
            tokens = {
                "bureau": create_user(database_url, f"蒙阴县人社局-{suffix}", "county_bureau", COUNTY),
                "other": create_user(database_url, f"费县人社局-{suffix}", "county_bureau", "费县"),
                "reviewer": create_user(database_url, f"市人社局-{suffix}", "city_reviewer"),
            }

            def as_(who: str) -> dict:
                return {"Authorization": f"Bearer {tokens[who]}"}

            base = f"/filings/{COUNTY}/{year}"
            draft = ok(await http.get(f"{base}/draft", headers=as_("bureau")))
            rows = [
                (e["institution_name"], e["document_no"], e["plaque_no"], e["announced_on"]) for e in draft["entries"]
            ]
            assert sorted(rows) == sorted(
                [
                    ("蒙阴县公共就业服务中心", "蒙人社发〔2026〕8号", "MY-2026-001", announced_on.isoformat()),
                    ("蒙阴县城区零工市场", "蒙人社发〔2026〕9号", "", market_announced_on.isoformat()),
                ]
            )
            wrong = ok(await http.post(base, json={"digest": "0" * 64}, headers=as_("bureau")), 409)
            assert wrong["detail"]["rule"] == "filing_draft_changed"
            assert wrong["detail"]["message"] == borrowed("filing_draft_changed").say()
            ok(await http.post(base, json={"digest": draft["digest"]}, headers=as_("other")), 403)
            filed = ok(
                await http.post(base, json={"digest": draft["digest"], "note": "经三部门审核"}, headers=as_("bureau")),
                201,
            )
            assert (filed["version"], filed["state"], filed["entries"], filed["working_days_late"]) == (
                1,
                "filed_on_time",
                2,
                0,
            )
            again = ok(await http.post(base, json={"digest": draft["digest"]}, headers=as_("bureau")), 409)
            assert (
                again["detail"]["rule"] == "filing_already_filed" and again["detail"]["filing_state"] == "filed_on_time"
            )
            assert (
                again["detail"]["message"].startswith(f"{COUNTY}{year}年度已于")
                and "（第1版）" in again["detail"]["message"]
            )

            book = load_workbook(io.BytesIO(ok(await http.get(f"{base}/form.xlsx", headers=as_("reviewer")))))
            sheet = book.active
            assert sheet.title == "附件4" and sheet["A1"].value == TITLE
            assert sheet["A2"].value.startswith(
                f"填报单位：{COUNTY}人力资源和社会保障局    年度：{year}    版本：第1版    报送时间：{market_announced_on}"
            )
            assert [c.value for c in sheet[3]] == list(COLUMNS)
            by_name = {centre.institution.name: centre, market.institution.name: market}
            entries = sorted(draft["entries"], key=lambda e: e["seq"])
            for row, entry in zip((4, 5), entries, strict=True):
                decl = by_name[entry["institution_name"]]
                expected_type = "公共就业服务机构" if decl is centre else "零工市场"
                assert [c.value for c in sheet[row]] == [
                    row - 3,
                    decl.institution.name,
                    expected_type,
                    decl.institution.credit_code,
                    "蒙人社发〔2026〕8号" if decl is centre else "蒙人社发〔2026〕9号",
                    datetime.combine(announced_on if decl is centre else market_announced_on, datetime.min.time()),
                    "MY-2026-001" if decl is centre else None,
                    None,
                ]
                assert sheet.cell(row=row, column=6).number_format == "yyyy-mm-dd"
            assert sheet["A6"].value is None and sheet["A7"].value.startswith("合计：2家    填报人：蒙阴县人社局-")
            assert sheet.max_row == 7

            text = ok(await http.get(f"{base}/form.csv", headers=as_("bureau"))).decode("utf-8")
            assert text.startswith("\ufeff")
            table = list(csv.reader(io.StringIO(text[1:])))
            assert table[0] == list(COLUMNS) and len(table) == 3
            assert [r[1] for r in table[1:]] == [e["institution_name"] for e in entries]
            assert [r[3] for r in table[1:]] == [
                by_name[e["institution_name"]].institution.credit_code for e in entries
            ]

            fixed = ok(
                await http.post(
                    f"{base}/corrections",
                    json={"digest": draft["digest"], "reason": "补报奖牌编号"},
                    headers=as_("bureau"),
                ),
                201,
            )
            assert (fixed["version"], fixed["state"]) == (2, "filed_on_time")
            latest = load_workbook(io.BytesIO(ok(await http.get(f"{base}/form.xlsx", headers=as_("reviewer"))))).active
            first = load_workbook(
                io.BytesIO(ok(await http.get(f"{base}/form.xlsx?version=1", headers=as_("reviewer"))))
            ).active
            assert "版本：第2版" in latest["A2"].value and "版本：第1版" in first["A2"].value
            unknown = ok(await http.get(f"{base}/form.xlsx?version=9", headers=as_("reviewer")), 404)
            assert unknown["detail"]["rule"] == "filing_version_unknown"

            # The 备案表 as PDF: a filed version sealed by the county bureau when first asked for, and kept.
            sealed = ok(await http.get(f"{base}/form.pdf?version=1", headers=as_("reviewer")))
            again_pdf = await http.get(f"{base}/form.pdf?version=1", headers=as_("bureau"))
            assert (
                again_pdf.content == sealed and again_pdf.headers["etag"] == f'"{hashlib.sha256(sealed).hexdigest()}"'
            )
            seals = await asyncio.to_thread(verify_pdf, sealed, seal_provider(settings))
            assert seals.valid and [s.organ for s in seals.seals] == [f"{COUNTY}人力资源和社会保障局"]
            assert ok(await http.get(f"{base}/form.pdf", headers=as_("bureau"))) != sealed  # version 2, its own
            answer = ok(await http.post("/public/verify", files={"file": ("备案表.pdf", sealed)}))
            assert answer["valid"] is True and answer["document"]["kind"] == "备案表"

            detail = ok(await http.get(base, headers=as_("reviewer")))
            assert [v["version"] for v in detail["versions"]] == [1, 2] and detail["state"] == "filed_on_time"
            assert [v["kind"] for v in detail["versions"]] == ["filing", "correction"] and detail["versions"][1][
                "reason"
            ] == "补报奖牌编号"
            hidden = ok(await http.get(base, headers=as_("other")), 404)  # another county's filing is not visible
            assert hidden["detail"]["rule"] == "filing_out_of_scope"

            board = ok(await http.get(f"/filings?year={year}", headers=as_("reviewer")))
            states = {r["county"]: r["state"] for r in board["counties"]}
            assert list(states) == list(COUNTIES) and states[COUNTY] == "filed_on_time"
            assert sum(board["counts"].values()) == len(COUNTIES) and board["counts"]["filed_on_time"] >= 1
            assert [
                r["county"] for r in ok(await http.get(f"/filings?year={year}", headers=as_("bureau")))["counties"]
            ] == [COUNTY]

            inbox = ok(await http.get("/notifications", headers=as_("bureau")))
            filing_items = [n for n in inbox["items"] if n["subject"].startswith("【备案")]
            assert {n["subject"].split("】")[0] + "】" for n in filing_items} == {"【备案已报送】", "【备案更正】"}
            assert all(n["read_at"] is None for n in filing_items) and inbox["unread"] >= 2
            one = filing_items[0]
            marked = ok(await http.post(f"/notifications/{one['id']}/read", headers=as_("bureau")))
            assert marked["read_at"] is not None
            assert (
                ok(await http.post(f"/notifications/{one['id']}/read", headers=as_("bureau")))["read_at"]
                == marked["read_at"]
            )
            after = ok(await http.get("/notifications", headers=as_("bureau")))
            assert after["unread"] == inbox["unread"] - 1
            unread = ok(await http.get("/notifications?unread=true", headers=as_("bureau")))
            assert one["id"] not in [n["id"] for n in unread["items"]]
            theirs = ok(await http.post(f"/notifications/{one['id']}/read", headers=as_("other")), 404)  # not addressed
            assert theirs["detail"]["rule"] == "notification_not_found"
            city = ok(await http.get("/notifications", headers=as_("reviewer")))
            assert any(n["subject"].startswith(f"【备案已报送】{COUNTY}") for n in city["items"])
