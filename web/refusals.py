"""A refusal on a page: the refusal's own message (a rule's Chinese text, contracts/rules; the API answers the same
words), titled by its kind (state/labels.py), with what the procedure allows now (the state, the caller's acts)
for an act refused, and the form fields at fault beside their fields.

Until every workflow refusal is said in Chinese (workflows/, state/), a message with no Chinese in it is not shown:
the page says the kind's Chinese title instead, and the message goes to the log."""

import logging
import re
from dataclasses import dataclass, field

from fastapi import Request
from starlette.responses import Response

from contracts.rules import text_of
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
# Refusals that are no mistake of the one refused, titled by what they are.
TITLES = {
    "declaration_window": "不在申报时间内",
    "idempotency_key_reused": REFUSAL_KINDS["Conflict"],
    "institution_already_declared": "该机构已申报",
    "institution_already_titled": "该机构已获称号",
}
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
# What 405, 414 and 429 mean to someone at a page, whatever the answer's words.
PLAIN = {
    405: "此处不能这样办理，请从页面上的按钮办理",
    414: "网址过长，请缩短查询条件后重试",
    429: "提交过于频繁，请稍后再试",
}
# A refusal with no Chinese words (yet): what its status means.
UNSAID = {
    403: "您的角色、所属县区或部门无权办理此事项",
    404: "未找到，或不在您的查看范围内",
    409: "",  # the state and the acts allowed now say it
    422: REFUSAL_KINDS["InvalidInput"],
}


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


def in_chinese(message: str) -> bool:
    """Said in Chinese: it opens in Chinese (an English message may quote a Chinese document number)."""
    return bool(_CHINESE.match(message.lstrip()))


def problem_message(rule: str, message: str) -> str:
    """One field's problem in Chinese: its own words when Chinese, else its rule's."""
    if in_chinese(message):
        return message
    return _CONDITIONS.get(rule) or text_of(rule) or REFUSAL_KINDS["InvalidInput"]


def _field_name(path: str) -> str:
    """``institution.credit_code`` -> ``credit_code``: the form's field names are the last part."""
    return path.rsplit(".", 1)[-1]


def _procedure(out: Explained, refusal: Refusal) -> None:
    """An act refused by the procedure: where the application stands, what the caller may do now, the rule."""
    state = refusal.extra.get("state")
    if state in {s.value for s in Stage}:
        out.lines.append(f"当前状态：{STAGES[Stage(state)]}")
    if "allowed_acts" in refusal.extra:
        allowed = [ACTS[Act(a)] for a in refusal.extra["allowed_acts"] if a in {x.value for x in Act}]
        out.lines.append(f"您现在可以办理：{'、'.join(allowed)}" if allowed else "您现在没有可以办理的事项")
    guard = refusal.extra.get("guard")  # the machine's rule that was not met (state/machine.py), when one was
    if guard:
        try:
            out.lines.append(f"相关规则：{rule_text(str(guard))}")
        except KeyError:
            pass


def explain(refusal: Refusal) -> Explained:
    status, extra = refusal.status, refusal.extra
    rule = str(extra.get("rule", ""))
    kind = REFUSAL_KINDS[KIND_BY_STATUS.get(status, "Unavailable")]
    out = Explained(status=status, kind=TITLES.get(rule, kind), api_message=refusal.message)
    log.info("refused %s %s: %s", status, rule, refusal.message)
    said = refusal.message if in_chinese(refusal.message) else ""
    if status in PLAIN:
        out.lines.append(PLAIN[status])
        return out
    if status >= 500:
        out.lines.append(said or "服务暂不可用，请稍后重试")
        return out
    problems = extra.get("problems") or []
    if status == 422 and not problems and extra.get("field"):
        problems = [{"field": extra["field"], "rule": rule, "message": refusal.message}]
    for p in problems:
        text = problem_message(str(p.get("rule", "")), str(p.get("message", "")))
        out.fields.setdefault(_field_name(str(p.get("field", ""))), text)
    if not out.fields:
        words = said or text_of(rule, **extra) or UNSAID.get(status, kind)
        if words:
            out.lines.append(words)
    if status == 404 and not any(line.endswith("不在您的查看范围内") for line in out.lines):
        out.lines.append(UNSAID[404])  # whatever was not found: it may be only out of the caller's sight
    if status == 409:
        _procedure(out, refusal)
    return out


def refusal_page(request: Request, refusal: Refusal, title: str = "") -> Response:
    explained = explain(refusal)
    context = {"title": title or explained.kind, "explained": explained, "lines": explained.lines}
    response = page(request, "error.html", context, explained.status)
    if refusal.headers and "Retry-After" in refusal.headers:  # a 503 or 429 says when to try again
        response.headers["Retry-After"] = refusal.headers["Retry-After"]
    return response
