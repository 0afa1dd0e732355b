"""External notification channels: e-mail over SMTP, signed webhooks and SMS (短信), each delivery at most once.

Every (notification, recipient, channel, address) is one row of ``notification_delivery`` with a unique
key. An attempt first *claims* the row (insert, or retake it when an earlier attempt failed or was
abandoned), then sends, then marks it sent. A retried activity therefore skips what was delivered and
resends only what failed. The one window left is a worker dying between the send and the mark: after the
claim's lease the message is sent again, with the same ``Message-ID`` / ``X-Biaogan-Delivery`` header, so
the receiving end can drop the duplicate (a text carries its key as ``out_id``, activities/sms_gateway.py).
A text's row keeps the number masked (138****5678): the number itself travels only in ``Outgoing.payload``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Literal

import httpx
from sqlalchemy import and_, or_, update
from sqlmodel import col, select

from activities.sms_gateway import GatewayRefused, post_sms
from config import ChannelSettings
from db.filing import Delivery
from db.phones import masked_in
from db.session import insert_ignore, session_for

SIGNATURE_HEADER = "X-Biaogan-Signature"
DELIVERY_HEADER = "X-Biaogan-Delivery"
Channel = Literal["email", "webhook", "sms"]


class PermanentFailure(Exception):
    """The receiving end refused for good (e.g. HTTP 4xx, unknown mailbox): never retried."""


class DeliveryInFlight(Exception):
    """Another attempt holds this delivery's claim and has not finished; retry later."""


@dataclass
class Outgoing:
    notice_key: str
    recipient: str
    channel: Channel
    address: str
    subject: str
    body: str
    payload: dict[str, Any]

    @property
    def key(self) -> str:
        raw = "\x1f".join((self.notice_key, self.recipient, self.channel, self.address))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def send_email(cfg: ChannelSettings, out: Outgoing) -> None:
    assert cfg.smtp_host
    msg = EmailMessage()
    msg["Subject"] = out.subject
    msg["From"] = cfg.smtp_from
    msg["To"] = out.address
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = f"<{out.key[:40]}@biaogan>"  # unfolded: short enough for one header line
    msg.set_content(out.body, charset="utf-8")
    context = ssl.create_default_context(cafile=str(cfg.smtp_ca_file) if cfg.smtp_ca_file else None)
    try:
        if cfg.smtp_tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                cfg.smtp_host, cfg.smtp_port, timeout=cfg.smtp_timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=cfg.smtp_timeout)
        with smtp:
            if cfg.smtp_tls == "starttls":
                smtp.starttls(context=context)
            if cfg.smtp_username:
                smtp.login(cfg.smtp_username, cfg.smtp_password.get_secret_value() if cfg.smtp_password else "")
            smtp.send_message(msg)
    except smtplib.SMTPRecipientsRefused as e:
        raise PermanentFailure(f"recipient refused: {e.recipients}") from e


def post_webhook(cfg: ChannelSettings, out: Outgoing) -> None:
    assert cfg.webhook_secret is not None
    body = json.dumps({**out.payload, "delivery": out.key}, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        SIGNATURE_HEADER: sign(cfg.webhook_secret.get_secret_value(), body),
        DELIVERY_HEADER: out.key,
    }
    response = httpx.post(out.address, content=body, headers=headers, timeout=cfg.webhook_timeout)
    if 200 <= response.status_code < 300:
        return
    if 400 <= response.status_code < 500 and response.status_code not in (408, 425, 429):
        raise PermanentFailure(f"webhook answered {response.status_code}")
    raise RuntimeError(f"webhook {out.address} answered {response.status_code}")


def send_sms(cfg: ChannelSettings, out: Outgoing) -> None:
    """``out.payload``: the number, the template id and its parameters (notify builds them, activities/sms.py)."""
    p = out.payload
    try:
        post_sms(cfg, p["phone"], p["template_id"], p["params"], out.key)
    except GatewayRefused as e:
        raise PermanentFailure(masked_in(str(e))) from None
    except Exception as e:
        raise RuntimeError(masked_in(f"{type(e).__name__}: {e}")) from None


SENDERS: dict[str, Callable[[ChannelSettings, Outgoing], None]] = {
    "email": send_email,
    "webhook": post_webhook,
    "sms": send_sms,
}


def outgoing_for(cfg: ChannelSettings, role: str, county: str | None) -> list[tuple[Channel, str]]:
    """(channel, address) pairs configured for a recipient; a channel without its server set is off."""
    book = cfg.addresses(role, county)
    pairs: list[tuple[Channel, str]] = []
    if cfg.smtp_host:
        pairs += [("email", a) for a in book.email]
    pairs += [("webhook", a) for a in book.webhook]
    return pairs


def _claim(database_url: str, out: Outgoing, lease: timedelta) -> bool:
    now = datetime.now(UTC)
    with session_for(database_url) as s:
        row = {
            "key": out.key,
            "notice_key": out.notice_key,
            "channel": out.channel,
            "recipient": out.recipient,
            "address": out.address,
            "status": "sending",
            "attempts": 1,
            "claimed_at": now,
        }
        claimed = insert_ignore(s, Delivery, row, ["key"])
        if not claimed:
            retake = (
                update(Delivery)
                .where(
                    col(Delivery.key) == out.key,
                    or_(
                        col(Delivery.status) == "failed",
                        and_(col(Delivery.status) == "sending", col(Delivery.claimed_at) < now - lease),
                    ),
                )
                .values(status="sending", attempts=col(Delivery.attempts) + 1, claimed_at=now)
            )
            claimed = s.exec(retake).rowcount == 1
            if not claimed:
                status = s.exec(select(Delivery.status).where(Delivery.key == out.key)).one()
                if status == "sending":
                    raise DeliveryInFlight(f"{out.channel} to {out.address} is being sent by another attempt")
        s.commit()
    return claimed


def _finish(database_url: str, out: Outgoing, status: str, error: str | None = None) -> None:
    values: dict[str, Any] = {"status": status, "last_error": error}
    if status == "sent":
        values["sent_at"] = datetime.now(UTC)
    with session_for(database_url) as s:
        s.exec(update(Delivery).where(col(Delivery.key) == out.key).values(**values))
        s.commit()


def deliver(database_url: str, cfg: ChannelSettings, out: Outgoing) -> str:
    """Send ``out`` unless it was delivered (or refused for good) before: 'sent', 'skipped' or 'rejected'.
    A failure that may pass is recorded and raised, for the activity's retry policy."""
    if not _claim(database_url, out, timedelta(seconds=cfg.delivery_lease_seconds)):
        return "skipped"
    try:
        SENDERS[out.channel](cfg, out)
    except PermanentFailure as e:
        _finish(database_url, out, "rejected", str(e))
        return "rejected"
    except Exception as e:
        _finish(database_url, out, "failed", f"{type(e).__name__}: {e}"[:500])
        raise
    _finish(database_url, out, "sent")
    return "sent"
