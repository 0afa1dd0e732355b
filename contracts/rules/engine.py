"""What the workflows and the machine refuse (state/, workflows/, activities/)."""

from collections.abc import Iterable

from contracts.rules import rule
from state.authority import REFUSED_TEXTS
from state.domain import Act, Stage
from state.labels import ACTS, STAGES, rule_text

# ---- who may act (state/domain.py: authority_refused, separation_refused) ---------------------------------
SEPARATION_OF_DUTIES = rule("separation_of_duties", REFUSED_TEXTS["separation_of_duties"])
ACT_FOR_ROLE = rule("act_for_role", REFUSED_TEXTS["act_for_role"])
ACT_FOR_COUNTY = rule("act_for_county", REFUSED_TEXTS["act_for_county"])
CO_SIGN_NEEDS_DEPARTMENT = rule("co_sign_needs_department", REFUSED_TEXTS["co_sign_needs_department"])
CO_SIGN_LEVEL = rule("co_sign_level", REFUSED_TEXTS["co_sign_level"])

# ---- an application's procedure (workflows/application*.py) ----------------------------------------------
ACT_NOT_ALLOWED = rule(
    "act_not_allowed", "当前状态为“{state_label}”，不能办理“{act_label}”{because}；现在可以办理：{allowed_labels}"
)


def not_allowed_facts(act: Act, state: Stage, allowed: Iterable[Act], guard: str | None = None) -> dict[str, object]:
    """The facts of ``ACT_NOT_ALLOWED``: the act, the state, the machine's rule that stops it (``guard``, when one
    does) and the acts allowed now, by value and in Chinese; the API says a 409 with the same facts."""
    offered = list(allowed)
    return {
        "act": act.value,
        "act_label": ACTS[act],
        "state": state.value,
        "state_label": STAGES[state],
        "guard": guard,
        "because": f"（{rule_text(guard)}）" if guard else "",
        "allowed_acts": [a.value for a in offered],
        "allowed_labels": "、".join(ACTS[a] for a in offered) or "无",
    }


ACT_TEXT_REQUIRED = rule("act_text_required", "请填写{field_label}，不能为空")
DECLARATION_INVALID = rule("declaration_invalid", "申报信息有{count}处不符合要求：{summary}")
NOTICE_PERIOD_ENDED = rule("notice_period_ended", "公示期已于{ends_label}结束，不再受理异议")
OBJECTIONS_PENDING_PER_CONTACT = rule(
    "objections_pending_per_contact", "同一联系方式已有{pending}件异议待调查核实，请待核实结论后再提出"
)
OBJECTIONS_PENDING_PER_NETWORK = rule(
    "objections_pending_per_network",
    "同一网络已提交{pending}件待调查核实的异议，请待核实结论后再提出，或通过公示所列电话、地址提出",
)
OBJECTIONS_PENDING_CAP = rule("objections_pending_cap", "该机构已有{pending}件异议待调查核实，请待核实结论后再提出")
OBJECTION_NOT_FOUND = rule("objection_not_found", "本申请没有这条异议")
OBJECTION_ALREADY_FOUND = rule("objection_already_found", "该异议已有调查核实结论（{finding_label}）")
CO_SIGN_ONE_DOCUMENT = rule(
    "co_sign_one_document",
    "三个部门会签同一份公布文件：{first_department_label}会签的文号为{first_document_no}，不是{document_no}",
)
NOTICE_NOT_IN_FUTURE = rule("notice_not_in_future", "公示发布日期{published_on}晚于今天（{today}）：不得填写将来的日期")
NOTICE_NOT_BEFORE_REVIEW = rule(
    "notice_not_before_review",
    "公示发布日期{published_on}早于审核（择优）确定之日{reviewed_on}：公示须在审核通过之后发布",
)
LATE_NOTICE_NEEDS_SOURCE_URL = rule(
    "late_notice_needs_source_url", "公示发布日期{published_on}早于今天（{today}），属补录：须填写公示发布的网页地址"
)
SOURCE_URL_HTTP = rule("source_url_http", "公示发布的网页地址须以 {schemes} 开头")
AWARD_NOT_IN_FUTURE = rule("award_not_in_future", "授牌日期{awarded_on}晚于今天（{today}）：不得填写将来的日期")
AWARD_BEFORE_ANNOUNCEMENT = rule("award_before_announcement", "授牌日期{awarded_on}早于公布日期{announced_on}")
SCORE_MISSING = rule("score_missing", "书面评审、答辩、实地核查至少须评一项分")
SCORE_RANGE = rule("score_range", "{field_label}评分须在{low}到{high}分之间，填写的是{value}")
ALREADY_SCORED = rule("already_scored", "评审人员{reviewer}已对本申请评过分")
IDENTITY_CHANGED = rule("identity_changed", "补正不能更换申报机构：{field_label}不能修改")
URGE_NOT_PERMITTED = rule("urge_not_permitted", "只有市人社局评审人员或监督人员可以催办")
URGE_TO = rule("urge_to", "催办对象须为县区人社局或会签部门")
URGE_NOTE_BLANK = rule("urge_note_blank", "请填写催办说明")
NOTHING_OWED = rule("nothing_owed", "{party}目前没有待办理的事项，无需催办")

# ---- county filings (workflows/filing.py) -------------------------------------------------------------
FILING_BY_OWN_COUNTY = rule("filing_by_own_county", "{county}的备案由{county}人社局报送")
FILING_ALREADY_FILED = rule(
    "filing_already_filed", "{county}{year}年度已于{filed_at}备案（第{version}版），如需修改请提交更正"
)
FILING_DIGEST_REQUIRED = rule("filing_digest_required", "请先核对备案表草稿后再提交（缺少所核对草稿的摘要）")
FILING_NOTHING_FILED = rule("filing_nothing_filed", "尚未备案，请先备案")
FILING_CORRECTION_REASON = rule("filing_correction_reason", "更正须说明理由")
FILING_DRAFT_CHANGED = rule("filing_draft_changed", "核对草稿之后记录有变化：请核对新的草稿后再确认")

# ---- rounds (workflows/round.py, activities/rounds.py) ------------------------------------------------
ROUND_PLAN_INVALID = rule("round_plan_invalid", "评定批次设置有误：{summary}")
SELECTION_FAILED = rule("selection_failed", "无法确定择优结果：{problem}")
ROUND_CLOSED_BY_CITY = rule("round_closed_by_city", "市级评定批次的评审由市人社局评审人员结束，当前账号为{role_label}")
ROUND_CLOSED_BY_COUNTY = rule("round_closed_by_county", "本县级评定批次的评审由{owner_county}人社局结束")
ROUND_NOT_REVIEWING = rule("round_not_reviewing", "评定批次只能在评审中结束评审，当前为“{phase_label}”{closing}")
ROUND_DECISION_REFUSED = rule("round_decision_refused", "一项申报未能按择优结果办理：{reason}")
ROUND_NO_QUOTA = rule("round_no_quota", "评定周期{period_id}尚未设定{level_label}名额")

# ---- periods and quotas (workflows/quota.py, activities/quota.py, activities/places.py) ---------------------
PERIOD_BY_ADMIN = rule("period_by_admin", "评定周期由系统管理员设定，当前账号为{role_label}")
PERIOD_YEARS = rule(
    "period_years", "评定周期的起止年份须在2000至2100年之间且起不晚于止，填写的是{start_year}—{end_year}"
)
PERIOD_UNKNOWN = rule("period_unknown", "评定周期{period_id}尚未设定，请先由系统管理员设定")
QUOTA_BY_ADMIN = rule("quota_by_admin", "名额由系统管理员设定，当前账号为{role_label}")
QUOTA_TOTALS_REQUIRED = rule("quota_totals_required", "至少须设定一项名额")
QUOTA_SCOPE_UNKNOWN = rule("quota_scope_unknown", "“{scope}”不在{level_label}名额的范围之内；可设定：{known}")
QUOTA_TOTAL_WHOLE = rule("quota_total_whole", "{scope}的名额须为不小于0的整数，填写的是{total}")
QUOTA_CITY_RESERVER = rule("quota_city_reserver", "市级名额由市人社局评审人员预留，当前账号为{role_label}")
QUOTA_COUNTY_RESERVER = rule("quota_county_reserver", "{scope}的县级名额由{scope}人社局预留")
QUOTA_NOT_SET = rule("quota_not_set", "评定周期{period_id}未设定{scope}的{level_label}名额")
QUOTA_LISTED_TWICE = rule("quota_listed_twice", "同一申请不能列两次")
NO_PERIOD_FOR_NOTICE = rule(
    "no_period_for_notice",
    "尚未设定评定周期和名额，请联系管理员（没有覆盖{year}年的评定周期，无从核定{level_label}名额）",
)
NO_QUOTA_FOR_NOTICE = rule("no_quota_for_notice", "尚未设定评定周期和名额，请联系管理员（{which}尚未设定）")
QUOTA_FULL = rule("quota_full", "{where}已满：共 {total} 个，已用 {used} 个，没有剩余名额")

# ---- standards (workflows/standards.py) --------------------------------------------------------------
STANDARDS_SETTER = rule(
    "standards_setter", "{county}的县级评定标准（附件5）只能由系统管理员或{county}人力资源社会保障局设定"
)
UNKNOWN_COUNTY = rule("unknown_county", "县区不在本市县区之列：{county}")  # also a county filing's
REASON_REQUIRED = rule("reason_required", "请填写设定依据")
TOO_MANY_CONDITIONS = rule("too_many_conditions", "一个县区最多设定{limit}项评定条件")
CONDITION_CODE_FORMAT = rule("condition_code_format", "条件编号“{code}”须为1至64个小写字母、数字或下划线")
CONDITION_CODE_RESERVED = rule(
    "condition_code_reserved", "条件编号“{code}”不能以 {reserved} 开头（为通知所列基本条件和市级条件保留）"
)
CONDITION_CODE_DUPLICATED = rule("condition_code_duplicated", "条件编号“{code}”重复")
CONDITION_CODE_RETIRED = rule("condition_code_retired", "条件编号“{code}”已停用，不能再次使用；请为新条件另起编号")
CONDITION_TEXT_REQUIRED = rule("condition_text_required", "条件“{code}”的内容必填")
CONDITION_TEXT_CHINESE = rule("condition_text_chinese", "条件“{code}”的内容须用中文表述")
CONDITION_TEXT_TOO_LONG = rule("condition_text_too_long", "条件“{code}”的内容不能超过{limit}字")
CONDITION_TYPES_REQUIRED = rule("condition_types_required", "条件“{code}”至少适用于一类机构")

# ---- activities ---------------------------------------------------------------------------------------
UNSTORABLE_VALUE = rule("unstorable_value", "数据超出可保存的范围，无法记录（重试也不会成功）：{cause}")
DELIVERY_FAILED = rule("delivery_failed", "{count}项通知未能送达（第{attempt}次尝试）：{errors}")
