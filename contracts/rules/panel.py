"""评审组 (a round's review panel): who sits on it, who may score, recusals (回避) and early closures."""

from contracts.rules import rule

PANEL_TOO_SMALL = rule("panel_too_small", "评审组成员须至少{panel_min}名，现为{given}名")
PANEL_MIN_TOO_LOW = rule("panel_min_too_low", "评审组最少人数须在3至50之间")
PANEL_MEMBER_UNKNOWN = rule("panel_member_unknown", "评审组成员中有账号不存在")
PANEL_MEMBER_INACTIVE = rule("panel_member_inactive", "评审组成员{name}的账号已停用")
PANEL_MEMBER_ROLE = rule(
    "panel_member_role", "评审组成员{name}不能参加本批次评审：须为{where}的评审人员、发展改革委或民政局账号"
)
PANEL_MEMBER_TWICE = rule("panel_member_twice", "评审组成员{name}重复列出")
PANEL_NEEDS_DEPARTMENTS = rule("panel_needs_departments", "评审组须至少包括{where}发展改革委和民政局各一名成员")
PANEL_NEEDS_BUREAU = rule("panel_needs_bureau", "评审组须至少包括{where}人社局的一名评审人员")
NOT_ON_PANEL = rule("not_on_panel", "您不是本批次评审组成员，不能评分或申请回避")
RECUSED_NO_SCORE = rule("recused_no_score", "您已申请回避该候选机构，不能再对其评分")
RECUSAL_AFTER_SCORE = rule("recusal_after_score", "您已对该候选机构评分，不能再申请回避")
RECUSAL_TWICE = rule("recusal_twice", "您已申请回避该候选机构")
RECUSAL_REASON = rule("recusal_reason", "请填写回避的理由")
RECUSAL_NOT_CANDIDATE = rule("recusal_not_candidate", "该申请不是本批次的候选机构")
RECUSAL_NOT_REVIEWING = rule("recusal_not_reviewing", "本批次不在评审阶段，不能申请回避")
SCORE_OCCASION_REQUIRED = rule("score_occasion_required", "{method}评分须填写日期和地点")
SCORE_EVERY_METHOD = rule("score_every_method", "本批次的评审组成员须对{methods}逐项评分")
