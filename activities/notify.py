"""Notifications: one activity, an inbox row per recipient (plus a log line). Channels come later."""

import logging
from dataclasses import dataclass
from datetime import datetime

from temporalio import activity

from db import models
from db.session import insert_ignore, session_for
from state.domain import LEVEL_OWNER, Act, Level, Role, Stage

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
    Act.co_sign: "部门已会签",
    Act.award: "已授牌",
    Act.revoke: "标杆称号已撤销，请收回奖牌",
    Act.withdraw: "已撤回申报",
    Act.flag: "关联的县级标杆称号已撤销，请复核",
    Act.replan_notice: "公示期已按国家节假日安排重新计算",
}


@dataclass
class NotifyRequest:
    application_id: str
    seq: int
    act: Act
    state: Stage
    level: Level
    county: str
    institution_name: str
    reason: str
    deadline: datetime | None = None


@dataclass
class Recipient:
    role: Role
    county: str | None


@dataclass
class Delivered:
    delivered: int
    skipped: int


def recipients(req: NotifyRequest) -> list[Recipient]:
    """The declaring county bureau always hears; the level's owner and the departments when they must act."""
    owner_county = req.county if req.level == Level.county else None
    out = [Recipient(Role.county_bureau, req.county)]
    if req.level == Level.city or req.act in (Act.lodge_objection, Act.flag):
        out.append(Recipient(LEVEL_OWNER[req.level], owner_county))
    if req.act == Act.close_notice:
        out.append(Recipient(Role.department, owner_county))
    if req.act == Act.revoke:
        out.append(Recipient(Role.inspector, None))
    unique: dict[tuple, Recipient] = {(r.role, r.county): r for r in out}
    return list(unique.values())


def render(req: NotifyRequest) -> tuple[str, str]:
    level_zh = "市级" if req.level == Level.city else "县级"
    subject = f"【标杆机构评定】{req.institution_name}{ACT_ZH[req.act]}"
    lines = [f"{req.county} {req.institution_name}（{level_zh}标杆机构评定，申报编号 {req.application_id}）{ACT_ZH[req.act]}。"]
    if req.reason:
        lines.append(f"说明：{req.reason}")
    if req.deadline:
        lines.append(f"截止时间：{req.deadline.strftime('%Y-%m-%d %H:%M')}（北京时间）")
    lines.append(f"详情：/api/v1/applications/{req.application_id}")
    return subject, "\n".join(lines)


class NotifyActivities:
    def __init__(self, database_url: str):
        self.database_url = database_url

    @activity.defn
    def notify(self, req: NotifyRequest) -> Delivered:
        subject, body = render(req)
        now = activity.info().current_attempt_scheduled_time
        delivered = skipped = 0
        with session_for(self.database_url) as s:
            for r in recipients(req):
                key = f"{req.application_id}:{req.seq}:{r.role.value}:{r.county or '-'}"
                row = {
                    "key": key,
                    "application_id": req.application_id,
                    "recipient_role": r.role,
                    "recipient_county": r.county,
                    "subject": subject,
                    "body": body,
                    "created_at": now,
                }
                if insert_ignore(s, models.Notification, row, ["key"]):
                    delivered += 1
                    log.info("notify %s/%s: %s", r.role.value, r.county or "city", subject)
                else:
                    skipped += 1
            s.commit()
        return Delivered(delivered=delivered, skipped=skipped)
