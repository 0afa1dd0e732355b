"""SMS (短信) against a real gateway the tests start on 127.0.0.1 (tests/sms/gateway.py), which checks each request's
signature: a to-do texted once to the accounts that owe it, with the to-do template and its Chinese parameters; a
text the gateway refuses (a bad signature, a bad number) recorded as refused and never retried; a temporary error
retried by the activity's retries and delivered once; a crash between the send and its record resent with the same
``out_id`` (dropped by the gateway); numbers masked in the logs and the delivery rows; the objector's receipt
texted when they leave a mobile number, and nothing texted when they leave an e-mail address."""

import asyncio
import dataclasses
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.notify import NotifyActivities, recipients
from activities.sms import deadline_text, kind_of
from config import ChannelSettings
from contracts.notify import Delivered, Message, NotifyRequest, Recipient
from db.filing import Delivery
from db.models import Application
from db.phones import set_phone
from db.session import session_for
from services.identity.users import add_user
from state.calendar import TZ
from state.domain import Act, Level, Role, Stage
from tests.conftest import RunningWorker, fresh_database, settings_for, unique
from tests.factory import COUNTY, OTHER_COUNTY, declaration, start
from tests.sms.gateway import KEY_ID, SECRET, SmsGateway

TEMPLATES = {
    "sms_template_todo": "SMS_TODO_1",
    "sms_template_reminder": "SMS_REMIND_2",
    "sms_template_escalation": "SMS_URGE_3",
    "sms_template_receipt": "SMS_RECEIPT_4",
}
PHONE, OTHER_PHONE = "13812345678", "13987654321"


def sms_channels(gateway: SmsGateway, secret: str = SECRET, **kw) -> ChannelSettings:
    values = dict(
        sms_gateway_url=gateway.url(),
        sms_access_key_id=KEY_ID,
        sms_access_key_secret=secret,
        sms_sign_name="【临沂人社】",
        channel_attempts=3,
        **TEMPLATES,
    )
    values.update(kw)
    return ChannelSettings(**values)


def with_phone(url: str, role: str, county: str | None, phone: str | None, sms: bool = True) -> str:
    user = add_user(url, f"{role}-{unique('p')}", role, county)
    if phone:
        with session_for(url) as s:
            set_phone(s, user.id, phone, sms)
    return user.id


def rows(url: str, notice_key: str) -> list[Delivery]:
    with session_for(url) as s:
        return list(s.exec(select(Delivery).where(Delivery.notice_key == notice_key)).all())


async def wait_for(check, seconds: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.1)


@pytest.fixture
def url(tmp_path):
    with fresh_database("sqlite", tmp_path) as made:
        yield made


async def test_a_declaration_is_texted_once_as_a_to_do_to_the_county_bureau_accounts_with_a_phone(dev_env, url):
    """A city-level declaration: the declaring county's bureau owes its review (待办); its account with a phone is
    texted once with the to-do template; its account without one, the account with texts off, another county's
    bureau and the city's reviewer (told, owing nothing yet) are not."""
    owed = with_phone(url, "county_bureau", COUNTY, PHONE)
    with_phone(url, "county_bureau", COUNTY, None)
    with_phone(url, "county_bureau", COUNTY, "13700000001", sms=False)
    with_phone(url, "county_bureau", OTHER_COUNTY, "13700000002")
    with_phone(url, "city_reviewer", None, "13700000003")
    with SmsGateway() as gateway:
        settings = settings_for(url, unique("sms"), channels=sms_channels(gateway))
        async with RunningWorker(dev_env.client, settings):
            decl = declaration(Level.city)
            await start(dev_env.client, settings.task_queue, decl)
            notice_key = f"{decl.application_id}:1"
            await wait_for(lambda: [r.status for r in rows(url, notice_key)] == ["sent"])
            await asyncio.sleep(0.5)  # nothing else comes after
    assert len(gateway.texts) == 1 and gateway.texts[0].signed
    text = gateway.texts[0].body
    with session_for(url) as s:
        number = s.exec(select(Application.number).where(Application.id == decl.application_id)).one()
    assert number and re.fullmatch(r"兰山-\d{4}-\d{4}", number)
    assert text["phone"] == PHONE and text["template_id"] == "SMS_TODO_1" and text["sign_name"] == "临沂人社"
    assert text["params"] == {
        "institution": decl.institution.name,
        "number": number,
        "matter": "待县级审核",
        "deadline": "无",
    }
    assert not any(re.search(r"[A-Za-z]|[0-9a-f]{8}", v) for v in text["params"].values() if v != number)
    [row] = rows(url, notice_key)
    assert row.channel == "sms" and row.address == "138****5678" and row.recipient == f"county_bureau:{COUNTY}:{owed}"
    assert text["out_id"] == row.key  # the same on every retry of this text: a gateway drops a repeat


def _reminder(key: str, county: str) -> NotifyRequest:
    """The county's filing reminder, as FilingDeadlineWorkflow sends it (each test its own county: the database is
    the session's)."""
    return NotifyRequest(
        message=Message(
            key=key,
            template="filing_reminder",
            recipients=[Recipient(Role.county_bureau, county)],
            params={"county": county, "year": "2026", "deadline": "2026年12月20日24时", "remaining": ""},
            link_path=f"/filings/{county}/2026",
            subject_id=key,
            deadline=datetime(2026, 12, 21, tzinfo=TZ),
        )
    )


def _urge(application_id: str, county: str) -> NotifyRequest:
    return NotifyRequest(
        application_id=application_id,
        seq=7,
        act=Act.urge,
        level=Level.county,
        county=county,
        institution_name=f"{county}人力资源市场",
        number=f"{county[:2]}-2026-0003",
        addressee="county",
    )


def runner(notify: NotifyActivities, req: NotifyRequest):
    env = ActivityEnvironment()

    def attempt(n: int) -> Delivered:
        env.info = dataclasses.replace(env.info, attempt=n)
        return env.run(notify.notify, req)

    return attempt


def test_a_temporary_error_is_retried_and_the_text_delivered_once(database_url, caplog):
    """The gateway answers a retryable code, then 503: each attempt of the activity fails for a retry (the text
    recorded as failed); the third delivers; a fourth sends nothing. The reminder's template and parameters; the
    number masked in every log line, the secret in none."""
    caplog.set_level(logging.DEBUG)
    key = unique("filing:费县:2026:reminder:5")
    with_phone(database_url, "county_bureau", "费县", PHONE)
    with SmsGateway(script=["temporary", "busy"]) as gateway:
        attempt = runner(NotifyActivities(database_url, sms_channels(gateway)), _reminder(key, "费县"))
        for n in (1, 2):
            with pytest.raises(ApplicationError) as failed:
                attempt(n)
            assert failed.value.type == "DeliveryFailed" and not failed.value.non_retryable
            assert "sms 138****5678" in failed.value.message and PHONE not in failed.value.message
            assert [(r.status, r.attempts) for r in rows(database_url, key)] == [("failed", n)]
        assert attempt(3).texted == 1
        assert attempt(4) == Delivered(delivered=0, skipped=1)
    assert [t.answered for t in gateway.texts] == ["Throttling", "ServiceUnavailable", "OK"]
    assert all(t.signed for t in gateway.texts) and len({t.headers["x-sms-nonce"] for t in gateway.texts}) == 3
    assert len({t.body["out_id"] for t in gateway.texts}) == 1 and len(gateway.delivered) == 1
    text = gateway.texts[-1].body
    assert text["template_id"] == "SMS_REMIND_2"
    assert text["params"] == {
        "institution": "费县",
        "number": "无",
        "matter": "2026年度评定结果待备案",
        "deadline": "12月20日24时",
    }
    assert [(r.status, r.attempts, r.address) for r in rows(database_url, key)] == [("sent", 3, "138****5678")]
    assert "138****5678" in caplog.text and PHONE not in caplog.text and SECRET not in caplog.text


def test_a_text_the_gateway_refuses_is_recorded_refused_and_not_retried(database_url, caplog):
    """A request signed with the wrong secret: the gateway refuses it (403), as it refuses a bad number (a code
    that is no temporary one): recorded as refused at once, not retried, the activity not failed for it."""
    caplog.set_level(logging.DEBUG)
    with_phone(database_url, "county_bureau", "沂水县", OTHER_PHONE)
    with SmsGateway() as gateway:
        app_id = unique("A")
        wrong = runner(
            NotifyActivities(database_url, sms_channels(gateway, secret="not-the-secret")), _urge(app_id, "沂水县")
        )
        assert wrong(1).rejected == 1
        assert wrong(2) == Delivered(delivered=0, skipped=1)
        assert [(t.signed, t.answered) for t in gateway.texts] == [(False, "SignatureDoesNotMatch")]
        [row] = rows(database_url, f"{app_id}:7")
        assert (row.status, row.attempts, row.address) == ("rejected", 1, "139****4321")
        assert "SignatureDoesNotMatch" in (row.last_error or "")
    with SmsGateway(script=["permanent"]) as gateway:
        app_id = unique("A")
        bad_number = runner(NotifyActivities(database_url, sms_channels(gateway)), _urge(app_id, "沂水县"))
        assert bad_number(1).rejected == 1 and bad_number(2).rejected == 0
        assert [(t.signed, t.answered) for t in gateway.texts] == [(True, "InvalidPhoneNumber")]
        text = gateway.texts[0].body
        assert text["template_id"] == "SMS_URGE_3"
        assert text["params"] == {
            "institution": "沂水县人力资源市场",
            "number": "沂水-2026-0003",
            "matter": "被催办，请尽快办理",
            "deadline": "无",
        }
    assert "139****4321" in caplog.text and OTHER_PHONE not in caplog.text and "not-the-secret" not in caplog.text


def test_a_crash_between_the_send_and_its_record_resends_with_the_same_out_id(database_url):
    """As with e-mail (Message-ID) and webhooks (X-Biaogan-Delivery): a claim whose worker died after sending is
    retaken after its lease and the text sent again under the same ``out_id``, which the gateway drops; a claim still
    within its lease is left alone (the activity retries later)."""
    key = unique("filing:郯城县:2026:reminder:1")
    with_phone(database_url, "county_bureau", "郯城县", PHONE)
    with SmsGateway() as gateway:
        channels = sms_channels(gateway, delivery_lease_seconds=60)
        attempt = runner(NotifyActivities(database_url, channels), _reminder(key, "郯城县"))
        assert attempt(1).texted == 1

        def crashed(ago: timedelta) -> None:  # the row as a worker leaves it that died after the send
            with session_for(database_url) as s:
                s.exec(
                    update(Delivery)
                    .where(Delivery.notice_key == key)
                    .values(status="sending", claimed_at=datetime.now(UTC) - ago)
                )
                s.commit()

        crashed(timedelta(seconds=5))
        with pytest.raises(ApplicationError):
            attempt(2)  # in flight: not sent again yet
        assert len(gateway.texts) == 1
        crashed(timedelta(minutes=5))
        assert attempt(3).texted == 1
    assert len(gateway.texts) == 2 and gateway.texts[0].body["out_id"] == gateway.texts[1].body["out_id"]
    assert len(gateway.delivered) == 1  # one text reached the phone


def test_no_gateway_no_text_and_a_kind_without_its_template_is_not_texted(database_url):
    with_phone(database_url, "county_bureau", "兰陵县", PHONE)
    assert runner(NotifyActivities(database_url, ChannelSettings()), _urge(unique("A"), "兰陵县"))(1) == Delivered(1, 0)
    with SmsGateway() as gateway:
        channels = sms_channels(gateway, sms_template_escalation="")
        assert runner(NotifyActivities(database_url, channels), _urge(unique("A"), "兰陵县"))(1).texted == 0
    assert gateway.texts == []


def test_a_gateway_without_its_keys_is_a_configuration_error():
    with pytest.raises(ValueError, match="BIAOGAN_SMS_ACCESS_KEY_SECRET"):
        ChannelSettings(sms_gateway_url="http://127.0.0.1:9/sms")


def _act(act: Act, level: Level, state=None) -> NotifyRequest:
    return NotifyRequest(application_id="A1", seq=2, act=act, level=level, county=COUNTY, state=state)


@pytest.mark.parametrize(
    ("act", "level", "state", "texted"),
    [
        (Act.declare, Level.city, None, {(Role.county_bureau, COUNTY): "待县级审核"}),
        (Act.county_review_pass, Level.city, None, {(Role.city_reviewer, None): "县级审核已通过，待市级评审"}),
        (Act.county_review_pass, Level.county, None, {(Role.county_bureau, COUNTY): "县级审核已通过，待公示"}),
        (Act.lodge_objection, Level.city, None, {(Role.city_reviewer, None): "收到公示异议，待调查核实"}),
        (Act.close_notice, Level.county, None, {(Role.county_bureau, COUNTY): "公示期满，待编入公布批次"}),
        (Act.resubmit, Level.city, Stage.county_reviewed, {(Role.city_reviewer, None): "已补正，待重新审核"}),
        (Act.resubmit, Level.city, Stage.declared, {(Role.county_bureau, COUNTY): "已补正，待重新审核"}),
        (Act.correction_reminder, Level.county, None, {(Role.county_bureau, COUNTY): "补正期限将至，请尽快补正"}),
        (Act.publicize, Level.city, None, {}),  # told, owing nothing
        (Act.award, Level.county, None, {}),
    ],
)
def test_a_to_do_is_texted_to_the_role_that_owes_the_next_act_and_to_no_one_told_only(act, level, state, texted):
    req = _act(act, level, state)
    found = {(r.role, r.county): kind_of(req, r) for r in recipients(req)}
    assert {k: v[1] for k, v in found.items() if v} == texted
    assert all(v[0] in ("todo", "reminder") for v in found.values() if v)


def test_a_deadline_is_said_in_beijing_time_and_midnight_as_the_end_of_the_day_before():
    assert deadline_text(datetime(2026, 12, 21, tzinfo=TZ)) == "12月20日24时"
    assert deadline_text(datetime(2026, 12, 18, 9, 30, tzinfo=UTC)) == "12月18日17时30分"
    assert deadline_text(None) == "无"


def test_a_parameter_longer_than_the_providers_cap_is_cut_and_still_signed(database_url):
    """Providers cap each template variable: a longer value is sent cut, ending in …, and the gateway still finds
    the request's signature good (it is made over what is sent)."""
    key = unique("filing:郯城县:2026:reminder:5")
    with_phone(database_url, "county_bureau", "郯城县", OTHER_PHONE)
    with SmsGateway() as gateway:
        attempt = runner(
            NotifyActivities(database_url, sms_channels(gateway, sms_param_max_chars=9)), _reminder(key, "郯城县")
        )
        assert attempt(1).texted >= 1  # every 郯城县 account with a number: this test's among them
    (text,) = [t for t in gateway.texts if t.body["phone"] == OTHER_PHONE]
    assert text.signed and text.answered == "OK"
    assert text.body["params"]["matter"] == "2026年度评定…"
    assert text.body["params"]["deadline"] == "12月20日24时"  # within the cap: as it was
