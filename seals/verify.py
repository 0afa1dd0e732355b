"""Checking a seal with pyHanko's own validator, trusting what the provider names as its roots.

A PDF is valid when it carries at least one signature and every one is intact, by a certificate that chains to a
trusted root, and the document is whole: the last signature covers the entire file, each earlier one its whole
revision with nothing after it but further signatures (pyHanko's difference analysis). A detached signature is
valid when it is intact over the data and trusted.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from seals.provider import SealProvider


class NotAPdf(ValueError):
    """The bytes are not a PDF pyHanko can read."""


class Seal(NamedTuple):
    organ: str  # the signing certificate's common name
    signed_at: datetime | None  # the time the signer reported


@dataclass(frozen=True)
class Verification:
    valid: bool
    seals: list[Seal] = field(default_factory=list)


def _context(provider: SealProvider) -> ValidationContext:
    return ValidationContext(trust_roots=provider.trust_roots(), allow_fetching=False, revocation_mode="soft-fail")


def _organ(certificate: object) -> str:
    subject = getattr(certificate, "subject", None)
    return str(subject.native.get("common_name", "")) if subject is not None else ""


def verify_pdf(pdf: bytes, provider: SealProvider) -> Verification:
    """Every signature in ``pdf`` checked; raises NotAPdf when it cannot be read as one."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as e:  # anyone's upload: whatever pyHanko cannot read is not a PDF to check
        raise NotAPdf(str(e)) from e
    seals, valid = [], bool(signatures)
    for i, signature in enumerate(signatures):
        try:
            status = validate_pdf_signature(signature, _context(provider))
        except Exception:  # a signature too broken to evaluate is not a valid one
            seals.append(Seal("", None))
            valid = False
            continue
        seals.append(Seal(_organ(status.signing_cert), status.signer_reported_dt))
        last = i == len(signatures) - 1
        covered = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
            not last
            and status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
            and status.modification_level is not None
            and status.modification_level <= ModificationLevel.FORM_FILLING
        )
        valid = valid and status.intact and status.valid and status.trusted and status.bottom_line and covered
    return Verification(valid, seals)


def verify_detached(data: bytes, p7s: bytes, provider: SealProvider) -> Verification:
    """A detached CMS SignedData (DER) over ``data``; a signature that cannot be parsed is simply not valid."""
    try:
        signed_data = cms.ContentInfo.load(p7s)["content"]
        status = asyncio.run(
            async_validate_detached_cms(data, signed_data, signer_validation_context=_context(provider))
        )
    except Exception:  # not a SignedData, or one too broken to evaluate
        return Verification(False, [])
    seal = Seal(_organ(status.signing_cert), status.signer_reported_dt)
    return Verification(bool(status.intact and status.valid and status.trusted), [seal])
