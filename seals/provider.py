"""Who seals: the ``SealProvider`` seam and the development provider behind it.

``seal_pdf`` adds one PAdES signature (an incremental update; a document sealed by three organs carries three) with
a visible seal over the organ's seal place; ``sign_detached`` makes a detached CMS SignedData (DER); ``trust_roots``
is what a validator must trust. ``seal_provider(settings)`` picks one by ``BIAOGAN_SEAL_PROVIDER``: ``dev`` (the
default, ``DevSealProvider``: test keys made under ``<data_dir>/seals/``), or ``module:Class`` — where a deployment
plugs in the national unified electronic seal service; the class is constructed with the ``Settings``.
"""

from __future__ import annotations

import asyncio
import importlib
import io
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import content
from pyhanko.pdf_utils.generic import NameObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from documents.seal_places import SEAL_DIAMETER, seal_place_name
from seals.appearance import seal_page
from seals.keys import SealKey, cached_organ_key, cached_root_key

if TYPE_CHECKING:
    from config import Settings

REASON = "发文机关电子印章（测试印章，非法定电子印章）"
MARGIN = 30.0  # points from the page's edges, for a seal with no seal place on the page


class SealProvider(Protocol):
    def seal_pdf(self, organ: str, pdf: bytes) -> bytes: ...

    def sign_detached(self, organ: str, data: bytes) -> bytes: ...

    def trust_roots(self) -> list[asn1_x509.Certificate]: ...


def asn1_certificate(key: SealKey) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(key.certificate.public_bytes(serialization.Encoding.DER))


def _asn1_key(key: SealKey) -> asn1_keys.PrivateKeyInfo:
    der = key.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return asn1_keys.PrivateKeyInfo.load(der)


class _SealPage(content.PdfContent):
    """A page of a PDF in memory, imported as the stamp's background (pyHanko's ImportedPdfPage reads a file)."""

    def __init__(self, pdf: bytes):
        self.pdf = pdf
        super().__init__()

    def render(self) -> bytes:
        xobject = self._ensure_writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.pdf)), page_ix=0)
        self.resources.xobject["/Seal"] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return b"/Seal Do"


def _pages(reader: PdfFileReader) -> list[Any]:
    count = int(reader.root["/Pages"]["/Count"])
    return [reader.find_page_for_modification(i)[0] for i in range(count)]  # type: ignore[no-untyped-call]


def seal_place(reader: PdfFileReader, organ: str) -> tuple[int, tuple[float, float, float, float]]:
    """The page (index) and box where the document wants ``organ``'s seal; without one, the last page's lower
    right corner."""
    pages = _pages(reader)
    dests = reader.root.get("/Dests")
    dests = dests.get_object() if dests is not None else None
    found = dests.get(NameObject("/" + seal_place_name(organ))) if dests is not None else None
    if found is not None:
        array = found.get_object()
        array = array["/D"] if hasattr(array, "keys") else array
        if str(array[1]) == "/FitR":
            page = array.raw_get(0).idnum
            index = next((i for i, p in enumerate(pages) if p.idnum == page), len(pages) - 1)
            left, bottom, right, top = (float(array[i]) for i in range(2, 6))
            return index, (left, bottom, right, top)
    last = pages[-1].get_object()
    width = float(last["/MediaBox"][2])
    return len(pages) - 1, (
        width - MARGIN - SEAL_DIAMETER,
        MARGIN + 20,
        width - MARGIN,
        MARGIN + 20 + SEAL_DIAMETER,
    )


class DevSealProvider:
    """Test seals: the organs' keys from seals/keys.py under ``<data_dir>/seals/``."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self._lock = threading.Lock()

    def _signer(self, organ: str) -> signers.SimpleSigner:
        with self._lock:  # one process makes each key once
            key, root = cached_organ_key(self.data_dir, organ), cached_root_key(self.data_dir)
        return signers.SimpleSigner(
            signing_cert=asn1_certificate(key),
            signing_key=_asn1_key(key),
            cert_registry=SimpleCertificateStore.from_certs([asn1_certificate(root)]),  # type: ignore[no-untyped-call]
        )

    def seal_pdf(self, organ: str, pdf: bytes) -> bytes:
        signer = self._signer(organ)
        reader = PdfFileReader(io.BytesIO(pdf))
        page, box = seal_place(reader, organ)
        name = f"Seal{len(list(fields.enumerate_sig_fields(reader))) + 1}"
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(
            field_name=name, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES, name=organ, reason=REASON
        )
        style = StaticStampStyle(background=_SealPage(seal_page(organ)), border_width=0, background_opacity=0.88)
        pdf_signer = signers.PdfSigner(
            meta,
            signer=signer,
            stamp_style=style,
            new_field_spec=fields.SigFieldSpec(sig_field_name=name, on_page=page, box=box),  # type: ignore[arg-type]
        )
        out = io.BytesIO()
        asyncio.run(pdf_signer.async_sign_pdf(writer, output=out))
        return out.getvalue()

    def sign_detached(self, organ: str, data: bytes) -> bytes:
        signer = self._signer(organ)
        attributes = PdfCMSSignedAttributes(signing_time=datetime.now(UTC))
        signed = asyncio.run(
            signer.async_sign_general_data(data, "sha256", detached=True, signed_attr_settings=attributes)
        )
        return bytes(signed.dump())

    def trust_roots(self) -> list[asn1_x509.Certificate]:
        with self._lock:
            return [asn1_certificate(cached_root_key(self.data_dir))]


_PROVIDERS: dict[tuple[str, Path], SealProvider] = {}
_PROVIDERS_LOCK = threading.Lock()


def seal_provider(settings: Settings) -> SealProvider:
    """The provider the configuration names, made once per process (and configuration)."""
    choice, data_dir = settings.seals.seal_provider, Path(settings.data_dir)
    with _PROVIDERS_LOCK:
        found = _PROVIDERS.get((choice, data_dir))
        if found is None:
            if choice == "dev":
                found = DevSealProvider(data_dir)
            else:
                module, _, name = choice.partition(":")
                if not module or not name:
                    raise ValueError(f"BIAOGAN_SEAL_PROVIDER is 'dev' or 'module:Class', not {choice!r}")
                found = getattr(importlib.import_module(module), name)(settings)
            _PROVIDERS[(choice, data_dir)] = found
        return found
