"""Batches announced by one joint 公布文件 (批次公布): forming one, its co-signatures, its document
(workflows/announcement.py, services/announcements.py)."""

from contracts.rules import rule

ANNOUNCEMENT_EMPTY = rule("announcement_empty", "公布批次至少须有一个申报")
ANNOUNCEMENT_MIXED = rule("announcement_mixed", "同一公布批次的申报须为同一级别、同一县区：本批次有{found}")
ANNOUNCEMENT_BY_OWNER = rule("announcement_by_owner", "{level_label}申报的公布批次由{owner_label}组成")
ANNOUNCEMENT_NOTICE_NOT_CLOSED = rule(
    "announcement_notice_not_closed", "{institution}尚未公示期满（当前：{state_label}），不能加入公布批次"
)
ANNOUNCEMENT_ALREADY_BATCHED = rule("announcement_already_batched", "{institution}已在另一公布批次中")
ANNOUNCEMENT_NOT_FOUND = rule("announcement_not_found", "未找到该公布批次，或不在您的查看范围内")
ANNOUNCEMENT_ALREADY_SIGNED = rule("announcement_already_signed", "{department_label}已会签本批次，每个部门会签一次")
ANNOUNCEMENT_DONE = rule("announcement_done", "本批次已经公布，无需再会签")
ANNOUNCEMENT_MEMBERS_NOT_CLOSED = rule(
    "announcement_members_not_closed", "本批次尚有申报未公示期满，暂不能会签：{institutions}"
)
ANNOUNCEMENT_NO_DOCUMENT = rule("announcement_no_document", "本批次三个部门尚未全部会签，公布文件尚未印发")
ANNOUNCEMENT_NOTHING_LEFT = rule("announcement_nothing_left", "本批次的申报均已退出（未通过或已撤回），不能公布")
CO_SIGN_BY_ANNOUNCEMENT = rule(
    "co_sign_by_announcement", "该申报由公布批次联合公布，请在公布批次中会签（各部门对整个批次会签一次）"
)
CO_SIGN_BY_BATCH_ONLY = rule(
    "co_sign_by_batch_only",
    "本申请须通过公布批次会签：请由{owner_label}将其编入公布批次，各部门在批次中会签一次",
)
ANNOUNCEMENT_NOT_A_SIGNER = rule("announcement_not_a_signer", "本批次的公布文件由{signers}签署")
ANNOUNCEMENT_MIXED_PROGRAMS = rule("announcement_mixed_programs", "同一公布批次的申报须属于同一评定项目、同一城市")
