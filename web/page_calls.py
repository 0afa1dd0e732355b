"""What the rounds, quotas and users pages share: admitting a user as the API's own role dependency admits them,
turning a form's text into an API body model (field errors in Chinese), and saying the API's English refusals of
rounds, periods, quotas and users in Chinese. The pages decide nothing: the API's functions do."""

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from api.deps import role_in
from services.refusals import Refusal
from state.domain import Actor, Role
from web.forms import field_errors
from web.refusals import Explained, PageRefusal, explain

# The API's messages for rounds, periods, quotas and users (English), in the notice's words.
PROBLEMS = (
    ("the window must close after it opens", "申报截止时间须晚于开始时间"),
    ("need a time zone", "申报时间须填写完整的日期和时间"),
    ("weights must add up to 1", "各评审方式的权重之和须为1"),
    ("every weight must be greater than 0", "每项权重须大于0（不采用的评审方式请留空）"),
    ("at least one review method", "至少设定一种评审方式的权重"),
    ("unknown review method", "评审方式只能是书面评审、现场答辩、实地考察"),
    ("round_id and name are required", "批次编号和名称必填"),
    ("rounds are created by", "该批次只能由其主办单位创建"),
    ("rounds are run by", "该批次只能由其主办单位办理"),
    ("is run by", "该批次只能由其主办单位办理"),
    ("review is closed by", "该批次的评审只能由其主办单位结束"),
    ("already exists", "批次编号已被使用，请换一个编号"),
    ("is not defined", "评定周期不存在，请先由系统管理员设定"),
    ("runs from start_year to end_year", "终止年度不能早于起始年度，年度在2000至2100之间"),
    ("must be a whole number", "名额应为不小于0的整数"),
    ("at least one total is required", "至少填写一个名额"),
    ("period", "评定周期不存在，请先设定评定周期"),
    ("can be closed only while the round is reviewing", "仅在评审阶段可以结束评审"),
    ("weights must be non-negative and add up to 1", "人口与绩效两项权重须不小于0且之和为1"),
    ("a weighted figure sums to zero", "加权的指标合计为0，无法分配"),
    ("a county is listed twice", "县区重复填写"),
    ("at least one county is needed", "至少填写一个县区的数据"),
    ("add up to", "调整后的名额之和须等于总名额"),
    ("which is not in the split", "调整的县区不在分配之列"),
    ("unknown county", "县区不在本市县区之列"),
    ("no quota", "尚未设定该评定周期的名额"),
)
FIELD_WORDS = {
    "opens_at": "申报开始时间",
    "closes_at": "申报截止时间",
    "weights": "评审权重",
    "period_id": "评定周期",
    "round_id": "批次编号",
}

M = TypeVar("M", bound=BaseModel)


def chinese(message: str) -> str:
    """The first known problem in ``message`` in Chinese; 填写有误 when none is known."""
    for words, text in PROBLEMS:
        if words in message:
            return text
    return "填写有误"


def said(refusal: Refusal) -> Explained:
    """web.refusals.explain, with the rounds', periods', quotas' and users' own problems said in Chinese."""
    out = explain(refusal)
    if refusal.status in (403, 404, 409, 422):
        known = [chinese(part) for part in refusal.message.split("; ") if chinese(part) != "填写有误"]
        if known and refusal.status == 422:
            field = str(refusal.extra.get("field", ""))
            out.fields = {field.rsplit(".", 1)[-1]: known[0]} if field and field != "body" else {}
            out.lines = list(dict.fromkeys(known))
        elif known:
            out.lines = [known[0], *[line for line in out.lines if line not in known]]
    return out


async def admit(actor: Actor, *roles: Role) -> None:
    """The API's own role dependency (api.deps.role_in): its 403, said as a page."""
    try:
        await role_in(*roles)(actor)
    except Refusal as refusal:
        raise PageRefusal(refusal) from None


def body_of(
    model: type[M], values: Mapping[str, Any], numbers: tuple[str, ...] = ()
) -> tuple[M | None, dict[str, str]]:
    """The API body from a form: numbers parsed (应填写数字 beside a field that is not one), then the API's own
    model validates, so the form refuses exactly what the API refuses."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, raw in values.items():
        if name in numbers:
            text = str(raw).strip()
            if not text:
                continue
            try:
                data[name] = float(text)
            except ValueError:
                errors[name] = "应填写数字"
        else:
            data[name] = raw
    if errors:
        return None, errors
    try:
        return model.model_validate(data), {}
    except ValidationError as e:
        return None, field_errors(e)


def posted(form: Mapping[str, Any]) -> dict[str, str]:
    """A form's text fields, less its CSRF token."""
    return {k: v.strip() for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
