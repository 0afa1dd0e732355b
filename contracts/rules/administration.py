"""Rounds, periods and quotas, filings, standards, the calendar, notifications, preferences, users."""

from contracts.rules import RULES, Rule, rule

# ---- who may (the pages' admission, the rounds' owners) ---------------------------------------------------------
ROUND_READERS = rule("round_readers", "评定批次仅供{readers}查看，{role}无权查看")
CITY_ROUND_OWNER = rule("city_round_owner", "该批次只能由其主办单位办理：市级评定批次由市人社局评审人员办理")
COUNTY_ROUND_OWNER = rule(
    "county_round_owner", "该批次只能由其主办单位办理：{county}的县级评定批次由{county}人社局办理"
)

# ---- rounds ---------------------------------------------------------------------------------------------------
ROUND_PLAN = rule("round_plan", "批次设定有误：{listed}")
ROUND_NAME_REQUIRED = rule("round_name_required", "批次编号和名称必填")
WINDOW_TIME_ZONE = rule("window_time_zone", "申报时间须填写完整的日期和时间")
WINDOW_ORDER = rule("window_order", "申报截止时间须晚于开始时间")
UNKNOWN_REVIEW_METHOD = rule("unknown_review_method", "评审方式只能是书面评审、现场答辩、实地考察")
REVIEW_METHOD_REQUIRED = rule("review_method_required", "至少设定一种评审方式的权重")
WEIGHT_POSITIVE = rule("weight_positive", "每项权重须大于0（不采用的评审方式请留空）")
WEIGHTS_SUM = rule("weights_sum", "各评审方式的权重之和须为1")
ROUND_CREATOR = rule("round_creator", "该批次只能由其主办单位创建")
REMINDER_DAYS = rule("reminder_days", "催办提醒的工作日数须在1至30之间")
REVIEWERS_REQUIRED = rule("reviewers_required", "每名候选机构的评审人数须至少为1")
UNKNOWN_PERIOD = rule("unknown_period", "评定周期{period_id}不存在，请先由系统管理员设定")
ROUND_EXISTS = rule("round_exists", "批次编号{round_id}已被使用，请换一个编号")
ROUND_NOT_FOUND = rule("round_not_found", "未找到评定批次{round_id}，或不在您的查看范围内")

# ---- periods and quotas ---------------------------------------------------------------------------------------
PERIOD_NOT_DEFINED = rule("period_not_defined", "评定周期{period_id}不存在，请先设定评定周期")
QUOTA_BELOW_USED = rule(
    "quota_below_used", "{scope_zh}{level_zh}名额不能设为{total}个：已使用{used}个名额，名额不能少于已使用数"
)
APPORTIONMENT = rule("apportionment", "名额分配无法计算：{problem}")
ADJUSTMENT_NOT_IN_SPLIT = rule("adjustment_not_in_split", "调整的县区{county}不在分配之列")
ADJUSTED_TOTAL = rule("total", "调整后的名额之和须等于总名额：现为{adjusted}个，总名额{total}个")
HISTORIC_FILE_TOO_LARGE = rule("too_large", "文件过大（上限5000000字节），请分成几个文件导入")
HISTORIC_ROWS = rule("rows", "有{count}处错误，未导入任何记录")

# ---- county standards
STANDARDS_OUT_OF_SCOPE = rule("standards_out_of_scope", "没有{county}的县级评定标准可供查看")
CONDITION_CODE_TAKEN = rule("condition_code_taken", "条件编号“{code}”已是通知所列条件的编号，请另起编号")

# ---- the yearly filing ----------------------------------------------------------------------------------------
FILING_OUT_OF_SCOPE = rule("filing_out_of_scope", "没有{county}的备案可供查看")
FILING_CLOSED = rule("filing_closed", "{county}{year}年度的备案已关闭：更正期已结束")
FILING_NOT_OPEN = rule("filing_not_open", "{county}{year}年度没有可更正的备案")
FILING_NOT_STARTED = rule("filing_not_started", "{county}{year}年度的备案尚未开始")
FILING_VERSION_UNKNOWN = rule("filing_version_unknown", "{county}{year}年度没有第{version}版备案")

# ---- the public board, the inbox, preferences, the 待办
NOTIFICATION_NOT_FOUND = rule("notification_not_found", "未找到该通知，或它不是发给您的")
PHONE_NOT_MOBILE = rule("phone_not_mobile", "手机号码须为11位数字、以1开头（如13812345678），填写的不是手机号码")
TASKS_NOT_FOR_ROLE = rule("tasks_not_for_role", "待办仅供办理申报的各业务角色查看")

# ---- rules other areas register --------------------------------------------------------------------------------
# The services say some refusals before asking a workflow that refuses the same (the engine's rules), and the public
# board's 404 is the applications area's too. Each code is registered once, by its owner: these are looked up when
# said, so the owner's text is the one used; the text here stands in only while that area's rules are not in the
# register (the texts are the owners' own).
BORROWED = {
    "period_years": "评定周期的起止年份须在2000至2100年之间且起不晚于止，填写的是{start_year}—{end_year}",
    "quota_totals_required": "至少须设定一项名额",
    "quota_scope_unknown": "“{scope}”不在{level_label}名额的范围之内；可设定：{known}",
    "quota_not_set": "评定周期{period_id}未设定{scope}的{level_label}名额",
    "round_not_reviewing": "评定批次只能在评审中结束评审，当前为“{phase_label}”{closing}",
    "filing_by_own_county": "{county}的备案由{county}人社局报送",
    "filing_draft_changed": "核对草稿之后记录有变化：请核对新的草稿后再确认",
    "reason_required": "请填写设定依据",
    "condition_text_required": "条件“{code}”的内容必填",
    "urge_not_permitted": "只有市人社局评审人员或监督人员可以催办",
    "nothing_owed": "{party}目前没有待办理的事项，无需催办",
    "not_under_notice": "该申报不在公示期内，或不存在",
}


def borrowed(code: str) -> Rule:
    """The rule ``code`` as its owner registered it; until then, with the text above (unregistered)."""
    return RULES.get(code) or Rule(code, BORROWED[code])
