"""A document the organs issue, sealed once and kept: rendered, sealed by each issuing organ in turn (seals/: one
PAdES signature each), put in the blob store, and recorded in ``issued_documents`` under (purpose, subject). Asked
again — an activity's retry, a second request — it answers the row kept first, so the same document always has the
same bytes and SHA-256 though each sealing is new (a signature carries its time)."""

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from config import Settings
from db import issued_documents as issued
from seals.provider import seal_provider
from storage import open_store

ANNOUNCEMENT = "announcement"
REVOCATION = "revocation"
CERTIFICATE = "certificate"
FILING_FORM = "filing_form"
NOTICE_LIST = "notice_list"


def seal_all(settings: Settings, organs: Sequence[str], pdf: bytes) -> bytes:
    provider = seal_provider(settings)
    for organ in organs:
        pdf = provider.seal_pdf(organ, pdf)
    return pdf


def sealed_once(
    settings: Settings,
    purpose: str,
    subject: str,
    organs: Sequence[str],
    render: Callable[[], bytes],
    *,
    document_no: str | None = None,
    issued_on: date | None = None,
) -> issued.IssuedDocument:
    """The row kept for (purpose, subject); the first time, ``render()`` sealed by ``organs`` and kept."""
    row = issued.kept(settings.database_url, purpose, subject)
    if row is not None:
        return row
    store = open_store(settings.blobs, settings.material_store_dir())
    sha256 = store.put(seal_all(settings, organs, render()))
    return issued.keep(
        settings.database_url,
        issued.IssuedDocument(
            purpose=purpose,
            subject=subject,
            sha256=sha256,
            organ="、".join(organs),
            sealed_at=datetime.now(UTC),
            document_no=document_no,
            issued_on=issued_on,
        ),
    )


def sealed_content(
    settings: Settings,
    purpose: str,
    organs: Sequence[str],
    pdf: bytes,
    *,
    document_no: str | None = None,
    issued_on: date | None = None,
) -> issued.IssuedDocument:
    """``pdf`` (rendered the same for the same facts) sealed once for its content: its SHA-256 is the subject."""
    subject = hashlib.sha256(pdf).hexdigest()
    return sealed_once(settings, purpose, subject, organs, lambda: pdf, document_no=document_no, issued_on=issued_on)
