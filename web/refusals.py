"""A refusal said in Chinese: its kind (state/labels.py), what the procedure allows now (the state, the caller's
acts, the rule the machine names), and which form fields are at fault. The API's own message (English, with codes)
is written to the log beside the page's words, so that the two can always be compared; the page does not show it."""

import logging
import re
from dataclasses import dataclass, field

from fastapi import Request
from starlette.responses import Response

from services.refusals import Refusal
from state import eligibility
from state.domain import Act, Stage
from state.labels import ACTS, REFUSAL_KINDS, STAGES, rule_text
from web.render import page

log = logging.getLogger(__name__)

KIND_BY_STATUS = {
    401: "Unauthenticated",
    403: "Forbidden",
    404: "NotFound",
    405: "ActNotAllowed",
    409: "ActNotAllowed",
    413: "TooLarge",
    414: "TooLarge",
    422: "InvalidInput",
    429: "RateLimited",
    503: "Unavailable",
}
_CONDITIONS = {c.code: c.text_zh for c in vars(eligibility).values() if isinstance(c, eligibility.Condition)}
# Rules the API names (``rule``), in the notice's words.
RULE_MESSAGES = {
    "unknown_county": "县区不在本市县区之列",
    "required": "此项必填",
    "phone_format": "联系电话应为11位手机号或0539-xxxxxxx",
    "future_date": "日期不能晚于今天",
    "county_title_required": "市级申报须填写县级标杆机构称号的文号和日期（须已被评定为县级就业服务质量标杆机构）",
    "county_title_not_on_record": "未查到该机构的县级标杆机构称号记录（须已被评定为县级就业服务质量标杆机构）",
    "county_title_mismatch": "填写的县级标杆机构称号文号或日期与记录不符",
    "declaration_window": "不在该批次的申报时间内",
    "idempotency_key_reused": "此表单已提交过另一份申报，请重新打开申报表",
    "no_period_for_notice": "尚未设定评定周期和名额，请联系管理员",
    "no_quota_for_notice": "尚未设定评定周期和名额，请联系管理员",
    **_CONDITIONS,
}
SETUP_RULES = ("no_period_for_notice", "no_quota_for_notice")
# 422s that are no mistake in what was typed: titled by what they are, not 填写有误.
NOT_MISTAKES = {"declaration_window": "不在申报时间内"}
# What the workflow says of a field, by the words of its (English) message.
MESSAGE_PATTERNS = (
    ("is required and must not be blank", "此项必填"),
    ("before the announcement", "授牌日期不能早于公布日期"),
    ("in the future", "日期不能晚于今天"),
    ("sign one joint document", "三部门会签同一份联合发文：文号须与先会签的部门一致"),
    ("at least one of", "书面评审、现场答辩、实地考察至少评一项"),
    ("must be between 0 and 100", "评分应在0至100之间"),
    ("already has a finding", "该异议已有调查核实结论"),
    ("does not exist on this application", "该申报没有这条异议"),
    ("already filed for", "本年度已备案；如需修改，请提交更正"),
    ("the records changed since the draft was reviewed", "备案内容已随记录变化，请核对新的备案内容后再确认"),
    ("nothing is filed yet", "尚未备案，请先确认备案"),
    ("has already scored this application", "您已对该候选机构评分，评分提交后不能修改"),
)
_CHINESE_HEAD = re.compile(r"[\u4e00-\u9fff]")
_CHINESE_TAIL = re.compile(r"\(([^()]*[\u4e00-\u9fff][^()]*)\)\s*$")
_RULE = re.compile(r"\[rule: (\w+)\]")


@dataclass
class Explained:
    status: int
    kind: str  # 当前状态不允许此操作, 填写有误, …
    lines: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)  # the form's field -> what is wrong with it
    api_message: str = ""


class PageRefusal(Exception):
    """Raised by a page: answered with the refusal page (web.app installs the handler)."""

    def __init__(self, refusal: Refusal, title: str = "") -> None:
        super().__init__(refusal.message)
        self.refusal = refusal
        self.title = title


def problem_message(rule: str, message: str) -> str:
    """One field's problem in Chinese."""
    if rule.startswith("credit_code_"):
        found = _CHINESE_TAIL.search(message)
        return found.group(1) if found else "统一社会信用代码有误"
    if rule in RULE_MESSAGES:
        return RULE_MESSAGES[rule]
    for words, chinese in MESSAGE_PATTERNS:
        if words in message:
            return chinese
    if _CHINESE_HEAD.match(message):  # the API said it in Chinese (a missing material, a file to resupply, …)
        return message
    return "填写有误"


def _field_name(path: str) -> str:
    """``institution.credit_code`` -> ``credit_code``: the form's field names are the last part."""
    return path.rsplit(".", 1)[-1]


def explain(refusal: Refusal) -> Explained:
    status = refusal.status
    kind = REFUSAL_KINDS[KIND_BY_STATUS.get(status, "Unavailable")]
    extra = refusal.extra
    out = Explained(status=status, kind=kind, api_message=refusal.message)
    log.info("refused %s %s: %s", status, extra.get("rule", ""), refusal.message)
    if status == 409 and extra.get("rule") == "idempotency_key_reused":
        out.kind = REFUSAL_KINDS["Conflict"]
        out.lines.append(RULE_MESSAGES["idempotency_key_reused"])
        return out
    said_in_chinese = bool(_CHINESE_HEAD.match(refusal.message))
    if status == 422 and extra.get("rule") in NOT_MISTAKES:
        out.kind = NOT_MISTAKES[str(extra["rule"])]
    if status == 409:
        if said_in_chinese and extra.get("rule") not in SETUP_RULES:  # the API said why in Chinese (尚未公布：…)
            out.lines.append(refusal.message)
        if extra.get("rule") in SETUP_RULES:  # not the clerk's mistake: the admin has a setup step to do
            out.lines.append(RULE_MESSAGES[str(extra["rule"])])
        state = extra.get("state")
        if state in {s.value for s in Stage}:
            out.lines.append(f"当前状态：{STAGES[Stage(state)]}")
        allowed = [ACTS[Act(a)] for a in extra.get("allowed_acts", []) if a in {x.value for x in Act}]
        out.lines.append(f"您现在可以办理：{'、'.join(allowed)}" if allowed else "您现在没有可以办理的事项")
        rule = _RULE.search(refusal.message)
        if rule:
            try:
                out.lines.append(f"相关规则：{rule_text(rule.group(1))}")
            except KeyError:
                pass
        for words, chinese in MESSAGE_PATTERNS:
            if words in refusal.message:
                out.lines.insert(0, chinese)
        if "objections are no longer accepted" in refusal.message:
            out.lines.insert(0, "公示期已结束，不再受理异议")
    elif status == 403 and extra.get("rule") == "separation_of_duties":
        out.lines.append(
            refusal.message
            if refusal.message.startswith("职责分离")
            else "职责分离：申报人不能审核、退回补正或评分本人申报的申请，也不能对其异议作出核实结论，请由本局其他工作人员办理"
        )
    elif status == 403:
        out.lines.append(refusal.message if said_in_chinese else "您的角色、所属县区或部门无权办理此事项")
    elif status == 404:
        out.lines.append("未找到，或不在您的查看范围内")
    elif status == 422:
        problems = extra.get("problems") or []
        if not problems and extra.get("field"):
            problems = [{"field": extra["field"], "rule": extra.get("rule", ""), "message": refusal.message}]
        for p in problems:
            text = problem_message(str(p.get("rule", "")), str(p.get("message", "")))
            out.fields.setdefault(_field_name(str(p.get("field", ""))), text)
        if not out.fields:
            out.lines.append(problem_message(str(extra.get("rule", "")), refusal.message))
    elif status == 413:
        out.lines.append(refusal.message)  # a size or a count of parts, said in Chinese where it is refused
    elif status == 405:
        out.lines.append("此处不能这样办理，请从页面上的按钮办理")
    elif status == 414:
        out.lines.append("网址过长，请缩短查询条件后重试")
    elif status == 429:
        out.lines.append("提交过于频繁，请稍后再试")
    else:
        out.lines.append("服务暂不可用，请稍后重试")
    return out


def refusal_page(request: Request, refusal: Refusal, title: str = "") -> Response:
    explained = explain(refusal)
    context = {"title": title or explained.kind, "explained": explained, "lines": explained.lines}
    response = page(request, "error.html", context, explained.status)
    if refusal.headers and "Retry-After" in refusal.headers:  # a 503 or 429 says when to try again
        response.headers["Retry-After"] = refusal.headers["Retry-After"]
    return response
