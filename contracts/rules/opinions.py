"""会商 (state/opinions.py, workflows/application_opinions.py): the rules a county department's opinion on a
declaration may break, and the county review's pass without the departments' agreement."""

from contracts.rules import rule

OPINION_BY_DEPARTMENT = rule(
    "opinion_by_department", "县区部门意见由{county}{consulted}的账号出具，当前账号为{role_label}"
)
OPINION_BY_CONSULTED_DEPARTMENT = rule(
    "opinion_by_consulted_department",
    "县区部门意见由{consulted}出具，当前账号为{department_label}（人力资源社会保障局负责申报，不另出具部门意见）",
)
OPINION_BY_OWN_COUNTY = rule(
    "opinion_by_own_county", "{county}申报的部门意见由{county}{consulted}出具，当前账号属于{actor_county_label}"
)
OPINION_NOT_NOW = rule("opinion_not_now", "县区部门意见只能在“已申报”状态下出具或修改，当前状态为“{state_label}”")
OPINION_TEXT_REQUIRED = rule("opinion_text_required", "请填写部门意见的说明，不能为空")
OPINION_CHOICE = rule("opinion_choice", "部门意见须为同意或不同意")
COUNTY_OPINIONS_MISSING = rule(
    "county_opinions_missing",
    "县级审核通过须有{county}{consulted}的同意意见：{missing_labels}尚未出具意见；可以退回补正或审核不通过",
)
COUNTY_OPINION_DISAGREED = rule(
    "county_opinion_disagreed",
    "{disagreed_labels}的意见为不同意，县级审核不能通过；可以退回补正或审核不通过",
)
