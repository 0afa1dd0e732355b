"""名额 kept by titles awarded and released only by an admin (activities/quota.py, workflows/quota.py), and the
公示 that is issued only while something is under notice (services/notices.py)."""

from contracts.rules import rule

PLACE_RELEASE_BY_ADMIN = rule("place_release_by_admin", "已撤销称号的名额只能由系统管理员释放，当前账号为{role_label}")
PLACE_RELEASE_REASON = rule("place_release_reason", "释放名额须填写理由")
PLACE_NOT_HELD = rule("place_not_held", "该申报在评定周期{period_id}中没有占用名额，无从释放")
PLACE_NOT_REVOKED = rule(
    "place_not_revoked", "只有称号已撤销的申报可以释放名额，该申报当前为“{state_label}”，名额仍在使用"
)
NO_NOTICE_NOW = rule("no_notice_now", "当前没有公示中的机构，未发布公示名单")
