"""Batch acts (批量办理): one act repeated over many applications, where the procedure repeats it (a department
co-signs several announcements, a county passes several declarations, a city passes several, the plaques are
awarded). Each application's act is the very service one act is (services/acts.py: admission, the workflow's
update, the refusals); a refusal of one item is that item's result and does not stop the others."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from contracts.rules.applications import BATCH_FIELD_INVALID, BATCH_NOT_FOR_ROLE, NO_BATCH_ACT
from contracts.rules.schema import REQUIRED as BATCH_FIELD_REQUIRED
from schemas.models import AwardCreate, CoSignatureCreate, ReviewCreate
from services import acts
from services.context import Context
from services.refusals import Refusal
from state.domain import Act, Actor, Role, Stage
from state.labels import REFUSAL_KINDS, STAGES

MAX_BATCH = 100
OK_MESSAGE = "办理成功"
Perform = Callable[[Context, Actor, str, Any], Awaitable[acts.Done]]


@dataclass(frozen=True)
class BatchAct:
    act: Act
    name: str  # in Chinese, as the 待办 names it
    roles: tuple[Role, ...]
    model: type[BaseModel]  # the single act's body
    fields: tuple[str, ...]  # the fields given once for the whole batch
    perform: Perform  # the single act's service, given the body
    per_item: tuple[str, ...] = ()  # the fields each application has its own of (a plaque's number)
    fixed: tuple[tuple[str, Any], ...] = ()  # what the act itself says of its body (a review that passes)

    def body(self, given: Mapping[str, Any]) -> BaseModel:
        return self.model.model_validate({**dict(self.fixed), **{k: given.get(k) for k in self.fields + self.per_item}})


BATCH_ACTS = {
    b.act.value: b
    for b in (
        BatchAct(
            Act.county_review_pass, "县级审核通过", (Role.county_bureau,), ReviewCreate, ("opinion",),
            lambda ctx, a, i, b: acts.county_review(ctx, a, i, True, b.opinion), fixed=(("decision", "pass"),),
        ),
        BatchAct(
            Act.city_review_pass, "市级评审通过", (Role.city_reviewer,), ReviewCreate, ("opinion",),
            lambda ctx, a, i, b: acts.city_review(ctx, a, i, True, b.opinion), fixed=(("decision", "pass"),),
        ),
        BatchAct(
            Act.co_sign, "会签", (Role.department,), CoSignatureCreate, ("document_no",),
            lambda ctx, a, i, b: acts.co_sign(ctx, a, i, b.document_no),
        ),
        BatchAct(
            Act.award, "授牌", (Role.county_bureau, Role.city_reviewer), AwardCreate, ("awarded_on",),
            lambda ctx, a, i, b: acts.award(ctx, a, i, b.plaque_no, b.awarded_on), per_item=("plaque_no",),
        ),
    )
}  # fmt: skip
FIELD_NAMES = {"opinion": "意见", "document_no": "文号", "plaque_no": "牌匾编号", "awarded_on": "授牌日期"}


@dataclass
class ItemResult:
    application_id: str
    ok: bool
    status: Stage | None  # the application's state after the act (or where the refusal found it)
    message: str  # 办理成功, or the refusal's Chinese message
    rule: str | None  # the refusal's stable rule
    refusal: Refusal | None = None  # for the page, which explains it beside the item


# Until every workflow refusal is said in Chinese (workflows/), an English one is said by its kind and the state.
KIND_BY_STATUS = {403: "Forbidden", 404: "NotFound", 409: "ActNotAllowed", 422: "InvalidInput"}
RULE_BY_STATUS = {403: "forbidden", 404: "not_found", 409: "act_not_allowed", 422: "invalid_input"}


def rule_of(refusal: Refusal) -> str:
    return str(refusal.extra.get("rule") or RULE_BY_STATUS.get(refusal.status, "refused"))


def in_chinese(refusal: Refusal) -> str:
    if "\u4e00" <= refusal.message.lstrip()[:1] <= "\u9fff":  # opens in Chinese (English may quote a 文号)
        return refusal.message
    text = REFUSAL_KINDS[KIND_BY_STATUS.get(refusal.status, "Unavailable")]
    state = refusal.extra.get("state")
    if refusal.status == 409 and state in {s.value for s in Stage}:
        text += f"（当前状态：{STAGES[Stage(state)]}）"
    return text


def batch_act(actor: Actor, name: str) -> BatchAct:
    """The batched act called ``name``, if ``actor``'s role may batch it (404 no_batch_act, 403 batch_not_for_role)."""
    batch = BATCH_ACTS.get(name)
    if batch is None:
        raise Refusal(404, NO_BATCH_ACT)
    if actor.role not in batch.roles:
        raise Refusal(403, BATCH_NOT_FOR_ROLE, act=batch.name)
    return batch


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
            blank = first["type"] in ("missing", "string_type") or first["input"] in (None, "")
            said = BATCH_FIELD_REQUIRED if blank else BATCH_FIELD_INVALID
            refusal = Refusal(422, said, field=field, name=FIELD_NAMES.get(field, field))
            if whole and field not in batch.per_item:
                raise refusal from None
            out[application_id] = refusal
    return out


async def perform_batch(
    ctx: Context, actor: Actor, batch: BatchAct, bodies: Mapping[str, BaseModel | Refusal]
) -> list[ItemResult]:
    """Each application's act in turn (one after another: the department's document number is checked against the
    signatures before it), each refusal recorded and the rest carried on."""
    results: list[ItemResult] = []
    for application_id, body in bodies.items():
        try:
            if isinstance(body, Refusal):
                raise body
            done = await batch.perform(ctx, actor, application_id, body)
        except Refusal as r:
            state = r.extra.get("state")
            stage = Stage(state) if state in {s.value for s in Stage} else None
            results.append(ItemResult(application_id, False, stage, in_chinese(r), rule_of(r), r))
        else:
            results.append(ItemResult(application_id, True, done.state, OK_MESSAGE, None))
    return results
