"""Notifications: the one activity every notice of the system goes through.

A notice is either an act on an application (``NotifyRequest`` with the application's fields, as
ApplicationWorkflow sends) or any other event (``NotifyRequest.message``, e.g. a filing reminder). Each
recipient (a role, and a county for county-level roles) gets an inbox row, and an e-mail and a webhook call
for every address ``ChannelSettings.notify_directory`` lists for them, and a text to each of its accounts that takes
texts when the notice is one that is texted (activities/sms.py); an addressee without an account
(``Message.outside``, e.g. ``province`` for a filing) gets only the latter. Every delivery happens once per
notice, recipient, channel and address, however often the activity is retried.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.channels import Outgoing, deliver, outgoing_for
from activities.sms import texts_for
from config import ChannelSettings
from contracts.notify import Delivered, NotifyRequest, Recipient
from contracts.rules import engine as rules
from db import models
from db.session import get_engine, insert_ignore
from state.calendar import TZ
from state.domain import LEVEL_OWNER, Act, Level, Role

log = logging.getLogger(__name__)

ACT_ZH: dict[Act, str] = {
    Act.declare: "已申报",
    Act.county_review_pass: "县级审核通过",
    Act.county_review_fail: "县级审核未通过",
    Act.city_review_pass: "市级评审通过",
    Act.city_review_fail: "市级评审未通过",
    Act.publicize: "开始公示",
    Act.lodge_objection: "收到公示异议",
    Act.dismiss_objection: "异议经调查不成立",
    Act.uphold_objection: "异议经调查成立，评定不予通过",
    Act.close_notice: "公示期满，请三部门会签公布",
    Act.score: "评审专家已评分",
    Act.co_sign: "部门已会签",
    Act.award: "已授牌",
    Act.revoke: "标杆称号已撤销，请收回奖牌",
    Act.withdraw: "已撤回申报",
    Act.flag: "关联的县级标杆称号已撤销，请复核",
    Act.replan_notice: "公示期已按国家节假日安排重新计算",
    Act.county_request_correction: "被县级审核退回补正，请补正后重新报送",
    Act.city_request_correction: "被市级评审退回补正，请补正后重新报送",
    Act.resubmit: "已补正并重新报送",
    Act.lapse_correction: "逾期未补正，视为撤回",
    Act.correction_reminder: "补正期限将至，请尽快补正后重新报送",
    Act.urge: "被催办，请尽快办理",
    Act.amend_score: "评审专家已修改评分",
    Act.announce: "已由三部门联合公布",
    Act.department_opinion: "县区部门已出具意见",
}

# Notices that are not an act on an application: subject and first line, filled from ``Message.params``.
TEMPLATES: dict[str, tuple[str, str]] = {
    "filing_reminder": (
        "【备案提醒】{county}{year}年度县级标杆机构评定结果备案",
        (
            "{county}人力资源社会保障局：请于{deadline}前向省人力资源社会保障厅、市人力资源社会保障局报送{year}年度"
            "县级就业服务质量标杆机构评定结果备案表（附件4）。{remaining}"
        ),
    ),
    "filing_escalation": (
        "【备案逾期督办】{county}{year}年度县级标杆机构评定结果尚未备案",
        (
            "{county}{year}年度县级就业服务质量标杆机构评定结果备案已超过截止时间{deadline}，至今未报送，"
            "已逾期{days_late}个工作日（第{count}次督办）。请市人力资源社会保障局督促办理。"
        ),
    ),
    "filing_recorded": (
        "【备案已报送】{county}{year}年度县级标杆机构评定结果备案",
        (
            "{county}已于{filed_at}报送{year}年度县级就业服务质量标杆机构评定结果备案表（第{version}版，"
            "共{entries}家机构），{timeliness}。"
        ),
    ),
    "filing_corrected": (
        "【备案更正】{county}{year}年度县级标杆机构评定结果备案",
        (
            "{county}已于{filed_at}更正{year}年度县级就业服务质量标杆机构评定结果备案表（第{version}版，"
            "共{entries}家机构）。更正说明：{reason}"
        ),
    ),
    # 撤销决定 (workflows/revocation.py): to the institution (its contact on record) and its county bureau.
    "revocation_decided": (
        "【撤销决定】{institution}{title_name}称号已撤销（{document_no}）",
        (
            "{institution}：经{organs}研究，因“{ground}”，决定撤销你单位{title_name}称号（{document_no}，"
            "{decided_on}），请交回奖牌和证书。撤销依据：{evidence}"
        ),
    ),
    # To the province (评定结果报省、市备案): it has no account here, so the form's rows travel in the message.
    "filing_to_province": (
        "【评定结果备案】{city}{county}{year}年度县级标杆机构评定结果备案表（第{version}版）",
        (
            "省人力资源社会保障厅：{city}{county}于{filed_at}报送{year}年度县级就业服务质量标杆机构评定结果备案表"
            "（附件4，第{version}版{kind}，共{entries}家机构），同时报市人力资源社会保障局。{reason}\n{entry_list}"
        ),
    ),
}


def recipients(req: NotifyRequest) -> list[Recipient]:
    """The declaring county bureau always hears; the level's owner and the departments when they must act."""
    if req.message is not None:
        return list({(r.role, r.county): r for r in req.message.recipients}.values())
    assert req.act is not None and req.level is not None
    owner_county = req.county if req.level == Level.county else None
    if req.act == Act.urge:  # 催办: to the party pressed, and to it only
        if req.addressee == "department":
            return [Recipient(Role.department, owner_county)]
        return [Recipient(Role.county_bureau, req.county)]
    out = [Recipient(Role.county_bureau, req.county)]
    if req.level == Level.city or req.act in (Act.lodge_objection, Act.flag):
        out.append(Recipient(LEVEL_OWNER[req.level], owner_county))
    if req.act == Act.close_notice:
        out.append(Recipient(Role.department, owner_county))
    if req.act == Act.revoke:
        out.append(Recipient(Role.inspector, None))
    unique: dict[tuple[Role, str | None], Recipient] = {(r.role, r.county): r for r in out}
    return list(unique.values())


def application_page(application_id: str) -> str:
    """The application's page (web/routes/applications.py), where a recipient signs in and acts: not the JSON API."""
    return f"/applications/{application_id}"


def _local(moment: datetime) -> str:
    """Beijing time; a deadline at midnight is the end of the day before: '2026-12-20 24:00'."""
    local = moment.astimezone(TZ)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return f"{(local - timedelta(days=1)).strftime('%Y-%m-%d')} 24:00"
    return local.strftime("%Y-%m-%d %H:%M")


def _named(county: str, institution: str) -> str:
    """The institution with its county before it, unless its name already starts with it (兰山区人力资源市场)."""
    return institution if not county or institution.startswith(county) else f"{county} {institution}"


def render(req: NotifyRequest, base_url: str = "") -> tuple[str, str]:
    """Subject and body (Chinese): what happened, to which institution, the deadline if any, and a link."""
    if req.message is not None:
        m = req.message
        subject_t, first_t = TEMPLATES[m.template]
        subject, lines = subject_t.format(**m.params), [first_t.format(**m.params)]
        deadline, link = m.deadline, m.link_path
    else:
        assert req.act is not None
        level_zh = "市级" if req.level == Level.city else "县级"
        what = ACT_ZH.get(req.act, req.act.value)  # a new act without its text yet still notifies
        subject = f"【标杆机构评定】{req.institution_name}{what}"
        lines = [f"{_named(req.county, req.institution_name)}（{level_zh}标杆机构评定）{what}。"]
        if req.number:
            lines.append(f"申报编号：{req.number}")
        if req.reason:
            lines.append(f"说明：{req.reason}")
        deadline, link = req.deadline, application_page(req.application_id)
    if deadline:
        lines.append(f"截止时间：{_local(deadline)}（北京时间）")
    lines.append(f"详情：{base_url.rstrip('/')}{link}")
    return subject, "\n".join(lines)


def _notice_key(req: NotifyRequest) -> str:
    return req.message.key if req.message else f"{req.application_id}:{req.seq}"


def outside(req: NotifyRequest) -> list[str]:
    """The notice's addressees without an account (ChannelSettings.notify_directory keys): external channels only."""
    return list(dict.fromkeys(req.message.outside)) if req.message else []


def _payload(
    req: NotifyRequest, name: str, county: str | None, subject: str, body: str, base_url: str
) -> dict[str, Any]:
    m = req.message
    deadline = m.deadline if m else req.deadline
    return {
        "notice": _notice_key(req),
        "event": m.template if m else (req.act.value if req.act else ""),
        "subject_id": m.subject_id if m else req.application_id,
        "recipient": {"role": name, "county": county},
        "subject": subject,
        "body": body,
        "link": base_url.rstrip("/") + (m.link_path if m else application_page(req.application_id)),
        "deadline": deadline.isoformat() if deadline else None,
        "params": dict(m.params)
        if m
        else {"institution": req.institution_name, "act": req.act.value if req.act else ""},
    }


class NotifyActivities:
    def __init__(self, database_url: str, channels: ChannelSettings):
        self.database_url = database_url
        self.channels = channels

    @activity.defn
    def notify(self, req: NotifyRequest) -> Delivered:
        now = activity.info().current_attempt_scheduled_time
        with get_engine(self.database_url).begin() as connection:
            result = write_inbox(connection, req, self.channels, now)
        return deliver_outside(self.database_url, self.channels, req, result)


def write_inbox(connection: Connection, req: NotifyRequest, channels: ChannelSettings, now: datetime) -> Delivered:
    """The in-app inbox rows of one notice, once per recipient, in the caller's transaction."""
    subject, body = render(req, channels.public_base_url or "http://127.0.0.1:8000")  # Settings fills it from the API
    result = Delivered(delivered=0, skipped=0)
    for r in recipients(req):
        row = {
            "key": f"{_notice_key(req)}:{r.role.value}:{r.county or '-'}",
            "application_id": req.message.subject_id if req.message else req.application_id,
            "recipient_role": r.role,
            "recipient_county": r.county,
            "subject": subject,
            "body": body,
            "created_at": now,
            "read_at": None,
        }
        if insert_ignore(connection, models.Notification, row, ["key"]):
            result.delivered += 1
            log.info("notify %s/%s: %s", r.role.value, r.county or "city", subject)
        else:
            result.skipped += 1
    return result


def deliver_outside(database_url: str, channels: ChannelSettings, req: NotifyRequest, result: Delivered) -> Delivered:
    """E-mail, webhooks and texts for the notice's recipients, each at most once (see activities.channels); raises for a
    retry while attempts remain, so a failed delivery is tried again and delivered ones are skipped."""
    base_url = channels.public_base_url or "http://127.0.0.1:8000"
    outgoing = []
    everyone: list[Recipient | str] = [*recipients(req), *outside(req)]
    for r in everyone:
        name = r.role.value if isinstance(r, Recipient) else r
        county = r.county if isinstance(r, Recipient) else None
        addresses = outgoing_for(channels, name, county)
        if not addresses:
            continue
        subject, body = render(req, base_url)
        for channel, address in addresses:
            outgoing.append(
                Outgoing(
                    _notice_key(req),
                    f"{name}:{county or '-'}",
                    channel,
                    address,
                    subject,
                    body,
                    _payload(req, name, county, subject, body, base_url),
                )
            )
    if channels.sms_gateway_url:
        with get_engine(database_url).connect() as connection:
            outgoing += texts_for(connection, channels, req, _notice_key(req), recipients(req))
    if not outgoing:
        return result
    errors: list[str] = []
    # In parallel: one slow server must not make the others wait past the activity's timeout.
    with ThreadPoolExecutor(max_workers=max(1, min(8, len(outgoing)))) as pool:
        futures = [(out, pool.submit(deliver, database_url, channels, out)) for out in outgoing]
    for out, future in futures:
        try:
            outcome = future.result()
        except Exception as e:  # noqa: BLE001 - every channel gets its turn before the retry
            errors.append(f"{out.channel} {out.address}: {type(e).__name__}: {e}")
            continue
        if out.channel == "sms":
            log.info("sms %s to %s (%s): %s", out.subject, out.address, out.recipient, outcome)  # the number masked
        if outcome == "sent":
            result.emailed += out.channel == "email"
            result.webhooks += out.channel == "webhook"
            result.texted += out.channel == "sms"
        elif outcome == "rejected":
            result.rejected += 1
    if errors:
        attempt = activity.info().attempt
        if attempt < channels.channel_attempts:
            said = {"count": len(errors), "attempt": attempt, "errors": "；".join(errors)}
            # retryable (not a refusal): the next attempt may deliver
            raise ApplicationError(
                rules.DELIVERY_FAILED.say(**said), {"rule": rules.DELIVERY_FAILED.code, **said}, type="DeliveryFailed"
            )
        log.error("giving up after %d attempts on: %s", attempt, "; ".join(errors))
        result.failed = len(errors)
    return result
