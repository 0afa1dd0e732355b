"""Which notices are texted (短信), to whom, with which template and parameters; and the objector's receipt.

Texted: a to-do (待办: an act that leaves the recipient something to do now), a reminder (补正期限将至, 备案提醒),
an escalation (催办, 备案逾期督办), and an objection's receipt when the objector gave a mobile number. A notice
reaches the accounts of its recipient role (and county) that gave a number and take texts (db/phones.py), each
through the same claimed delivery row as e-mail and webhooks (activities/channels.py), so once per notice and
account. Template parameters are short Chinese values (the institution, the 申报编号, what is owed, the deadline):
never an id, a code or an English word."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Connection
from sqlmodel import select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.channels import Outgoing, deliver
from config import ChannelSettings
from contracts.notify import NotifyRequest, Recipient
from contracts.rules import engine as rules
from db.models import Application, Objection
from db.phones import masked, phones_for
from db.receipts import ObjectionReceipt, shown
from db.session import session_for
from regions.scope import county_city
from state.calendar import TZ
from state.domain import LEVEL_OWNER, Act, Level, Role, Stage
from state.objector import MOBILE

log = logging.getLogger(__name__)
NONE = "无"

# What a to-do asks of the role that owes it now, after the act (the act's own words, short).
TODO: dict[Act, str] = {
    Act.declare: "待县级审核",
    Act.resubmit: "已补正，待重新审核",
    Act.county_review_pass: "县级审核已通过，待公示",  # a county-level one; a city-level one: CITY_REVIEW_OWED
    Act.city_review_pass: "市级评审已通过，待公示",
    Act.county_request_correction: "被退回补正，待补正",
    Act.city_request_correction: "被退回补正，待补正",
    Act.lodge_objection: "收到公示异议，待调查核实",
    Act.close_notice: "公示期满，待编入公布批次",
    Act.flag: "关联县级称号已撤销，待复核",
}
CITY_REVIEW_OWED = "县级审核已通过，待市级评审"
REMINDER: dict[Act, str] = {Act.correction_reminder: "补正期限将至，请尽快补正"}
ESCALATION: dict[Act, str] = {Act.urge: "被催办，请尽快办理"}


def _owes(req: NotifyRequest) -> Recipient | None:
    """The recipient a to-do act leaves something to do: the declaring county's bureau for a declaration's review and
    a 补正; the city's reviewer for a resubmission the city returned; else the level's owner (公示, 异议, 公布批次,
    复核; a city-level candidate's city review)."""
    assert req.act is not None and req.level is not None
    if req.act == Act.resubmit and req.state == Stage.county_reviewed:  # back to the city's review that returned it
        return Recipient(Role.city_reviewer, None)
    if req.act in (Act.declare, Act.resubmit, Act.county_request_correction, Act.city_request_correction):
        return Recipient(Role.county_bureau, req.county)
    if req.act in TODO:
        return Recipient(LEVEL_OWNER[req.level], req.county if req.level == Level.county else None)
    return None


def _todo(req: NotifyRequest) -> str:
    assert req.act is not None
    return CITY_REVIEW_OWED if req.act == Act.county_review_pass and req.level == Level.city else TODO[req.act]


def deadline_text(moment: datetime | None) -> str:
    """12月20日24时 (Beijing time); 无 without one."""
    if moment is None:
        return NONE
    local = moment.astimezone(TZ)
    if (local.hour, local.minute) == (0, 0):
        day = local - timedelta(days=1)
        return f"{day.month}月{day.day}日24时"
    minutes = f"{local.minute}分" if local.minute else ""
    return f"{local.month}月{local.day}日{local.hour}时{minutes}"


def kind_of(req: NotifyRequest, recipient: Recipient) -> tuple[str, str] | None:
    """(kind, what is owed) when ``recipient`` is texted about ``req``; None when not."""
    if req.message is not None:
        m = req.message
        if m.template == "filing_reminder" and recipient.role == Role.county_bureau:
            return "reminder", f"{m.params.get('year', '')}年度评定结果待备案"
        if m.template == "filing_escalation":
            return (
                "escalation",
                f"{m.params.get('year', '')}年度评定结果备案已逾期{m.params.get('days_late', '')}个工作日",
            )
        return None
    if req.act in REMINDER:
        return "reminder", REMINDER[req.act]
    if req.act in ESCALATION:  # 催办: its recipients are the party pressed, and it only
        return "escalation", ESCALATION[req.act]
    if req.act in TODO and _owes(req) == recipient:
        return "todo", _todo(req)
    return None


def params_for(req: NotifyRequest, owed: str) -> dict[str, str]:
    if req.message is not None:
        m = req.message
        return {
            "institution": m.params.get("county", ""),
            "number": NONE,
            "matter": owed,
            "deadline": deadline_text(m.deadline),
        }
    return {
        "institution": req.institution_name,
        "number": req.number or NONE,
        "matter": owed,
        "deadline": deadline_text(req.deadline),
    }


def city_of_notice(connection: Connection, req: NotifyRequest) -> str:
    """The city a notice is about: its application's (the read model's row), else its county's."""
    if req.application_id:
        found = connection.execute(select(Application.city).where(Application.id == req.application_id)).first()
        if found is not None and found[0]:
            return str(found[0])
    return county_city(req.county)


def texts_for(
    connection: Connection, cfg: ChannelSettings, req: NotifyRequest, notice_key: str, recipients: list[Recipient]
) -> list[Outgoing]:
    """One text per account that takes texts among the notice's ``recipients``, for the kinds configured."""
    if not cfg.sms_gateway_url:
        return []
    out: list[Outgoing] = []
    city = city_of_notice(connection, req)
    for r in recipients:
        found = kind_of(req, r)
        if found is None or not cfg.sms_template(found[0]):
            continue
        kind, owed = found
        params = params_for(req, owed)
        for person in phones_for(connection, r.role, r.county, city):
            payload = {"phone": person.phone, "template_id": cfg.sms_template(kind), "params": params}
            who = f"{r.role.value}:{r.county or '-'}:{person.user_id}"
            out.append(Outgoing(notice_key, who, "sms", masked(person.phone), kind, "", payload))
    return out


def receipt_text(cfg: ChannelSettings, receipt: ObjectionReceipt, contact: str, institution: str) -> Outgoing | None:
    """The objector's receipt, when they gave a mobile number (kept as +86…) and the receipt template is set."""
    phone = contact[3:] if contact.startswith("+86") else ""
    template = cfg.sms_template("receipt")
    if not template or not MOBILE.fullmatch(phone):
        return None
    payload = {
        "phone": phone,
        "template_id": template,
        "params": {"institution": institution, "receipt": shown(receipt.receipt)},
    }
    return Outgoing(f"receipt:{receipt.objection_id}", "objector", "sms", masked(phone), "receipt", "", payload)


class SmsActivities:
    def __init__(self, database_url: str, channels: ChannelSettings):
        self.database_url = database_url
        self.channels = channels

    @activity.defn
    def text_receipt(self, objection_id: str) -> str:
        """Text the objector their receipt: 'sent', 'skipped' (sent before), 'rejected', or 'none' (no mobile number,
        no template, SMS off); raises for a retry while attempts remain, then leaves it recorded as failed."""
        with session_for(self.database_url) as s:
            held = s.exec(select(ObjectionReceipt).where(ObjectionReceipt.objection_id == objection_id)).first()
            objection = s.get(Objection, objection_id)
            app = s.get(Application, held.application_id) if held else None
        if held is None or objection is None:  # the objection's projection may come a moment after its receipt
            raise ApplicationError(f"objection {objection_id} not yet in the read model", type="NotYetRecorded")
        out = receipt_text(self.channels, held, objection.contact, app.institution_name if app else "")
        if out is None:
            return "none"
        try:
            outcome = deliver(self.database_url, self.channels, out)
        except Exception as e:
            attempt = activity.info().attempt
            said = {"count": 1, "attempt": attempt, "errors": f"sms {out.address}: {e}"}
            if attempt < self.channels.channel_attempts:
                raise ApplicationError(
                    rules.DELIVERY_FAILED.say(**said),
                    {"rule": rules.DELIVERY_FAILED.code, **said},
                    type="DeliveryFailed",
                ) from None
            log.error("giving up after %d attempts on the receipt text to %s: %s", attempt, out.address, e)
            return "failed"
        log.info("sms receipt to %s: %s", out.address, outcome)
        return outcome
