"""Batch acts (批量办理): one act repeated over many applications, where the procedure repeats it (a department
co-signs several announcements, a county passes several declarations, a city passes several, the plaques are
awarded). Each application's act is the very call one act makes (the API's route function: admission, the
workflow's update, the refusals); a refusal of one item is that item's result and does not stop the others."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from temporalio.client import Client

from api.routes import acts as acts_api
from schemas.models import ActOutcome, AwardCreate, CoSignatureCreate, ReviewCreate
from services.refusals import Refusal
from state.domain import Act, Actor, Role, Stage
from state.labels import STAGES

MAX_BATCH = 100
OK_MESSAGE = "办理成功"
Call = Callable[[str, Any, Actor, acts_api.Workflows], Awaitable[ActOutcome]]


@dataclass(frozen=True)
class BatchAct:
    act: Act
    name: str  # in Chinese, as the 待办 names it
    roles: tuple[Role, ...]
    fields: tuple[str, ...]  # the fields given once for the whole batch
    per_item: tuple[str, ...]  # the fields each application has its own of (a plaque's number)
    body: Callable[[Mapping[str, Any]], BaseModel]
    call: Call


BATCH_ACTS = {
    b.act.value: b
    for b in (
        BatchAct(
            Act.county_review_pass,
            "县级审核通过",
            (Role.county_bureau,),
            ("opinion",),
            (),
            lambda f: ReviewCreate.model_validate({"decision": "pass", "opinion": f.get("opinion")}),
            lambda i, b, a, on: acts_api.county_review(i, b, a, on),
        ),
        BatchAct(
            Act.city_review_pass,
            "市级评审通过",
            (Role.city_reviewer,),
            ("opinion",),
            (),
            lambda f: ReviewCreate.model_validate({"decision": "pass", "opinion": f.get("opinion")}),
            lambda i, b, a, on: acts_api.city_review(i, b, a, on),
        ),
        BatchAct(
            Act.co_sign,
            "会签",
            (Role.department,),
            ("document_no",),
            (),
            lambda f: CoSignatureCreate.model_validate({"document_no": f.get("document_no")}),
            lambda i, b, a, on: acts_api.co_sign(i, b, a, on),
        ),
        BatchAct(
            Act.award,
            "授牌",
            (Role.county_bureau, Role.city_reviewer),
            ("awarded_on",),
            ("plaque_no",),
            lambda f: AwardCreate.model_validate({"plaque_no": f.get("plaque_no"), "awarded_on": f.get("awarded_on")}),
            lambda i, b, a, on: acts_api.award(i, b, a, on),
        ),
    )
}
# A refusal's stable rule where the API names none.
RULE_BY_STATUS = {403: "forbidden", 404: "not_found", 409: "act_not_allowed", 422: "invalid_input"}
MESSAGE_BY_STATUS = {
    403: "您的角色、所属县区或部门无权办理此事项",
    404: "未找到该申报，或不在您的查看范围内",
    409: "当前状态不允许此操作",
    422: "填写有误",
}


@dataclass
class ItemResult:
    application_id: str
    ok: bool
    status: Stage | None  # the application's state after the act (or where the refusal found it)
    message: str  # 办理成功, or the refusal in Chinese
    rule: str | None  # the refusal's stable rule
    refusal: Refusal | None = None  # for the page, which explains it in its own words


def refusal_rule(refusal: Refusal) -> str:
    return str(refusal.extra.get("rule") or RULE_BY_STATUS.get(refusal.status, "refused"))


def refusal_message(refusal: Refusal) -> str:
    """The refusal in Chinese: the API's own message where it is Chinese, else its kind and the state."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in refusal.message):
        return refusal.message
    text = MESSAGE_BY_STATUS.get(refusal.status, "服务暂不可用，请稍后重试")
    state = refusal.extra.get("state")
    if refusal.status == 409 and state in {s.value for s in Stage}:
        text += f"（当前状态：{STAGES[Stage(state)]}）"
    return text


FIELD_NAMES = {"opinion": "意见", "document_no": "文号", "plaque_no": "牌匾编号", "awarded_on": "授牌日期"}


def bodies(
    batch: BatchAct,
    ids: list[str],
    fields: Mapping[str, Any],
    own: Mapping[str, Mapping[str, Any]],
    whole: bool = True,
) -> dict[str, BaseModel | Refusal]:
    """Each application's body (the single act's own model), before any act. A field missing or wrong refuses that
    application (its result), naming the field in Chinese; with ``whole`` (the page's form), a field given once for
    the batch refuses the whole batch instead (422, nothing done)."""
    out: dict[str, BaseModel | Refusal] = {}
    for application_id in dict.fromkeys(ids):  # each once, in the order given
        try:
            out[application_id] = batch.body({**fields, **own.get(application_id, {})})
        except ValidationError as e:
            first = e.errors()[0]
            field = str(first["loc"][0]) if first["loc"] else "body"
            name = FIELD_NAMES.get(field, field)
            blank = first["type"] in ("missing", "string_type") or first["input"] in (None, "")
            message = f"请填写{name}" if blank else f"{name}填写有误"
            refusal = Refusal(422, message, field=field, rule="required" if blank else "invalid_input")
            if whole and field not in batch.per_item:
                raise refusal from None
            out[application_id] = refusal
    return out


async def perform_batch(
    batch: BatchAct, bodies: Mapping[str, BaseModel | Refusal], actor: Actor, client: Client, database_url: str
) -> list[ItemResult]:
    """Each application's act in turn (one after another: the department's document number is checked against the
    signatures before it), each refusal recorded and the rest carried on."""
    on = acts_api.Workflows(client, database_url)
    results: list[ItemResult] = []
    for application_id, body in bodies.items():
        try:
            if isinstance(body, Refusal):
                raise body
            outcome = await batch.call(application_id, body, actor, on)
        except Refusal as r:
            state = r.extra.get("state")
            stage = Stage(state) if state in {s.value for s in Stage} else None
            results.append(ItemResult(application_id, False, stage, refusal_message(r), refusal_rule(r), r))
        else:
            results.append(ItemResult(application_id, True, outcome.state, OK_MESSAGE, None))
    return results
