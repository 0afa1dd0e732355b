"""归档包: once an application is awarded or has ended (撤销, 未通过, 撤回), a ZIP for the 档案室 — its documents as kept
(the sealed 公布文件, 撤销决定 and 奖牌证书; the 申报表 and 审批单 as rendered now), every material as uploaded under
its title, the history as ``history.json`` and as ``办理过程.pdf``, and ``manifest.json`` (every other file's path,
SHA-256 and size, the application's facts, who packed it and when) with its detached CMS signature
``manifest.json.p7s`` by the lead issuing organ of the application's level. A county's year of packages is one ZIP
of those ZIPs, built in a temporary file. Readable by whoever may read the application (same 404 rule)."""

import hashlib
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import BinaryIO

from fastapi.concurrency import run_in_threadpool

import documents as renderers
from activities.sealing import CERTIFICATE
from contracts.application import ApplicationView, SubmittedMaterial
from contracts.rules.applications import ARCHIVE_YEAR_EMPTY, MATERIAL_UNREADABLE, NOT_ARCHIVABLE
from db import issued_documents as issued
from db import revocations as revocation_table
from db.numbers import ID_IN_TEXT, number_or_id, numbered_text
from db.queries.archive import settled_in
from db.session import get_engine
from schemas.models import ActPublic, TimelineEvent
from seals.provider import seal_provider
from services import documents, history, narration, present
from services.access import fetch_view, may_see
from services.approval_sheet import FACT_TITLES, LEFT_OUT, moment
from services.context import Context
from services.declarations import EVIDENCE_TITLES, store_for
from services.materials import download_name
from services.program_documents import issuers
from services.refusals import Refusal
from state.clock import SHANGHAI
from state.domain import Actor, Level, RevocationReason, Stage
from state.labels import LEVELS, REVOCATION_REASONS, ROLES, STAGES
from state.machine import FINAL_STAGES
from storage import BlobCorrupt, BlobMissing

ARCHIVABLE = FINAL_STAGES | {Stage.plaque_awarded}
ZIP = "application/zip"
DOCS, MATERIALS = "文书", "材料"
HISTORY_JSON, HISTORY_PDF = "history.json", "办理过程.pdf"
MANIFEST, SIGNATURE = "manifest.json", "manifest.json.p7s"
ABOUT = "归档信息.json"  # the package's facts: 申报编号, 机构, 打包人 and 时间, the organ that signed the manifest
CHUNK = 1024 * 1024
UTF8_NAME = 0x800  # the ZIP entry's name is UTF-8 (APPNOTE 4.4.4, bit 11)
UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


@dataclass(frozen=True)
class Package:
    name: str  # the file name it is served under
    content: bytes


def archivable(state: Stage) -> bool:
    return state in ARCHIVABLE


def _zip(entries: list[tuple[str, bytes]], when: datetime, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for path, data in entries:
            _add(z, path, data, when, method)
    return out.getvalue()


class _Utf8Name(zipfile.ZipInfo):
    """An entry whose name is marked UTF-8 whatever it is: zipfile marks only names that are not ASCII, and resets
    the flags it is given when it writes the entry, so the mark is added where it encodes the name."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 (zipfile's own name)
        return self.filename.encode("utf-8"), self.flag_bits | UTF8_NAME


def _add(z: zipfile.ZipFile, path: str, data: bytes, when: datetime, method: int) -> None:
    info = _Utf8Name(path, date_time=when.timetuple()[:6])
    info.compress_type = method
    info.external_attr = 0o644 << 16
    z.writestr(info, data)


def _unique(path: str, used: set[str]) -> str:
    """``path``, or ``name（2）.pdf`` and on when a file of that name is already in the package."""
    stem, suffix = PurePosixPath(path).stem, PurePosixPath(path).suffix
    parent, n, found = str(PurePosixPath(path).parent), 1, path
    while found in used:
        n += 1
        found = f"{parent}/{stem}（{n}）{suffix}"
    used.add(found)
    return found


def _material_name(m: SubmittedMaterial) -> str:
    title = m.title or EVIDENCE_TITLES.get(m.item, "") or PurePosixPath(m.filename).stem or "申报材料"
    title = UNSAFE.sub("", ID_IN_TEXT.sub("", title)).strip()[:80] or "申报材料"
    return title + PurePosixPath(download_name(m.filename, m.content_type)).suffix


def _materials(ctx: Context, view: ApplicationView, used: set[str]) -> list[tuple[str, bytes]]:
    store, seen, out = store_for(ctx.settings), set(), []
    for act in view.acts:
        for m in act.materials:
            if m.material_id in seen:
                continue
            seen.add(m.material_id)
            try:
                data = store.get(m.sha256)
            except (BlobMissing, BlobCorrupt):
                raise Refusal(500, MATERIAL_UNREADABLE, sha256=m.sha256) from None
            out.append((_unique(f"{MATERIALS}/{_material_name(m)}", used), data))
    return out


def _kept_documents(ctx: Context, view: ApplicationView) -> list[tuple[str, bytes]]:
    """The 奖牌证书 kept for a title since revoked, and the 撤销决定 as sealed."""
    out, store, url = [], store_for(ctx.settings), ctx.settings.database_url
    if view.state != Stage.plaque_awarded:
        certificate = issued.kept(url, CERTIFICATE, view.application_id)
        if certificate is not None:
            out.append((f"{DOCS}/奖牌证书.pdf", store.get(certificate.sha256)))
    with ctx.session() as s:
        row = revocation_table.latest_for(s, "application", view.application_id)
    if row is not None and row.state == revocation_table.REVOKED and row.document_sha256:
        out.append((f"{DOCS}/撤销决定.pdf", store.get(row.document_sha256)))
    return out


def _said(parts: list[str]) -> str:
    return "；".join(p for p in parts if p)


def _told(e: TimelineEvent, level: Level) -> tuple[str, str, str]:
    """(what, who, what it says) of one timeline event, in Chinese."""
    day, deadline = narration.chinese_day, narration.chinese_deadline
    if e.kind == "act" and e.act is not None and e.actor is not None and e.state_after is not None:
        facts = {"act": e.act, "actor": e.actor, "at": e.when, "state_after": e.state_after, "details": e.details}
        act = ActPublic(seq=0, reason=e.reason or "", **facts)
        entry = narration.timeline([act], level, moment, FACT_TITLES, left_out=LEFT_OUT)[0]
        files = "、".join(m.title or EVIDENCE_TITLES.get(m.item, "") or "材料" for m in e.materials)
        said = [entry.reason, *[f"{k}：{v}" for k, v in entry.details], f"提交材料：{files}" if files else ""]
        who = entry.who if entry.who == entry.role else f"{entry.who}（{entry.role}）"
        return entry.act, who, _said([*said, f"办理后状态：{entry.state_after}"])
    if e.kind == "deadline_computed" and e.notice is not None:
        n = e.notice
        window = f"公示发布日期{day(n.published_on.isoformat())}，公示期{day(n.first_day.isoformat())}至"
        window += f"{day(n.last_day.isoformat())}，{deadline(n.ends_at.isoformat())}截止"
        return "公示期限确定", "", window + ("" if n.confirmed else "（节假日安排未公布，期限待确认）")
    if e.kind == "timer_started":
        fires = f"到点时间：{moment(e.fires_at)}" if e.fires_at else ""
        return "计时开始", "", _said([e.reason or "", fires])
    if e.kind == "revocation_requested":
        who = f"{e.actor.name or '（不公开）'}（{ROLES[e.actor.role]}）" if e.actor else ""
        ground = e.details.get("ground", "")
        known = ground in {r.value for r in RevocationReason}
        grounds = REVOCATION_REASONS[RevocationReason(ground)] if known else ""
        return "提出撤销", who, _said([f"撤销情形：{grounds}" if grounds else "", e.reason or ""])
    if e.kind == "closed":
        ended = f"办结状态：{STAGES[e.state_after]}" if e.state_after else ""
        return "流程结束", "", _said([e.reason or "", ended])
    words = {"timer_fired": "计时到点", "timer_canceled": "计时取消", "replan_requested": "重新安排公示"}
    return words.get(e.kind, "其他"), "", e.reason or ""


def _history(
    ctx: Context, view: ApplicationView, events: list[TimelineEvent], facts: list[tuple[str, str]], packed: str
) -> tuple[bytes, bytes]:
    """``history.json`` and ``办理过程.pdf``: the same events, application ids in free text told as 申报编号."""
    with get_engine(ctx.settings.database_url).connect() as connection:
        told = [tuple(numbered_text(connection, t) for t in _told(e, view.level)) for e in events]
    records = [
        {
            "时间": present.local(e.when).isoformat(),
            "事项": what,
            "办理人": who,
            "内容": said,
            "记录": e.model_dump(mode="json"),
        }
        for e, (what, who, said) in zip(events, told, strict=True)
    ]
    body = {"时区": "Asia/Shanghai", **dict(facts), "事件": records}
    as_json = json.dumps(body, ensure_ascii=False, indent=2, sort_keys=False).encode()
    record = renderers.ProcessRecord(
        title=f"{view.institution.name}申报办理过程",
        facts=facts,
        entries=[
            renderers.ProcessEntry(moment(e.when), what, who, said)
            for e, (what, who, said) in zip(events, told, strict=True)
        ],
        packed=packed,
    )
    return as_json, renderers.process_record(record)


async def package(ctx: Context, actor: Actor, application_id: str) -> Package:
    """The application's archive package; 409 before it is awarded or has ended."""
    view = await fetch_view(ctx, application_id, actor)
    if not archivable(view.state):
        raise Refusal(409, NOT_ARCHIVABLE, state=view.state.value, state_label=STAGES[view.state])
    number = await run_in_threadpool(number_or_id, ctx.settings.database_url, application_id)
    entries = [
        (f"{DOCS}/申报表.pdf", (await documents.declaration(ctx, actor, application_id)).content),
        (f"{DOCS}/审批单.pdf", (await documents.approval_sheet(ctx, actor, application_id)).content),
    ]
    if view.announcement_doc_no is not None:
        entries.append((f"{DOCS}/公布文件.pdf", (await documents.announcement(ctx, actor, application_id)).content))
    if view.state == Stage.plaque_awarded and view.plaque_no is not None:
        entries.append((f"{DOCS}/奖牌证书.pdf", (await documents.certificate(ctx, actor, application_id)).content))
    entries += await run_in_threadpool(_kept_documents, ctx, view)
    used = {path for path, _ in entries}
    entries += await run_in_threadpool(_materials, ctx, view, used)
    events = (await history.history(ctx, actor, application_id)).events
    now = datetime.now(SHANGHAI)
    organ = issuers(view)[0]  # the lead organ of the application's program and city signs its manifest
    packer = f"{actor.name}（{ROLES[actor.role]}{'·' + actor.county if actor.county else ''}）"
    facts = [
        ("申报编号", number),
        ("机构名称", view.institution.name),
        ("统一社会信用代码", view.institution.credit_code),
        ("所在县区", view.county),
        ("申报级别", LEVELS[view.level]),
        ("办理状态", STAGES[view.state]),
    ]
    packed = f"打包人：{packer}　打包时间：{moment(now)}"
    as_json, as_pdf = await run_in_threadpool(_history, ctx, view, events, facts, packed)
    entries += [(HISTORY_JSON, as_json), (HISTORY_PDF, as_pdf)]
    about = {**dict(facts), "打包人": packer, "打包时间": now.isoformat(timespec="seconds"), "签名机关": organ}
    entries.append((ABOUT, json.dumps(about, ensure_ascii=False, indent=2).encode()))
    manifest = [{"path": p, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for p, d in entries]
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    signature = await run_in_threadpool(seal_provider(ctx.settings).sign_detached, organ, manifest_bytes)
    entries += [(MANIFEST, manifest_bytes), (SIGNATURE, signature)]
    content = await run_in_threadpool(_zip, entries, now)
    return Package(f"归档包-{number}.zip", content)


def _settled(ctx: Context, county: str, year: int) -> list[tuple[str, str]]:
    """(application id, 申报编号) of the county's applications archivable since a moment in ``year`` (Shanghai)."""
    with ctx.session() as s:
        rows = settled_in(s, county, ARCHIVABLE)
    found = [(r.number or r.application_id, r.application_id) for r in rows if present.local(r.since).year == year]
    return [(application_id, number) for number, application_id in sorted(found)]


@dataclass(frozen=True)
class YearPackages:
    name: str  # the file name it is served under
    file: BinaryIO  # an unnamed temporary file, at its start: nothing is left on disk once it is closed

    def chunks(self) -> Iterator[bytes]:
        """The ZIP read out a chunk at a time; the file closed (and so gone) when done or abandoned."""
        try:
            while chunk := self.file.read(CHUNK):
                yield chunk
        finally:
            self.file.close()


async def year_packages(ctx: Context, actor: Actor, county: str, year: int) -> YearPackages:
    """A county's archive packages of ``year``, each under its 申报编号, in one ZIP written to a temporary file, not
    held in memory. 404 when there are none, or the county is outside the caller's scope."""
    empty = Refusal(404, ARCHIVE_YEAR_EMPTY, county=county, year=year)
    if not may_see(actor, county):
        raise empty
    wanted = await run_in_threadpool(_settled, ctx, county, year)
    if not wanted:
        raise empty
    f = tempfile.TemporaryFile(prefix="archive-", suffix=".zip")  # noqa: SIM115 (closed by chunks(), once served)
    try:
        with zipfile.ZipFile(f, "w") as z:
            now = datetime.now(SHANGHAI)
            for application_id, number in wanted:
                inner = await package(ctx, actor, application_id)
                await run_in_threadpool(_add, z, f"{number}.zip", inner.content, now, zipfile.ZIP_STORED)
        f.seek(0)
    except BaseException:
        f.close()
        raise
    return YearPackages(f"归档包-{county}-{year}年.zip", f)
