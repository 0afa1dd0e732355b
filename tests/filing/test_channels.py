"""Notification channels against real receivers: e-mail to a local aiosmtpd server, webhooks to a local
HTTP server. A webhook failing (500) is overcome by the activity's retry, and nothing already delivered is
delivered again when the activity runs again."""

import asyncio
import dataclasses
import hashlib
import hmac
import json
from datetime import datetime

import pytest
from sqlmodel import select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.notify import NotifyActivities
from config import ChannelAddresses, ChannelSettings, FilingSettings
from contracts.notify import Delivered, Message, NotifyRequest, Recipient
from db import models
from db.filing import Delivery
from db.session import session_for
from state.calendar import TZ
from state.domain import Level, Role
from tests.conftest import settings_for, unique
from tests.factory import COUNTY, declaration, start
from tests.filing.conftest import FilingWorker
from tests.filing.receivers import SmtpReceiver, WebhookReceiver, self_signed

SECRET = "测试-secret-42"
BASE = "http://biaogan.test"


def deliveries(database_url: str, notice_key: str) -> list[Delivery]:
    with session_for(database_url) as s:
        return list(s.exec(select(Delivery).where(Delivery.notice_key == notice_key)).all())


def signed(hit) -> bool:
    expected = "sha256=" + hmac.new(SECRET.encode(), hit.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(hit.headers["x-biaogan-signature"], expected)


async def wait_for(check, seconds: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.1)


async def test_declaration_is_mailed_and_posted_once_though_the_webhook_fails_first(dev_env, sqlite_url):
    """The webhook answers 500 to the first call: the notify activity fails, Temporal retries it, the
    webhook gets the same delivery again and takes it; the e-mails sent by the first attempt are not resent."""
    with SmtpReceiver() as smtp, WebhookReceiver(script=[500]) as hook:
        channels = ChannelSettings(
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
            smtp_from="biaogan@linyi.example",
            webhook_secret=SECRET,
            public_base_url=BASE,
            notify_directory={
                f"county_bureau:{COUNTY}": ChannelAddresses(email=["lanshan@linyi.example"], webhook=[hook.url()]),
                "city_reviewer": ChannelAddresses(email=["city@linyi.example"]),
            },
        )
        settings = settings_for(sqlite_url, unique("channels"))
        async with FilingWorker(dev_env.client, settings, FilingSettings(), channels):
            decl = declaration(Level.city)
            await start(dev_env.client, settings.task_queue, decl)
            notice_key = f"{decl.application_id}:1"
            await wait_for(
                lambda: {d.status for d in deliveries(sqlite_url, notice_key)} == {"sent"} and len(hook.hits) == 2
            )

        assert [h.answered for h in hook.hits] == [500, 200]
        assert hook.hits[0].body == hook.hits[1].body and all(signed(h) for h in hook.hits)
        assert hook.hits[0].headers["x-biaogan-delivery"] == hook.hits[1].headers["x-biaogan-delivery"]
        payload = json.loads(hook.hits[1].body)
        assert payload["recipient"] == {"role": "county_bureau", "county": COUNTY}
        assert payload["link"] == f"{BASE}/applications/{decl.application_id}" and payload["event"] == "declare"
        assert sorted(m.recipients[0] for m in smtp.mails) == ["city@linyi.example", "lanshan@linyi.example"]
        mail = next(m.message for m in smtp.mails if m.recipients == ["lanshan@linyi.example"])
        assert mail["Subject"] == f"【标杆机构评定】{decl.institution.name}已申报"
        assert mail["From"] == "biaogan@linyi.example"
        body = mail.get_content()
        assert body.startswith(f"{decl.institution.name}（市级标杆机构评定）已申报。")  # the county named once
        assert decl.institution.name.startswith(COUNTY) and f"{COUNTY} {COUNTY}" not in body
        assert f"详情：{BASE}/applications/{decl.application_id}" in body
        rows = {(d.channel, d.address): d for d in deliveries(sqlite_url, notice_key)}
        assert {k: (d.status, d.attempts) for k, d in rows.items()} == {
            ("email", "lanshan@linyi.example"): ("sent", 1),
            ("email", "city@linyi.example"): ("sent", 1),
            ("webhook", hook.url()): ("sent", 2),
        }
        mailed = rows[("email", "lanshan@linyi.example")]
        assert mail["Message-ID"] == f"<{mailed.key[:40]}@biaogan>"
        with session_for(sqlite_url) as s:
            inbox = s.exec(
                select(models.Notification).where(models.Notification.application_id == decl.application_id)
            ).all()
        assert len(inbox) == 2


def _reminder(key: str) -> NotifyRequest:
    return NotifyRequest(
        message=Message(
            key=key,
            template="filing_reminder",
            recipients=[Recipient(Role.county_bureau, "费县")],
            params={
                "county": "费县",
                "year": "2026",
                "deadline": "2026年12月20日24时",
                "remaining": "距截止还有5个工作日。",
            },
            link_path="/api/v1/filings/费县/2026",
            subject_id=key,
            deadline=datetime(2026, 12, 21, tzinfo=TZ),
        )
    )


def test_retried_notify_delivers_each_channel_once_and_gives_up_only_after_its_attempts(database_url):
    """Run the activity as Temporal would retry it: what was sent stays sent, what failed is tried again,
    what the receiver refused for good (404) is not, and at the last attempt a failing delivery is left
    recorded as failed instead of failing the activity; a later run still delivers it."""
    key = unique("filing:费县:2026:reminder:5")
    with SmtpReceiver() as smtp, WebhookReceiver(script=[500, 500]) as hook, WebhookReceiver(default=404) as gone:
        channels = ChannelSettings(
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
            webhook_secret=SECRET,
            public_base_url=BASE,
            channel_attempts=3,
            notify_directory={
                "county_bureau:费县": ChannelAddresses(
                    email=["feixian@linyi.example"], webhook=[hook.url(), gone.url()]
                )
            },
        )
        notify = NotifyActivities(database_url, channels)
        env = ActivityEnvironment()

        def attempt(n: int) -> Delivered:
            env.info = dataclasses.replace(env.info, attempt=n)
            return env.run(notify.notify, _reminder(key))

        with pytest.raises(ApplicationError) as first:
            attempt(1)
        assert first.value.type == "DeliveryFailed" and not first.value.non_retryable
        said = first.value.details[0]
        assert said["rule"] == "delivery_failed" and said["count"] == 1 and said["attempt"] == 1
        assert first.value.message.startswith("1项通知未能送达（第1次尝试）：webhook ")
        assert len(smtp.mails) == 1 and len(hook.hits) == 1 and len(gone.hits) == 1
        assert attempt(3) == Delivered(delivered=0, skipped=1, emailed=0, webhooks=0, failed=1, rejected=0)
        assert len(smtp.mails) == 1 and [h.answered for h in hook.hits] == [500, 500] and len(gone.hits) == 1
        state = {(d.channel, d.address): (d.status, d.attempts) for d in deliveries(database_url, key)}
        assert state == {
            ("email", "feixian@linyi.example"): ("sent", 1),
            ("webhook", hook.url()): ("failed", 2),
            ("webhook", gone.url()): ("rejected", 1),
        }
        assert attempt(1) == Delivered(delivered=0, skipped=1, emailed=0, webhooks=1, failed=0, rejected=0)
        assert attempt(2) == Delivered(delivered=0, skipped=1)
        assert len(smtp.mails) == 1 and [h.answered for h in hook.hits] == [500, 500, 200] and len(gone.hits) == 1
        assert all(signed(h) for h in hook.hits)
        state = {(d.channel, d.address): (d.status, d.attempts) for d in deliveries(database_url, key)}
        assert state[("webhook", hook.url())] == ("sent", 3)
        mail = smtp.mails[0].message
        assert mail["Subject"] == "【备案提醒】费县2026年度县级标杆机构评定结果备案"
        assert "请于2026年12月20日24时前" in mail.get_content() and "距截止还有5个工作日" in mail.get_content()
        assert f"详情：{BASE}/api/v1/filings/费县/2026" in mail.get_content()
        assert "截止时间：2026-12-20 24:00（北京时间）" in mail.get_content()


def test_a_webhook_without_a_secret_is_a_configuration_error():
    with pytest.raises(ValueError, match="BIAOGAN_WEBHOOK_SECRET"):
        ChannelSettings(notify_directory={"city_reviewer": ChannelAddresses(webhook=["http://127.0.0.1:9/x"])})


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # implicit TLS: aiosmtpd cannot tell
@pytest.mark.parametrize("tls", ["ssl", "starttls"])
def test_mail_goes_over_tls_with_the_configured_credentials(tls, sqlite_url, tmp_path):
    cert = self_signed(tmp_path)
    with SmtpReceiver(tls=tls, cert=cert, login=("biaogan", "Pass-1.secret")) as smtp:

        def channels(password: str) -> ChannelSettings:
            return ChannelSettings(
                smtp_host="127.0.0.1",
                smtp_port=smtp.port,
                smtp_tls=tls,
                smtp_ca_file=cert.cert,
                smtp_username="biaogan",
                smtp_password=password,
                channel_attempts=1,
                notify_directory={"county_bureau:费县": ChannelAddresses(email=["feixian@linyi.example"])},
            )

        env = ActivityEnvironment()
        wrong = NotifyActivities(sqlite_url, channels("wrong"))
        assert env.run(wrong.notify, _reminder(unique("tls-wrong"))).failed == 1  # last attempt: left as failed
        assert smtp.mails == [] and smtp.logins == []
        right = NotifyActivities(sqlite_url, channels("Pass-1.secret"))
        assert env.run(right.notify, _reminder(unique("tls"))).emailed == 1
        assert smtp.logins == ["biaogan"] and [m.recipients for m in smtp.mails] == [["feixian@linyi.example"]]
        assert smtp.mails[0].message["Subject"] == "【备案提醒】费县2026年度县级标杆机构评定结果备案"
