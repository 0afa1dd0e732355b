"""Every document the organs issue, served sealed by the running API (a real Temporal, time-skipping so notices
close; a real read model) and checked by pyHanko's own validator: the 公布文件 after the three co-signatures (three
seals), the 撤销决定, the 奖牌证书, the 公示名单; the second fetch answers the same bytes. Then 验真 over the API:
each passes, one altered byte fails, a 文号 is answered with its SHA-256, and bad input is refused by rule."""

import asyncio
import hashlib
import io

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

import documents
from seals.provider import seal_provider
from state.domain import Level
from state.labels import issuing_organs
from tests.api.conftest import Api, Driver, expect
from tests.documents.samples import CERTIFICATE


async def validated(api: Api, pdf: bytes) -> list[str]:
    """The organs whose seals pyHanko finds intact, trusted, and covering the whole file (pyHanko's validator runs
    its own event loop: in a thread of its own here)."""
    return await asyncio.to_thread(_validated, api, pdf)


def _validated(api: Api, pdf: bytes) -> list[str]:
    provider = seal_provider(api.app.state.settings)
    context = ValidationContext(trust_roots=provider.trust_roots(), allow_fetching=False)
    signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    statuses = [validate_pdf_signature(s, context) for s in signatures]
    assert statuses and all(s.intact and s.valid and s.trusted and s.bottom_line for s in statuses)
    assert statuses[-1].coverage == SignatureCoverageLevel.ENTIRE_FILE
    return [s.signing_cert.subject.native["common_name"] for s in statuses]


async def fetched_twice(api: Api, who: str | None, path: str) -> bytes:
    first, again = await api.get(who, path), await api.get(who, path)
    assert first.status_code == again.status_code == 200, first.text
    assert first.content == again.content and first.headers["content-type"] == "application/pdf"
    assert first.headers["etag"] == f'"{hashlib.sha256(first.content).hexdigest()}"'
    return first.content


async def checked(api: Api, pdf: bytes, number: str | None = None) -> dict:
    data = {"number": number} if number else None
    return expect(await api.http.post("/public/verify", files={"file": ("文件.pdf", pdf)}, data=data), 200)


async def test_each_issued_document_is_sealed_kept_and_passes_the_public_check(late_api, late_driver: Driver):
    api, driver = late_api, late_driver
    city = list(issuing_organs(Level.city))

    # 公示名单 while a notice runs: sealed by the publishing organ, the same bytes while the list is the same.
    await driver.publicized("city")
    notices = await fetched_twice(api, None, "/public/notices.pdf")
    assert await validated(api, notices) == [city[0]]

    # 公布文件 after the three co-signatures, then the plaque's certificate.
    app_id = await driver.awarded("city")
    announcement = await fetched_twice(api, "supervisor", f"/applications/{app_id}/documents/announcement.pdf")
    assert await validated(api, announcement) == city
    certificate = await fetched_twice(api, "supervisor", f"/applications/{app_id}/documents/certificate.pdf")
    assert await validated(api, certificate) == city[:1]
    state = await driver.state(app_id)

    # 撤销决定 of the three organs.
    decided = await driver.revoked(app_id)
    decision = await fetched_twice(api, "supervisor", f"/applications/{app_id}/revocation/document.pdf")
    assert await validated(api, decision) == city

    # 验真 over the API, no account: each passes and is known by its SHA-256.
    for pdf, kind, number in (
        (announcement, "公布文件", state["announcement_doc_no"]),
        (certificate, "奖牌证书", state["plaque_no"]),
        (decision, "撤销决定", decided["document_no"]),
        (notices, "公示名单", None),
    ):
        answer = await checked(api, pdf)
        assert answer["valid"] is True and answer["sha256"] == hashlib.sha256(pdf).hexdigest()
        assert answer["document"]["kind"] == kind and answer["document"]["document_no"] == number
        assert answer["seals"] and all(s["signed_at"] for s in answer["seals"])
    answer = await checked(api, announcement)
    assert [s["organ"] for s in answer["seals"]] == city
    assert answer["document"]["issued_on"] == state["announced_on"]

    altered = bytearray(announcement)
    altered[len(altered) // 3] ^= 0x01
    answer = await checked(api, bytes(altered))
    assert answer["valid"] is False and answer["document"] is None

    # A 文号 alone: issued, with the SHA-256 of the document as kept; an unknown one is not.
    asked = expect(await api.http.post("/public/verify", data={"number": state["announcement_doc_no"]}), 200)
    assert asked["issued"] is True and asked["valid"] is True
    assert asked["document"]["sha256"] == hashlib.sha256(announcement).hexdigest()
    unknown = expect(await api.http.post("/public/verify", data={"number": "临人社字〔1999〕999号"}), 200)
    assert unknown["issued"] is False and unknown["valid"] is False and unknown["document"] is None


async def test_the_public_check_refuses_what_it_cannot_check(sqlite_api):
    api = sqlite_api
    nothing = expect(await api.http.post("/public/verify", data={"number": "  "}), 422)
    assert nothing["detail"]["rule"] == "verify_nothing" and "文号" in nothing["detail"]["message"]
    empty = expect(await api.http.post("/public/verify", files={"file": ("空.pdf", b"")}), 422)
    assert empty["detail"]["rule"] == "verify_empty"
    image = expect(await api.http.post("/public/verify", files={"file": ("图.pdf", b"\xff\xd8\xff\xe0" * 64)}), 422)
    assert image["detail"]["rule"] == "verify_not_pdf" and "不是PDF" in image["detail"]["message"]
    broken = expect(await api.http.post("/public/verify", files={"file": ("坏.pdf", b"%PDF-1.7\n" + b"x" * 200)}), 422)
    assert broken["detail"]["rule"] == "verify_not_pdf"
    long = expect(await api.http.post("/public/verify", data={"number": "号" * 65}), 422)
    assert long["detail"]["rule"] == "verify_number_too_long"
    answer = await checked(api, documents.plaque_certificate(CERTIFICATE))  # a PDF, but sealed by nobody
    assert answer["valid"] is False and answer["seals"] == []
    limit = api.app.state.settings.materials.material_max_bytes
    just_over = b"%PDF-1.4\n" + b"0" * (limit - 8)  # one byte over the file's limit, within the body's
    too_large = expect(await api.http.post("/public/verify", files={"file": ("大.pdf", just_over)}), 413)
    assert too_large["detail"]["rule"] == "verify_too_large" and too_large["detail"]["limit"] == limit
    far_over = b"%PDF-1.4\n" + b"0" * (2 * limit)  # refused by the body's limit before the route reads it
    body = expect(await api.http.post("/public/verify", files={"file": ("大.pdf", far_over)}), 413)
    assert body["detail"]["rule"] == "body_too_large"
