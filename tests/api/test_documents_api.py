"""The printable documents over HTTP: read back as text, and never for anyone outside the application's scope."""

from io import BytesIO

from pypdf import PdfReader

from tests.api.conftest import Driver, expect
from tests.conftest import today, unique


def text(response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)


async def test_declaration_announcement_and_certificate_of_a_county_level_title(late_api, late_driver: Driver):
    api, driver = late_api, late_driver
    first = await driver.notice_closed("county")
    second = await driver.notice_closed("county")
    doc_no = (await driver.batch_announced([first, second], "county"))["document_no"]  # the register's 文号
    detail = await driver.state(first)
    name, other = detail["institution"]["name"], (await driver.state(second))["institution"]["name"]

    form = text(await api.get("bureau", f"/applications/{first}/documents/declaration.pdf"))
    assert "申报表" in form and name in form and detail["institution"]["credit_code"] in form and "（盖章）" in form

    joint = text(await api.get("supervisor", f"/applications/{first}/documents/announcement.pdf"))
    assert doc_no in joint and name in joint and other in joint  # one document for the whole batch
    assert "兰山区人力资源和社会保障局" in joint and "兰山区民政局" in joint

    refused = await api.get("bureau", f"/applications/{first}/documents/certificate.pdf")
    assert expect(refused, 409)["detail"]["rule"] == "no_plaque"
    plaque = f"LS-{unique('P')}"
    award = {"plaque_no": plaque, "awarded_on": (await driver.state(first))["announced_on"]}
    expect(await api.post("bureau", f"/applications/{first}/award", award), 200)
    cert = text(await api.get("bureau", f"/applications/{first}/documents/certificate.pdf"))
    assert plaque in cert and name in cert and "县级" in cert and str(today().year) in cert


async def test_documents_are_404_outside_the_scope_and_need_a_token(api, driver: Driver):
    app_id = await driver.declare("county")
    for doc in ("declaration", "announcement", "certificate"):
        assert (await api.get("other_bureau", f"/applications/{app_id}/documents/{doc}.pdf")).status_code == 404
        assert (await api.get(None, f"/applications/{app_id}/documents/{doc}.pdf")).status_code == 401
    refused = await api.get("bureau", f"/applications/{app_id}/documents/announcement.pdf")
    assert expect(refused, 409)["detail"]["rule"] == "not_announced"


async def test_the_public_notice_list_is_printable(api, driver: Driver):
    app_id = await driver.publicized("county", today())
    name = (await driver.state(app_id))["institution"]["name"]
    board = text(await api.get(None, "/public/notices.pdf"))
    assert "拟评定名单公示" in board and name in board and "实名" in board
