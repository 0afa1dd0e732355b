"""The dataclasses in and out of the notification activity."""

from dataclasses import dataclass, field
from datetime import datetime

from state.domain import Act, Level, Role, Stage


@dataclass
class Recipient:
    role: Role
    county: str | None


@dataclass
class Message:
    """A notice that is not an act on an application. ``key`` is unique per notice (idempotency)."""

    key: str
    template: str
    recipients: list[Recipient]
    params: dict[str, str]
    link_path: str
    subject_id: str = ""  # what the notice is about, e.g. "filing-兰山区-2026" (the inbox's application_id)
    deadline: datetime | None = None
    # Addressees with no account here, by their key in ChannelSettings.notify_directory (e.g. "province", the
    # provincial HRSS department a filing goes to): no inbox row, only the external channels configured for them.
    outside: list[str] = field(default_factory=list)


@dataclass
class NotifyRequest:
    """An act on an application (the application fields), or any other notice (``message``)."""

    application_id: str = ""
    seq: int = 0
    act: Act | None = None
    state: Stage | None = None
    level: Level | None = None
    county: str = ""
    institution_name: str = ""
    reason: str = ""
    deadline: datetime | None = None
    message: Message | None = None
    addressee: str = ""  # an urge's (催办): "county" or "department"
    number: str = ""  # the application's readable 申报编号, once the read model has given it (db/numbers.py)


@dataclass
class Delivered:
    delivered: int  # inbox rows written
    skipped: int  # inbox rows already there
    emailed: int = 0
    webhooks: int = 0
    failed: int = 0  # external deliveries given up on after ChannelSettings.channel_attempts attempts
    rejected: int = 0  # refused for good by the receiving end
    texted: int = 0  # texts (短信) sent
