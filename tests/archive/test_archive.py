"""归档包 over a real HTTP server (uvicorn on 127.0.0.1, the app's real worker and a time-skipping Temporal server):
applications driven to 授牌, 撤销, 未通过 and 撤回; each package opened and checked — the manifest lists every other file
with its SHA-256 and size, its detached signature validates with pyHanko's validator (and fails once the manifest
is altered), the sealed documents are the bytes the API serves, the materials the bytes uploaded, the history PDF
Chinese with no id in it — and a county's year holds each archivable application once."""

import asyncio
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pdfplumber

from db.numbers import number_or_id
from seals.provider import seal_provider
from seals.verify import verify_detached
from tests.api.conftest import Api, Driver, declaration_body, expect, opinions_given, required_items
from tests.conftest import unique
from tests.factory import COUNTY, OTHER_COUNTY
from tests.samples import unique_pdf, unique_png
from tests.uvicorn_in_loop import served_on_a_port

HEX_ID = re.compile(r"(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{8,}")
TEST_DATA = re.compile(r"[a-z_]+-u-[0-9a-f]{10}|LS-P-[0-9a-f]{10}")  # the fixtures' account names, plaque numbers
ENUM_WORDS = re.compile(r"plaque_awarded|county_review|rejected|withdrawn|revoked|declare\b|timer_|deadline_")


async def declared_with_files(api: Api) -> tuple[str, dict[str, bytes]]:
    """A county-level declaration whose files this test uploads itself: (its id, the bytes by checklist title)."""
    refs, sent = [], {}
    for item in required_items("gig_market", "county"):
        data = unique_pdf() if "application/pdf" in item.accepts else unique_png()
        suffix = ".pdf" if "application/pdf" in item.accepts else ".png"
        uploaded = expect(await api.upload("clerk", data, f"扫描件{suffix}"), 201)
        refs.append({"item": item.code, "material_id": uploaded["id"]})
        sent[item.title] = data
    body = {**declaration_body("county"), "materials": refs}
    return expect(await api.post("clerk", "/applications", body), 201)["id"], sent


async def awarded(driver: Driver, app_id: str) -> None:
    api = driver.api
    await opinions_given(api, app_id)
    expect(
        await api.post("bureau", f"/applications/{app_id}/county-review", {"decision": "pass", "opinion": "同意"}), 200
    )
    expect(await api.post("bureau", f"/applications/{app_id}/notice", {}), 200)
    await driver.pass_notice(app_id)
    await driver.batch_announced([app_id], "county")
    announced_on = (await driver.state(app_id))["announced_on"]
    award = {"plaque_no": f"LS-{unique('P')}", "awarded_on": announced_on}
    expect(await api.post("bureau", f"/applications/{app_id}/award", award), 200)


def opened(response: httpx.Response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


async def checked(api: Api, package: zipfile.ZipFile) -> dict[str, Any]:
    """The package's 归档信息, once every entry is found listed with its digest and size and the signature holds."""
    names = package.namelist()
    assert all(i.flag_bits & 0x800 for i in package.infolist())  # UTF-8 names
    assert len(names) == len(set(names))
    manifest_bytes, signature = package.read("manifest.json"), package.read("manifest.json.p7s")
    listed = {f["path"]: f for f in json.loads(manifest_bytes)}  # the manifest: [{path, sha256, size}]
    assert set(listed) == set(names) - {"manifest.json", "manifest.json.p7s"}
    for path, entry in listed.items():
        data = package.read(path)
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    about = json.loads(package.read("归档信息.json"))
    provider = seal_provider(api.app.state.settings)
    verified = await asyncio.to_thread(verify_detached, manifest_bytes, signature, provider)  # it runs a loop
    assert verified.valid and verified.seals[0].organ == about["签名机关"]
    altered = bytearray(manifest_bytes)
    altered[10] ^= 1
    assert not (await asyncio.to_thread(verify_detached, bytes(altered), signature, provider)).valid
    assert about["所在县区"] == COUNTY and about["打包人"] and about["打包时间"].endswith("+08:00")
    return about


def openssl_verifies(api: Api, package: zipfile.ZipFile, where: Path) -> bool:
    """``openssl cms -verify`` over the package's manifest, trusting the provider's root (as README.md says)."""
    for name in ("manifest.json", "manifest.json.p7s"):
        (where / name).write_bytes(package.read(name))
    root = api.app.state.settings.data_dir / "seals" / "root.crt"  # the dev provider's root certificate, alone
    assert "PRIVATE KEY" not in root.read_text()
    shutil.copy(root, where / "root.crt")
    command = ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "manifest.json.p7s"]
    command += ["-content", "manifest.json", "-CAfile", "root.crt", "-out", os.devnull]
    return subprocess.run(command, cwd=where, capture_output=True, check=False).returncode == 0


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "".join(page.extract_text() or "" for page in pdf.pages)


def said_pieces(data: bytes) -> list[str]:
    """The history PDF's table cells (each cell's lines joined again) and its lines outside the table, with the
    fixtures' own account names and plaque numbers taken out: what is left is the renderer's words."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        cells = [c or "" for p in pdf.pages for t in p.extract_tables() for row in t for c in row]
        lines = [line for p in pdf.pages for line in (p.extract_text() or "").splitlines() if "：" in line[:12]]
    return [TEST_DATA.sub("", piece.replace("\n", "")) for piece in cells + lines]


async def test_archive_packages_of_ended_applications_and_a_countys_year(late_api, late_driver: Driver, tmp_path):
    api, driver = late_api, late_driver
    titled, sent = await declared_with_files(api)
    revoked = await driver.declare("county")
    rejected = await driver.declare("county")
    withdrawn = await driver.declare("county")
    still_open = await driver.declare("county")
    await awarded(driver, titled)
    await awarded(driver, revoked)
    issued = await api.get("bureau", f"/applications/{revoked}/documents/certificate.pdf")
    assert issued.status_code == 200  # issued, then revoked
    await driver.revoked(revoked, level="county")
    fail = {"decision": "fail", "opinion": "不符合条件"}
    expect(await api.post("bureau", f"/applications/{rejected}/county-review", fail), 200)

    async with served_on_a_port(api.app) as port:
        base = f"http://127.0.0.1:{port}/api/v1"
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:

            async def get(who: str, path: str, **kw: Any) -> httpx.Response:
                return await http.get(path, headers=api.auth(who), **kw)

            # before it has ended: 409 naming the state in Chinese
            early = expect(await get("bureau", f"/applications/{withdrawn}/archive.zip"), 409)["detail"]
            assert early["rule"] == "not_archivable" and "已申报" in early["message"]
            withdrawal = {"reason": "机构决定不再申报"}
            expect(await api.post("bureau", f"/applications/{withdrawn}/withdrawal", withdrawal), 200)
            gone = await get("other_bureau", f"/applications/{titled}/archive.zip")
            assert expect(gone, 404)["detail"]["rule"] == "application_not_found"

            # 授牌: the sealed documents as served, the materials as uploaded, the history in Chinese
            package = opened(await get("bureau", f"/applications/{titled}/archive.zip"))
            about = await checked(api, package)
            detail = await driver.state(titled)
            assert openssl_verifies(api, package, tmp_path)  # the README's command
            assert (
                about["申报编号"] == number_or_id(api.database_url, titled)
                and about["机构名称"] == detail["institution"]["name"]
            )
            served = await get("supervisor", f"/applications/{titled}/documents/announcement.pdf")
            assert package.read("文书/公布文件.pdf") == served.content
            certificate = await get("bureau", f"/applications/{titled}/documents/certificate.pdf")
            assert package.read("文书/奖牌证书.pdf") == certificate.content
            assert {"文书/申报表.pdf", "文书/审批单.pdf", "history.json", "办理过程.pdf"} <= set(package.namelist())
            for title, data in sent.items():
                name = next(n for n in package.namelist() if n.startswith(f"材料/{title}"))
                assert package.read(name) == data
            assert not any(HEX_ID.search(n) for n in package.namelist())
            story = pdf_text(package.read("办理过程.pdf"))
            assert "申报办理过程" in story and "授牌" in story and number_or_id(api.database_url, titled) in story
            pieces = said_pieces(package.read("办理过程.pdf"))
            assert len(pieces) > 20 and not [p for p in pieces if HEX_ID.search(p) or ENUM_WORDS.search(p)]
            assert titled not in story
            events = json.loads(package.read("history.json"))["事件"]
            assert events and all(
                datetime.fromisoformat(e["时间"]).utcoffset().total_seconds() == 8 * 3600 for e in events
            )

            # 撤销: the decision as kept, the certificate issued before it
            package = opened(await get("supervisor", f"/applications/{revoked}/archive.zip"))
            await checked(api, package)
            decision = await get("supervisor", f"/applications/{revoked}/revocation/document.pdf")
            assert package.read("文书/撤销决定.pdf") == decision.content
            assert "文书/奖牌证书.pdf" in package.namelist()
            assert "撤销" in pdf_text(package.read("办理过程.pdf"))

            # 未通过 and 撤回: no 公布文件
            for ended, word in ((rejected, "未通过"), (withdrawn, "撤回")):
                package = opened(await get("bureau", f"/applications/{ended}/archive.zip"))
                assert (await checked(api, package))["办理状态"] in ("未通过", "已撤回")
                assert "文书/公布文件.pdf" not in package.namelist()
                assert word in pdf_text(package.read("办理过程.pdf"))

            # a county's year: each archivable application once, under its number; nothing for the open one
            numbers = {a: number_or_id(api.database_url, a) for a in (titled, revoked, rejected, withdrawn)}
            years = {datetime.fromisoformat((await driver.state(a))["acts"][-1]["at"]).year for a in numbers}
            held: list[str] = []
            for year in sorted(years):
                response = await get("bureau", f"/archives/{year}.zip", params={"county": COUNTY})
                assert response.headers["transfer-encoding"] == "chunked"  # streamed, not one body in memory
                outer = opened(response)
                for name in outer.namelist():
                    inner = zipfile.ZipFile(io.BytesIO(outer.read(name)))
                    assert (
                        inner.read("manifest.json")
                        and name == f"{json.loads(inner.read('归档信息.json'))['申报编号']}.zip"
                    )
                held += outer.namelist()
            assert sorted(held) == sorted(f"{n}.zip" for n in numbers.values())
            assert number_or_id(api.database_url, still_open) + ".zip" not in held
            empty = await get("bureau", "/archives/2001.zip", params={"county": COUNTY})
            assert expect(empty, 404)["detail"]["rule"] == "archive_year_empty"
            other = await get("other_bureau", f"/archives/{min(years)}.zip", params={"county": COUNTY})
            assert expect(other, 404)["detail"]["rule"] == "archive_year_empty"
            assert OTHER_COUNTY != COUNTY
