"""The seal core: the organs' test keys made once (0600 in a 0700 directory, the same key for two processes that
make it at once), PAdES seals and detached signatures checked by pyHanko's own validator."""

from __future__ import annotations

import io
import stat
import subprocess
import sys
from pathlib import Path

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

import documents
from seals.keys import ROOT_FILE, organ_key, root_key
from seals.provider import DevSealProvider, seal_place
from seals.verify import verify_detached, verify_pdf
from tests.documents.samples import ANNOUNCEMENT, CERTIFICATE

ROOT = Path(__file__).resolve().parents[2]
HRSS = "临沂市人力资源和社会保障局"
ORGANS = ("临沂市人力资源和社会保障局", "临沂市发展和改革委员会", "临沂市民政局")


def test_keys_are_made_once_private_and_marked_as_test_material(tmp_path):
    first = organ_key(tmp_path, HRSS)
    again = organ_key(tmp_path, HRSS)
    assert first.certificate == again.certificate
    seals = tmp_path / "seals"
    assert stat.S_IMODE(seals.stat().st_mode) == 0o700
    for name in (ROOT_FILE, f"{HRSS}.pem"):
        assert stat.S_IMODE((seals / name).stat().st_mode) == 0o600
    assert "测试印章，非法定电子印章" in (seals / "README.txt").read_text()
    root_certificate = (seals / "root.crt").read_text()  # what a checker outside the system trusts: no key in it
    assert "BEGIN CERTIFICATE" in root_certificate and "PRIVATE KEY" not in root_certificate
    subject = first.certificate.subject.rfc4514_string()
    assert f"CN={HRSS}" in subject and "测试印章" in subject
    assert first.certificate.issuer == root_key(tmp_path).certificate.subject
    assert "biaogan 测试根证书" in root_key(tmp_path).certificate.subject.rfc4514_string()
    assert not list(seals.glob(".new-*")), "no temporary file is left behind"


MAKE = """
import sys, time
from pathlib import Path
from cryptography.hazmat.primitives import serialization
from seals.keys import organ_key
start = float(sys.argv[2])
while time.time() < start:
    pass
for organ in sys.argv[3:]:
    key = organ_key(Path(sys.argv[1]), organ)
    print(key.certificate.public_bytes(serialization.Encoding.PEM).hex())
"""


def test_two_processes_making_the_same_keys_at_once_agree(tmp_path):
    import time

    organs = [f"测试{i}县人力资源和社会保障局" for i in range(6)]
    start = str(time.time() + 2)
    makers = [
        subprocess.Popen(
            [sys.executable, "-c", MAKE, str(tmp_path), start, *organs], stdout=subprocess.PIPE, cwd=ROOT, text=True
        )
        for _ in range(2)
    ]
    outputs = [maker.communicate(timeout=60)[0].split() for maker in makers]
    assert all(maker.returncode == 0 for maker in makers)
    assert outputs[0] == outputs[1] and len(outputs[0]) == len(organs)
    assert len(list((tmp_path / "seals").glob("*.pem"))) == len(organs) + 1  # and the one root


def _pyhanko_statuses(pdf: bytes, provider: DevSealProvider) -> list:
    context = ValidationContext(trust_roots=provider.trust_roots(), allow_fetching=False)
    reader = PdfFileReader(io.BytesIO(pdf))
    return [validate_pdf_signature(s, context) for s in reader.embedded_signatures]


def test_a_sealed_announcement_validates_and_each_seal_sits_on_its_seal_place(tmp_path):
    provider = DevSealProvider(tmp_path)
    pdf = documents.announcement(ANNOUNCEMENT)
    sealed = pdf
    for organ in ANNOUNCEMENT.organs:
        sealed = provider.seal_pdf(organ, sealed)
    statuses = _pyhanko_statuses(sealed, provider)
    assert len(statuses) == 3
    assert all(s.intact and s.valid and s.trusted and s.bottom_line for s in statuses)
    assert statuses[-1].coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert [s.signing_cert.subject.native["common_name"] for s in statuses] == list(ANNOUNCEMENT.organs)

    checked = verify_pdf(sealed, provider)
    assert checked.valid and [seal.organ for seal in checked.seals] == list(ANNOUNCEMENT.organs)
    assert all(seal.signed_at is not None for seal in checked.seals)

    # Each seal is centred on the organ's dashed seal place, on the page the document drew it.
    reader = PdfFileReader(io.BytesIO(pdf))
    boxes = [seal_place(reader, organ) for organ in ANNOUNCEMENT.organs]
    assert len({box for _, box in boxes}) == 3
    sealed_reader = PdfFileReader(io.BytesIO(sealed))
    widgets = []
    for index in range(int(sealed_reader.root["/Pages"]["/Count"])):
        page = sealed_reader.find_page_for_modification(index)[0].get_object()
        widgets += [(index, tuple(float(v) for v in a.get_object()["/Rect"])) for a in page.get("/Annots", [])]
    assert sorted(widgets) == sorted(boxes)
    assert all(index < int(reader.root["/Pages"]["/Count"]) - 1 for index, _ in boxes), "not on the 版记 page"


def test_a_sealed_pdf_with_one_byte_altered_is_not_valid(tmp_path):
    provider = DevSealProvider(tmp_path)
    pdf = documents.plaque_certificate(CERTIFICATE)
    sealed = provider.seal_pdf(CERTIFICATE.issuing_departments[0], pdf)
    assert verify_pdf(sealed, provider).valid
    altered = bytearray(sealed)
    altered[len(pdf) // 2] ^= 0x01
    assert not verify_pdf(bytes(altered), provider).valid
    assert not any(s.intact for s in _pyhanko_statuses(bytes(altered), provider))
    assert not verify_pdf(pdf, provider).valid, "an unsealed document is not a sealed one"


def test_a_seal_by_another_root_is_not_trusted(tmp_path):
    mine, theirs = DevSealProvider(tmp_path / "mine"), DevSealProvider(tmp_path / "theirs")
    sealed = theirs.seal_pdf(HRSS, documents.plaque_certificate(CERTIFICATE))
    assert verify_pdf(sealed, theirs).valid
    checked = verify_pdf(sealed, mine)
    assert not checked.valid and [seal.organ for seal in checked.seals] == [HRSS]


def test_a_detached_signature_validates_and_fails_on_altered_data(tmp_path):
    provider = DevSealProvider(tmp_path)
    manifest = '{"files": ["公布文件.pdf"]}'.encode()
    p7s = provider.sign_detached(HRSS, manifest)
    checked = verify_detached(manifest, p7s, provider)
    assert checked.valid and checked.seals[0].organ == HRSS and checked.seals[0].signed_at is not None
    assert not verify_detached(manifest + b" ", p7s, provider).valid
    assert not verify_detached(manifest, p7s, DevSealProvider(tmp_path / "other")).valid
    assert not verify_detached(manifest, b"not a signature", provider).valid
