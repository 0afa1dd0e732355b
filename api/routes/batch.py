"""Batch acts (批量办理) for the bureaus' own systems: one act over many applications, each performed exactly as the
single act is (services/batch.py), each with its own result. A wrong request (an act that is not batched, a role
that may not do it, a missing field, more than 100 applications) is refused as a whole and changes nothing; a
refusal of one application is that application's result and does not stop the others."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field, StringConstraints

from api.deps import CurrentUser, ServiceContext
from api.errors import ON_ACT, documented
from schemas.fields import FORBID, ID_PATTERN, IsoDate, Text100, Text5000
from services.batch import MAX_BATCH, batch_act, bodies, perform_batch
from state.domain import Stage

router = APIRouter(tags=["acts"])


class BatchActCreate(BaseModel):
    model_config = FORBID
    act: Literal["county_review_pass", "city_review_pass", "co_sign", "award"] = Field(
        description="the act repeated: county_review_pass / city_review_pass (opinion), co_sign (document_no), "
        "award (awarded_on, and plaque_nos: each application's plaque number); an application the act's fields do "
        "not suffice for is refused as its own result (rule required)"
    )
    applications: list[Annotated[str, StringConstraints(pattern=ID_PATTERN)]] = Field(
        min_length=1, max_length=MAX_BATCH, description="the applications' ids, at most 100"
    )
    opinion: Text5000 | None = None
    document_no: Text100 | None = None
    awarded_on: IsoDate | None = None
    plaque_nos: dict[str, Text100] | None = Field(default=None, description="award: application id -> plaque number")


class BatchItem(BaseModel):
    application_id: str
    ok: bool
    status: Stage | None = Field(description="the application's state after the act, or where the refusal found it")
    message: str = Field(description="办理成功, or the refusal in Chinese")
    rule: str | None = Field(description="the refusal's stable rule; none when done")


class BatchOutcome(BaseModel):
    results: list[BatchItem]


@router.post(
    "/batch-acts",
    response_model=BatchOutcome,
    summary="One act over many applications (批量办理)",
    responses=documented(*ON_ACT, rules={403: ("batch_not_for_role",)}),
)
async def batch_acts(body: BatchActCreate, actor: CurrentUser, ctx: ServiceContext) -> BatchOutcome:
    batch = batch_act(actor, body.act)
    fields: dict[str, Any] = {k: getattr(body, k) for k in batch.fields}
    own = {i: {"plaque_no": n} for i, n in (body.plaque_nos or {}).items()}
    results = await perform_batch(ctx, actor, batch, bodies(batch, body.applications, fields, own, whole=False))
    return BatchOutcome(
        results=[
            BatchItem(application_id=r.application_id, ok=r.ok, status=r.status, message=r.message, rule=r.rule)
            for r in results
        ]
    )
