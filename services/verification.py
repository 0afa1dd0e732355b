"""验真, for anyone (no account): is this PDF sealed by an issuing organ and unaltered, and what does the system know
of it (by its SHA-256: the kind of document, its 文号, the day it was issued); was a document of this 文号 issued,
and with which SHA-256. The seals are checked by pyHanko's own validator (seals/verify.py), trusting the roots the
configured seal provider names."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import col, select

from activities.sealing import ANNOUNCEMENT, CERTIFICATE, FILING_FORM, NOTICE_LIST, REVOCATION
from contracts.rules.verification import (
    VERIFY_EMPTY,
    VERIFY_NOT_PDF,
    VERIFY_NOTHING,
    VERIFY_NUMBER_TOO_LONG,
    VERIFY_TOO_LARGE,
)
from db import issued_documents as issued
from db.announcements import Announcement
from db.queries import applications
from db.revocations import Revocation
from seals.provider import seal_provider
from seals.verify import NotAPdf, verify_pdf
from services.context import Context
from services.refusals import Refusal
from storage import digest

KINDS = {
    ANNOUNCEMENT: "公布文件",
    REVOCATION: "撤销决定",
    CERTIFICATE: "奖牌证书",
    FILING_FORM: "备案表",
    NOTICE_LIST: "公示名单",
}
NUMBER_MAX = 64


@dataclass(frozen=True)
class Known:
    """What the system knows of a document it issued."""

    kind: str  # in Chinese: 公布文件, 撤销决定, …
    document_no: str | None  # 文号 (a certificate's: its plaque number)
    issued_on: date | None
    sha256: str | None  # None: issued before documents were kept (drawn on each request)


@dataclass(frozen=True)
class SealSeen:
    organ: str
    signed_at: datetime | None


@dataclass(frozen=True)
class Checked:
    valid: bool | None = None  # the file's seals; None when only a 文号 was asked about
    seals: list[SealSeen] = field(default_factory=list)
    sha256: str | None = None  # the file's
    document: Known | None = None  # what the system knows of the file (or, with only a 文号, of that number)
    number: str | None = None
    issued: bool | None = None  # whether a document of that 文号 was issued


def _by_sha256(ctx: Context, sha256: str) -> Known | None:
    row = issued.by_sha256(ctx.settings.database_url, sha256)
    if row is not None:
        return Known(KINDS.get(row.purpose, "文件"), row.document_no, row.issued_on, row.sha256)
    with ctx.session() as s:
        batch = s.exec(select(Announcement).where(col(Announcement.sha256) == sha256)).first()
        if batch is not None:
            return Known(KINDS[ANNOUNCEMENT], batch.document_no, batch.signed_on, sha256)
        decision = s.exec(select(Revocation).where(col(Revocation.document_sha256) == sha256)).first()
        if decision is not None:
            return Known(KINDS[REVOCATION], decision.document_no, decision.decided_on, sha256)
    return None


def _by_number(ctx: Context, number: str) -> Known | None:
    row = issued.by_number(ctx.settings.database_url, number)
    if row is not None:
        return Known(KINDS.get(row.purpose, "文件"), row.document_no, row.issued_on, row.sha256)
    with ctx.session() as s:
        batch = s.exec(select(Announcement).where(col(Announcement.document_no) == number)).first()
        if batch is not None and batch.sha256 is not None:
            return Known(KINDS[ANNOUNCEMENT], number, batch.signed_on, batch.sha256)
        decision = s.exec(select(Revocation).where(col(Revocation.document_no) == number)).first()
        if decision is not None and decision.document_sha256 is not None:
            return Known(KINDS[REVOCATION], number, decision.decided_on, decision.document_sha256)
        # Announced one by one before batches: the 公布文件 is drawn on each request, so it has no one SHA-256.
        if applications.announced_with(s, number):
            return Known(KINDS[ANNOUNCEMENT], number, None, None)
    return None


def check(ctx: Context, content: bytes | None, number: str | None) -> Checked:
    """The file's seals and what is known of it, and/or whether a document of ``number`` was issued."""
    number = (number or "").strip() or None
    if content is None and number is None:
        raise Refusal(422, VERIFY_NOTHING)
    if number is not None and len(number) > NUMBER_MAX:
        raise Refusal(422, VERIFY_NUMBER_TOO_LONG, field="number", limit=NUMBER_MAX)
    by_number = _by_number(ctx, number) if number is not None else None
    if content is None:
        return Checked(document=by_number, number=number, issued=by_number is not None)
    limit = ctx.settings.materials.material_max_bytes
    if not content:
        raise Refusal(422, VERIFY_EMPTY, field="file")
    if len(content) > limit:
        raise Refusal(413, VERIFY_TOO_LARGE, field="file", limit=limit)
    if b"%PDF-" not in content[:1024]:
        raise Refusal(422, VERIFY_NOT_PDF, field="file")
    try:
        verification = verify_pdf(content, seal_provider(ctx.settings))
    except NotAPdf:
        raise Refusal(422, VERIFY_NOT_PDF, field="file") from None
    sha256 = digest(content)
    return Checked(
        valid=verification.valid,
        seals=[SealSeen(s.organ, s.signed_at) for s in verification.seals],
        sha256=sha256,
        document=_by_sha256(ctx, sha256),
        number=number,
        issued=None if number is None else by_number is not None,
    )
