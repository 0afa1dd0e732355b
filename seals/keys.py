"""The development seals' keys: one key and certificate per issuing organ, issued by a self-signed test root, made
on first use under ``<data_dir>/seals/`` (directory 0700, files 0600) and kept there.

Each is one PEM file (key, then certificate), written to a temporary file and linked into place with ``os.link``:
the link fails when the name exists, so when two processes (the API and a worker) make one at once exactly one
wins and both then read the winner's. These are test seals, not legal electronic seals: the directory says so in
its README.txt, and every certificate's O/OU says 测试印章.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT_NAME = "biaogan 测试根证书"
TEST_MARK = "测试印章"
README = (
    "测试印章，非法定电子印章。\n"
    "本目录存放本系统开发测试用的印章密钥和证书（自签名测试根证书及其签发的各发文机关证书），仅供测试，"
    "不具有《中华人民共和国电子签名法》规定的法律效力。正式部署须接入国家统一电子印章服务（BIAOGAN_SEAL_PROVIDER）。\n"
)
ROOT_FILE = "root.pem"
ROOT_CERTIFICATE = "root.crt"  # the root's certificate alone: what a checker outside the system trusts
VALID_YEARS = 30


@dataclass(frozen=True)
class SealKey:
    """One organ's (or the root's) key and certificate, as cryptography objects."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    def pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ) + self.certificate.public_bytes(serialization.Encoding.PEM)


def seal_dir(data_dir: Path) -> Path:
    """``<data_dir>/seals``, made 0700 with its README.txt on first use."""
    directory = Path(data_dir) / "seals"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    readme = directory / "README.txt"
    if not readme.exists():
        _write_once(readme, README.encode())
    return directory


def organ_file(directory: Path, organ: str) -> Path:
    if not organ or "/" in organ or "\0" in organ or organ.startswith(".") or organ == "root":
        raise ValueError(f"not an organ's name: {organ!r}")
    return directory / f"{organ}.pem"


def _write_once(path: Path, data: bytes) -> bool:
    """Write ``data`` at ``path`` unless it exists (mode 0600): True when this call's bytes are the ones kept."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".new-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        Path(tmp).unlink(missing_ok=True)


def _read(path: Path) -> SealKey:
    data = path.read_bytes()
    key = serialization.load_pem_private_key(data, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return SealKey(key, x509.load_pem_x509_certificate(data))


def _name(common_name: str, unit: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"{TEST_MARK}（非法定电子印章）"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(
    subject: x509.Name, key: ec.EllipticCurvePrivateKey, issuer: SealKey | None, *, authority: bool
) -> x509.Certificate:
    now = datetime.now(UTC)
    signer = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=authority, path_length=0 if authority else None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if authority:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
    else:
        assert issuer is not None
        builder = builder.add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        ).add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
    return builder.sign(signer, hashes.SHA256())


def _made(path: Path, make: Callable[[], SealKey]) -> SealKey:
    if not path.exists():
        _write_once(path, make().pem())
    return _read(path)


def root_key(data_dir: Path) -> SealKey:
    """The test root (「biaogan 测试根证书」), made on first use."""
    directory = seal_dir(data_dir)

    def make() -> SealKey:
        key = ec.generate_private_key(ec.SECP256R1())
        return SealKey(key, _certificate(_name(ROOT_NAME, "测试根证书"), key, None, authority=True))

    root = _made(directory / ROOT_FILE, make)
    if not (directory / ROOT_CERTIFICATE).exists():
        _write_once(directory / ROOT_CERTIFICATE, root.certificate.public_bytes(serialization.Encoding.PEM))
    return root


def organ_key(data_dir: Path, organ: str) -> SealKey:
    """The organ's key and certificate (subject CN = the organ's name), issued by the test root on first use."""
    directory = seal_dir(data_dir)
    path = organ_file(directory, organ)
    if path.exists():
        return _read(path)
    root = root_key(data_dir)

    def make() -> SealKey:
        key = ec.generate_private_key(ec.SECP256R1())
        return SealKey(key, _certificate(_name(organ, f"{TEST_MARK} 发文机关"), key, root, authority=False))

    return _made(path, make)


@lru_cache(maxsize=64)
def cached_organ_key(data_dir: Path, organ: str) -> SealKey:
    return organ_key(data_dir, organ)


@lru_cache(maxsize=8)
def cached_root_key(data_dir: Path) -> SealKey:
    return root_key(data_dir)
