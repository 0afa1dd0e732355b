"""Batches (批次公布) over HTTP, on a real Temporal (time-skipping: notices close) and a real read model: one joint
公布文件 per batch, co-signed once per department, numbered by the register, rendered once and served as stored."""

from datetime import date
from io import BytesIO

import pdfplumber
import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from contracts.announcement import AnnouncementPlan, FormationRequest
from db.document_register import register_rows
from documents.layout import chinese_date
from state.domain import Level
from state.organs import DOCUMENT_NUMBER
from tests.api.conftest import Driver, expect
from tests.factory import reviewer
from workflows.announcement import AnnouncementWorkflow, announcement_workflow_id

OBJECTION = {"name": "张三", "contact": "13800000000", "content": "该机构场地面积不实"}


def pdf_text(content: bytes) -> str:
    with pdfplumber.open(BytesIO(content)) as pdf:
        return "".join(page.extract_text() or "" for page in pdf.pages)


def seq_of(document_no: str) -> int:
    found = DOCUMENT_NUMBER.match(document_no)
    assert found, document_no
    return int(found["seq"])


@pytest.mark.parametrize("late_api", ["sqlite", "postgresql"], indirect=True)
async def test_a_county_batch_is_signed_once_per_department_and_announced_by_one_stored_document(
    late_api, late_driver: Driver
):
    api, driver = late_api, late_driver
    first = await driver.publicized("county")
    second, objection = await driver.objected("county")
    fourth = await driver.publicized("county")
    dismissal = {"upheld": False, "finding": "经调查核实，场地面积属实"}
    expect(await api.post("bureau", f"/applications/{second}/objections/{objection}/finding", dismissal), 200)
    await driver.pass_notice(first, second, fourth)
    early = await driver.publicized("county")  # its notice still runs
    city = await driver.declare("city")

    # Formed by the county bureau only, of closed notices only, one level and county, never empty.
    refused = expect(await api.post("reviewer", "/announcements", {"applications": [first, second]}), 403)
    assert refused["detail"]["rule"] == "announcement_by_owner"
    expect(await api.post("bureau", "/announcements", {"applications": []}), 422)  # the schema's own minimum
    assert api.client is not None  # a batch of none, as a round could start it, is refused by the batch itself
    empty = AnnouncementPlan("Bempty" + first, Level.county, "兰山区", [], reviewer())
    handle = await api.client.start_workflow(
        AnnouncementWorkflow.run, empty, id=announcement_workflow_id(empty.announcement_id), task_queue=api.task_queue
    )
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await handle.execute_update(AnnouncementWorkflow.formation, FormationRequest())
    assert isinstance(e.value.cause, ApplicationError) and e.value.cause.details[0]["rule"] == "announcement_empty"
    refused = expect(await api.post("bureau", "/announcements", {"applications": [first, city]}), 422)
    assert refused["detail"]["rule"] == "announcement_mixed"
    refused = expect(await api.post("bureau", "/announcements", {"applications": [first, early]}), 409)
    assert refused["detail"]["rule"] == "announcement_notice_not_closed"

    batch = expect(await api.post("bureau", "/announcements", {"applications": [first, second]}), 201)
    names = [(await driver.state(a))["institution"]["name"] for a in (first, second)]
    assert [a["id"] for a in batch["applications"]] == [first, second] and batch["state"] == "formed"
    drawn = register_rows(api.database_url)
    assert {r["key"]: r["number"] for r in drawn}[f"announcement:{batch['id']}"] == batch["document_no"]
    assert DOCUMENT_NUMBER.match(batch["document_no"]) and batch["document_no"].startswith("兰山人社字〔")

    # ``first`` is in a batch: a batch with it is refused as a whole, and lets go of ``fourth``, which joins the next.
    refused = expect(await api.post("bureau", "/announcements", {"applications": [fourth, first]}), 409)
    assert refused["detail"]["rule"] == "announcement_already_batched"
    other = expect(await api.post("bureau", "/announcements", {"applications": [fourth]}), 201)
    assert seq_of(other["document_no"]) == seq_of(batch["document_no"]) + 1  # the register's next number

    # An application in a batch is not co-signed by itself.
    alone = await api.post(
        "county_hrss", f"/applications/{first}/co-signatures", {"document_no": "兰山人社字〔2026〕1号"}
    )
    assert expect(alone, 409)["detail"]["rule"] == "co_sign_by_announcement"

    path = f"/announcements/{batch['id']}"
    assert expect(await api.post("hrss", f"{path}/co-signatures"), 403)["detail"]["rule"] == "co_sign_level"
    expect(await api.post("county_hrss", f"{path}/co-signatures"), 200)
    again = expect(await api.post("county_hrss", f"{path}/co-signatures"), 409)
    assert again["detail"]["rule"] == "announcement_already_signed"
    assert expect(await api.get("bureau", f"{path}/document.pdf"), 404)["detail"]["rule"] == "announcement_no_document"
    expect(await api.post("county_drc", f"{path}/co-signatures"), 200)
    assert (await driver.state(first))["state"] == "publicized"  # two signatures announce nothing
    done = expect(await api.post("county_civil_affairs", f"{path}/co-signatures"), 200)

    assert done["state"] == "announced"
    assert [s["department"] for s in done["signatures"]] == ["hrss", "drc", "civil_affairs"]
    for app_id in (first, second):
        state = await driver.state(app_id)
        assert state["state"] == "announced" and state["announcement_doc_no"] == batch["document_no"]
        assert state["announced_on"] == done["signed_on"]
    after = expect(await api.post("county_hrss", f"{path}/co-signatures"), 409)
    assert after["detail"]["rule"] == "announcement_done"
    shown = expect(await api.get("supervisor", path), 200)
    assert shown["sha256"] == done["sha256"] and shown["document_no"] == batch["document_no"]

    one, two = await api.get("bureau", f"{path}/document.pdf"), await api.get("county_drc", f"{path}/document.pdf")
    assert one.status_code == two.status_code == 200 and one.content == two.content
    assert one.headers["etag"].strip('"') == done["sha256"]
    text = pdf_text(one.content)
    assert batch["document_no"] in text and chinese_date(date.fromisoformat(done["signed_on"])) in text
    assert "临沂市兰山区民政局" in text.replace("\n", "") and all(name in text for name in names)
    assert "经调查核实，异议不成立" in text and "公示期满无异议" not in text  # an objection was lodged against one
    own = await api.get("bureau", f"/applications/{second}/documents/announcement.pdf")
    assert own.status_code == 200 and own.content == one.content  # the application's link serves its batch's
    assert own.headers["etag"] == one.headers["etag"]  # and says so by the same digest

    assert expect(await api.get("bureau", "/announcements/Bnosuchbatch"), 404)["detail"]["rule"] == (
        "announcement_not_found"
    )
    rows = expect(await api.get("bureau", "/announcements"), 200)
    assert {r["id"] for r in rows} >= {batch["id"], other["id"]}
