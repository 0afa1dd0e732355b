"""Delivering a recorded filing to its addressees (评定结果报省、市备案): the county and the city hear it in their inbox
(and on their configured channels), as before; the province, which has no account here, gets the form's rows on the
channels configured for it (``ChannelSettings.notify_directory["province"]``: e-mail, webhook). Each addressee's
outcome is recorded in ``filing_delivery``; every message goes through the one notification machinery
(activities/notify.py, activities/channels.py), so a retried activity delivers nothing twice."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.notify import deliver_outside, write_inbox
from config import ChannelSettings
from contracts.filing import (
    CITY_ADDRESSEE,
    PROVINCE_ADDRESSEE,
    AddresseeDelivery,
    DeliveryRequest,
    DeliveryState,
    FilingDelivered,
)
from contracts.notify import Delivered, Message, NotifyRequest, Recipient
from db.filing import Delivery, FilingDelivery, FilingVersion
from db.session import get_engine, insert_ignore, session_for
from state.calendar import TZ
from state.domain import Role
from state.labels import CITY, type_label

log = logging.getLogger(__name__)
KIND_ZH = {"filing": "", "correction": "，更正"}


def _local(moment: datetime) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def entry_list(entries: list[dict[str, Any]]) -> str:
    """The form's rows as lines of text, for an addressee who cannot open the form here."""
    if not entries:
        return "本年度无公布的县级标杆机构。"
    lines = []
    for e in entries:
        kind = type_label(e["institution_type"])
        plaque = f"，奖牌编号{e['plaque_no']}" if e.get("plaque_no") else ""
        remark = f"（{e['remark']}）" if e.get("remark") else ""
        lines.append(
            f"{e['seq']}. {e['institution_name']}（{kind}），统一社会信用代码{e['credit_code']}，"
            f"评定文号{e['document_no']}，评定日期{e['announced_on']}{plaque}{remark}"
        )
    return "\n".join(lines)


def messages(req: DeliveryRequest, entries: list[dict[str, Any]]) -> tuple[NotifyRequest, NotifyRequest]:
    """To the county and the city (the message FilingDeadlineWorkflow sent before the province was added, same key),
    and to the province."""
    key = f"{req.workflow_id}:version:{req.version}"
    params = {
        "county": req.county,
        "year": str(req.year),
        "deadline": f"{req.deadline_day:%Y年%m月%d日}24时",
        "filed_at": _local(req.filed_at),
        "version": str(req.version),
        "entries": str(len(entries)),
        "timeliness": req.timeliness,
        "reason": req.reason,
    }
    link = f"/filings/{req.county}/{req.year}"
    home = Message(
        key=key,
        template="filing_recorded" if req.kind == "filing" else "filing_corrected",
        recipients=[Recipient(Role.county_bureau, req.county), Recipient(Role.city_reviewer, None)],
        params=params,
        link_path=link,
        subject_id=req.workflow_id,
        deadline=req.deadline_at,
    )
    province = Message(
        key=f"{key}:{PROVINCE_ADDRESSEE}",
        template="filing_to_province",
        recipients=[],
        params={
            **params,
            "city": CITY,
            "kind": KIND_ZH.get(req.kind, ""),
            "reason": f"更正说明：{req.reason}" if req.reason else "",
            "entry_list": entry_list(entries),
        },
        link_path=link,
        subject_id=req.workflow_id,
        outside=[PROVINCE_ADDRESSEE],
    )
    return NotifyRequest(message=home), NotifyRequest(message=province)


def _channels(s: Session, notice_key: str, recipient: str) -> list[Delivery]:
    q = select(Delivery).where(Delivery.notice_key == notice_key, Delivery.recipient == recipient)
    return list(s.exec(q.order_by(col(Delivery.id))).all())


def _outcome(addressee: str, rows: list[Delivery], inbox: bool, at: datetime) -> AddresseeDelivery:
    said = [f"{d.channel} {d.address}: {d.status}" for d in rows]
    if inbox:
        return AddresseeDelivery(addressee, DeliveryState.delivered, at, ["inbox", *said])
    if not rows:
        return AddresseeDelivery(addressee, DeliveryState.unconfigured, at, [])
    state = DeliveryState.delivered if all(d.status == "sent" for d in rows) else DeliveryState.failed
    return AddresseeDelivery(addressee, state, at, said)


class FilingDeliveryActivities:
    def __init__(self, database_url: str, channels: ChannelSettings):
        self.database_url = database_url
        self.channels = channels

    @activity.defn
    def deliver_filing(self, req: DeliveryRequest) -> FilingDelivered:
        now = activity.info().current_attempt_scheduled_time
        with session_for(self.database_url) as s:
            version = s.exec(
                select(FilingVersion).where(
                    FilingVersion.county == req.county,
                    FilingVersion.year == req.year,
                    FilingVersion.version == req.version,
                )
            ).first()
        entries = list(version.entries) if version else []
        home, province = messages(req, entries)
        with get_engine(self.database_url).begin() as connection:
            write_inbox(connection, home, self.channels, now)
        failure: ApplicationError | None = None
        for notice in (home, province):  # each gets its attempt before a retry is asked for
            try:
                deliver_outside(self.database_url, self.channels, notice, Delivered(delivered=0, skipped=0))
            except ApplicationError as e:
                failure = failure or e
        if failure is not None:
            raise failure
        assert home.message is not None and province.message is not None
        with session_for(self.database_url) as s:
            outcomes = [
                _outcome(PROVINCE_ADDRESSEE, _channels(s, province.message.key, f"{PROVINCE_ADDRESSEE}:-"), False, now),
                _outcome(CITY_ADDRESSEE, _channels(s, home.message.key, f"{Role.city_reviewer.value}:-"), True, now),
            ]
            for o, key in zip(outcomes, (province.message.key, home.message.key), strict=True):
                row = {
                    "county": req.county,
                    "year": req.year,
                    "version": req.version,
                    "addressee": o.addressee,
                    "state": o.state.value,
                    "channels": o.channels,
                    "notice_key": key,
                    "at": o.at,
                }
                if not insert_ignore(s, FilingDelivery, row, ["county", "year", "version", "addressee"]):
                    s.exec(
                        update(FilingDelivery)
                        .where(
                            col(FilingDelivery.county) == req.county,
                            col(FilingDelivery.year) == req.year,
                            col(FilingDelivery.version) == req.version,
                            col(FilingDelivery.addressee) == o.addressee,
                        )
                        .values(state=o.state.value, channels=o.channels, at=o.at)
                    )
            s.commit()
        log.info(
            "filing %s %d v%d delivered: %s",
            req.county,
            req.year,
            req.version,
            ", ".join(f"{o.addressee} {o.state.value}" for o in outcomes),
        )
        return FilingDelivered(addressees=outcomes)
