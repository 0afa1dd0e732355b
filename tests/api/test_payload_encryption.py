"""Personal data stays where it is allowed: workflow payloads are encrypted (clients/codec.py), so an objector's
name and contact are not in Temporal's history in clear; the service's own converter reads them back, and the
history endpoint shows them to those who may see objectors."""

import base64
import json
import os
import stat
import uuid

import pytest
from google.protobuf.message import Message
from pydantic import SecretStr
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.converter import DataConverter

from clients.application import handle_for
from clients.codec import ENCODING, KEY_ID, EncryptionCodec, PayloadKeyError, codec_for, load_keys, rotate
from config import Settings
from tests.api.conftest import Driver, expect
from tests.conftest import CONVERTER


def payloads_in(value) -> list[Payload]:
    """Every Payload anywhere inside a protobuf message (a history event)."""
    if isinstance(value, Payload):
        return [value]
    if isinstance(value, Message):
        return [p for _, v in value.ListFields() for p in payloads_in(v)]
    if isinstance(value, (str, bytes, int, float, bool)):
        return []
    items = value.values() if hasattr(value, "values") else value  # a map, or a repeated field
    return [p for v in items for p in payloads_in(v)]


async def test_an_objectors_name_is_not_in_the_history_in_clear(sqlite_api, dev_env):
    api = sqlite_api
    app_id = await Driver(api).publicized("county")
    name, contact = f"异议人{uuid.uuid4().hex[:6]}", "13812345678"
    body = {"name": name, "contact": contact, "content": "该机构场地面积不实"}
    expect(await api.post(None, f"/public/applications/{app_id}/objections", body), 201)

    history = await handle_for(dev_env.client, app_id).fetch_history()  # raw events, as Temporal stores them
    raw = b"".join(e.SerializeToString() for e in history.events)
    assert name.encode() not in raw and contact.encode() not in raw
    assert "该机构".encode() not in raw  # the objection's content, and everything else, is encrypted too
    # Search attributes (Stage, County, Level, InstitutionType, Round: no personal data) stay plain: the server
    # indexes them; so do the patch markers the SDK writes itself (a patch's id). Every other payload is encrypted.
    payloads = [
        p
        for e in history.events
        if e.WhichOneof("attributes") != "marker_recorded_event_attributes"
        for p in payloads_in(e)
        if "type" not in p.metadata
    ]
    assert payloads and all(p.metadata["encoding"] == ENCODING and p.metadata[KEY_ID] for p in payloads)

    # A client without the codec sees the same ciphertext; the service's converter reads the name back.
    plain = await Client.connect(dev_env.client.service_client.config.target_host)
    assert name.encode() not in b"".join(
        e.SerializeToString() for e in (await handle_for(plain, app_id).fetch_history()).events
    )
    decoded = await CONVERTER.payload_codec.decode(payloads)
    assert any(name.encode() in p.data for p in decoded) and any(contact.encode() in p.data for p in decoded)

    # The history endpoint decodes for those who may see objectors, and hides them from the others.
    seen = expect(await api.get("supervisor", f"/applications/{app_id}/history"), 200)
    lodged = [e for e in seen["events"] if e.get("act") == "lodge_objection"]
    assert lodged and lodged[0]["actor"]["name"] == name
    hidden = expect(await api.get("county_hrss", f"/applications/{app_id}/history"), 200)
    assert name not in json.dumps(hidden, ensure_ascii=False)


def _keys(*ids: str) -> str:
    return json.dumps([{"id": i, "key": base64.b64encode(os.urandom(32)).decode()} for i in ids])


async def test_keys_rotate_decrypt_by_id_encrypt_with_the_newest_and_plain_passes(tmp_path):
    old = Settings(data_dir=tmp_path, payload_keys=None)
    converter = DataConverter(payload_codec=codec_for(old))
    first = (await converter.encode(["张三"]))[0]
    new_id = rotate(old)
    rotated = codec_for(old)
    assert rotated.key_id == new_id != first.metadata[KEY_ID].decode()
    second = (await DataConverter(payload_codec=rotated).encode(["李四"]))[0]
    assert second.metadata[KEY_ID].decode() == new_id
    both = await DataConverter(payload_codec=rotated).decode([first, second])
    assert both == ["张三", "李四"]  # the old payload by its own key, the new by the newest
    # A process started before the rotation reads the new key's payloads: it looks at the key file again.
    assert await converter.decode([second]) == ["李四"]
    clear = (await DataConverter().encode(["王五"]))[0]  # written without the codec (the golden histories)
    assert await DataConverter(payload_codec=rotated).decode([clear]) == ["王五"]
    stranger = EncryptionCodec([("other", os.urandom(32))])
    with pytest.raises(PayloadKeyError, match="'other'"):
        await rotated.decode(await stranger.encode([clear]))


def test_the_key_file_is_made_once_private_and_configuration_wins(tmp_path):
    settings = Settings(data_dir=tmp_path / "fresh", payload_keys=None)
    keys = load_keys(settings)
    path = tmp_path / "fresh" / "payload-keys.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(keys) == 1 and len(keys[0][1]) == 32
    assert load_keys(settings) == keys  # made once, then read
    path.chmod(0o644)
    load_keys(settings)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    configured = Settings(data_dir=tmp_path / "fresh", payload_keys=SecretStr(_keys("a", "b")))
    assert [k for k, _ in load_keys(configured)] == ["a", "b"] and codec_for(configured).key_id == "b"
    with pytest.raises(PayloadKeyError, match="32 bytes"):
        load_keys(Settings(payload_keys=SecretStr('[{"id": "x", "key": "c2hvcnQ="}]')))
