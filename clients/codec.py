"""Workflow payloads encrypted: personal data (objectors' names and contacts, declarants' phones) never lies in
Temporal's database or its Web UI in clear.

Every payload the API, the worker, the CLI and the tests send through Temporal passes ``EncryptionCodec`` on the
client's ``DataConverter`` (``data_converter``, used by ``clients.connection.connect``): AES-256-GCM, a fresh
12-byte nonce per payload, the key id as associated data, stored as ``encoding: binary/encrypted`` with the key
id in the payload's metadata (``encryption-key-id``). Decoding looks the key up by that id, so old payloads stay
readable after a rotation; encoding always uses the newest key. A payload not marked encrypted passes unchanged
(the plain JSON golden histories in tests/histories replay as they are). Failure messages and stack traces are
encoded too (``DefaultFailureConverterWithEncodedAttributes``): a refusal may quote what was sent.

Keys: ``BIAOGAN_PAYLOAD_KEYS`` (JSON ``[{"id": …, "key": <base64 of 32 bytes>}, …]``, newest last), else the key
file ``BIAOGAN_PAYLOAD_KEY_FILE`` (default ``<data dir>/payload-keys.json``), generated on first use with one key
and mode 0600. ``biaogan keys rotate`` adds a key to the file; a process meeting an id it does not know reads its
keys again, so a rotation needs no restart to be read (restart them all to encrypt with the new key everywhere).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import logging
import os
import secrets
import stat
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes, PayloadCodec

from config import Settings
from contracts.converter import DATA_CONVERTER

log = logging.getLogger(__name__)

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12
KEY_FILE = "payload-keys.json"

Keys = list[tuple[str, bytes]]  # (id, key), newest last


class PayloadKeyError(ValueError):
    """The keys cannot be read, or a payload names a key that is not configured."""


def key_file(settings: Settings) -> Path:
    return settings.payload_key_file or settings.data_dir / KEY_FILE


def _parse(text: str, where: str) -> Keys:
    try:
        entries = json.loads(text)
        keys = [(str(e["id"]), base64.b64decode(e["key"], validate=True)) for e in entries]
    except (ValueError, KeyError, TypeError, binascii.Error) as e:
        raise PayloadKeyError(f"payload keys in {where}: expected [{{'id': …, 'key': <base64>}}, …] ({e})") from None
    if not keys:
        raise PayloadKeyError(f"payload keys in {where}: at least one key is needed")
    for key_id, key in keys:
        if len(key) != 32:
            raise PayloadKeyError(f"payload key {key_id!r} in {where}: AES-256 needs 32 bytes, got {len(key)}")
    if len({k for k, _ in keys}) != len(keys):
        raise PayloadKeyError(f"payload keys in {where}: a key id is listed twice")
    return keys


def new_key_entry() -> dict[str, str]:
    key_id = f"{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(4)}"
    return {"id": key_id, "key": base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()}


def _write_private(path: Path, entries: list[dict[str, str]], replace: bool) -> bool:
    """Write ``entries`` to ``path`` with mode 0600, atomically: a reader never sees half a file. Without
    ``replace``, only if ``path`` does not exist yet (False when another process got there first)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(entries, f, indent=1)
        f.write("\n")
    try:
        if replace:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)  # fails if it exists: the worker and the API may both start on a fresh data dir
            return True
        except FileExistsError:
            return False
    finally:
        tmp.unlink(missing_ok=True)


def load_keys(settings: Settings) -> Keys:
    """The configured keys, newest last; on first use, a key file is made with one new key."""
    if settings.payload_keys is not None:
        return _parse(settings.payload_keys.get_secret_value(), "BIAOGAN_PAYLOAD_KEYS")
    path = key_file(settings)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if _write_private(path, [new_key_entry()], replace=False):
            log.info("payload key file %s created (mode 0600); keep it: without it the history is unreadable", path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        os.chmod(path, 0o600)
        log.warning("payload key file %s was readable by others (mode %o); now 0600", path, mode)
    return _parse(path.read_text(), str(path))


def rotate(settings: Settings) -> str:
    """Add a new key to the key file (the newest encrypts from now on); its id."""
    if settings.payload_keys is not None:
        raise PayloadKeyError("the keys come from BIAOGAN_PAYLOAD_KEYS: add the new key there (newest last)")
    path = key_file(settings)
    current = [{"id": k, "key": base64.b64encode(v).decode()} for k, v in load_keys(settings)]
    entry = new_key_entry()
    _write_private(path, [*current, entry], replace=True)
    return entry["id"]


class EncryptionCodec(PayloadCodec):
    """AES-256-GCM over whole payloads; decrypts by the key id in the metadata, encrypts with the newest key."""

    def __init__(self, keys: Keys, reload: Settings | None = None) -> None:
        self._keys = dict(keys)
        self._newest_id, newest = keys[-1]
        self._newest = AESGCM(newest)
        self._reload = reload  # where to look again for a key id met but not known

    @property
    def key_id(self) -> str:
        return self._newest_id

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        out = []
        for p in payloads:
            nonce = os.urandom(NONCE_BYTES)
            data = nonce + self._newest.encrypt(nonce, p.SerializeToString(), self._newest_id.encode())
            out.append(Payload(metadata={"encoding": ENCODING, KEY_ID: self._newest_id.encode()}, data=data))
        return out

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        out = []
        for p in payloads:
            if p.metadata.get("encoding") != ENCODING:
                out.append(p)  # written in clear (before encryption, or the golden histories): as it is
                continue
            key_id = p.metadata.get(KEY_ID, b"").decode()
            key = self._key(key_id)
            plain = AESGCM(key).decrypt(p.data[:NONCE_BYTES], p.data[NONCE_BYTES:], key_id.encode())
            out.append(Payload.FromString(plain))
        return out

    def _key(self, key_id: str) -> bytes:
        if key_id not in self._keys and self._reload is not None:
            self._keys.update(load_keys(self._reload))  # rotated by another process since we started
        if key_id not in self._keys:
            raise PayloadKeyError(f"payload encrypted with key {key_id!r}, which is not configured here")
        return self._keys[key_id]


def codec_for(settings: Settings) -> EncryptionCodec:
    return EncryptionCodec(load_keys(settings), reload=settings)


def data_converter(settings: Settings) -> DataConverter:
    """The one DataConverter of biaogan: pydantic payloads, encrypted; failure messages encoded too."""
    return dataclasses.replace(
        DATA_CONVERTER,
        payload_codec=codec_for(settings),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
