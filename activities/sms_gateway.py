"""The SMS gateway adapter: one signed JSON POST per text, in the shape common to Chinese SMS services (a phone
number, the provider's template id, the template's parameters, the 签名), so that a deployment puts a small adapter
for its provider behind ``BIAOGAN_SMS_GATEWAY_URL``. README, 短信, says the shape in full.

The request is signed with HMAC-SHA256 under the access key secret over a canonical string (method, path,
timestamp, nonce, SHA-256 of the body), carried in headers with the access key id. ``out_id`` is the delivery's
key, the same on every retry of one text, so the gateway can drop a duplicate as a mail server drops a repeated
Message-ID."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from urllib.parse import urlsplit

import httpx

from config import ChannelSettings

KEY_ID_HEADER = "X-Sms-Key-Id"
TIMESTAMP_HEADER = "X-Sms-Timestamp"
NONCE_HEADER = "X-Sms-Nonce"
SIGNATURE_HEADER = "X-Sms-Signature"
OK = "OK"
RETRYABLE_STATUS = (408, 425, 429)


class GatewayRefused(Exception):
    """The gateway refused the text for good (a bad number, a template or signature it rejects): not retried."""


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return "\n".join((method.upper(), path or "/", timestamp, nonce, hashlib.sha256(body).hexdigest()))


def signature(secret: str, text: str) -> str:
    """Base64 of HMAC-SHA256(secret, text)."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).digest()).decode()


def within(value: str, limit: int) -> str:
    """A template variable as the provider accepts it: at most ``limit`` characters, a cut one ending in …."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def request_body(cfg: ChannelSettings, phone: str, template_id: str, params: dict[str, str], out_id: str) -> bytes:
    params = {key: within(value, cfg.sms_param_max_chars) for key, value in params.items()}
    doc = {
        "phone": phone,
        "sign_name": cfg.sms_sign_name,
        "template_id": template_id,
        "params": params,
        "out_id": out_id,
    }
    return json.dumps(doc, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _code(response: httpx.Response) -> str:
    try:
        answer = response.json()
    except ValueError:
        return ""
    return str(answer.get("code", "")) if isinstance(answer, dict) else ""


def post_sms(cfg: ChannelSettings, phone: str, template_id: str, params: dict[str, str], out_id: str) -> None:
    """Send one text. Returns when the gateway says OK; raises GatewayRefused for a refusal for good, anything else
    (network, 5xx, 408/425/429, a code in ``sms_temporary_codes``) for a retry."""
    assert cfg.sms_gateway_url and cfg.sms_access_key_secret is not None
    body = request_body(cfg, phone, template_id, params, out_id)
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    path = urlsplit(cfg.sms_gateway_url).path
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        KEY_ID_HEADER: cfg.sms_access_key_id,
        TIMESTAMP_HEADER: timestamp,
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: signature(
            cfg.sms_access_key_secret.get_secret_value(), canonical("POST", path, timestamp, nonce, body)
        ),
    }
    response = httpx.post(cfg.sms_gateway_url, content=body, headers=headers, timeout=cfg.sms_timeout)
    code = _code(response)
    status = response.status_code
    if status >= 500 or status in RETRYABLE_STATUS:
        raise RuntimeError(f"sms gateway answered {status} {code}".rstrip())
    if not 200 <= status < 300:
        raise GatewayRefused(f"sms gateway refused: {status} {code}".rstrip())
    if code == OK:
        return
    if code in cfg.sms_temporary_codes or not code:
        raise RuntimeError(f"sms gateway answered {code or 'without a code'}")
    raise GatewayRefused(f"sms gateway refused: {code}")
