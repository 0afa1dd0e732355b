"""``/me/phone``: the caller's mobile number for SMS (短信) and their switch for texts (services/phones.py)."""

from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from api.deps import CurrentUser, ServiceContext
from api.errors import documented
from contracts.rules.administration import PHONE_NOT_MOBILE
from db.phones import MOBILE_INPUT, UserPhone, masked, mobile
from schemas.fields import FORBID
from services import phones

router = APIRouter(tags=["preferences"])


class PhonePublic(BaseModel):
    phone: str | None = Field(description="masked (138****5678); null when none is kept")
    sms: bool = Field(description="whether to-dos, reminders and urges are texted to it")


def _mobile(value: str) -> str:
    if mobile(value) is None:
        raise PydanticCustomError(PHONE_NOT_MOBILE.code, PHONE_NOT_MOBILE.text)
    return value


class PhoneSet(BaseModel):
    model_config = FORBID
    phone: Annotated[str, AfterValidator(_mobile)] = Field(
        description="a mainland mobile number: 11 digits starting with 1 (spaces or dashes between them, +86 before)",
        max_length=40,
        json_schema_extra={"pattern": f"^{MOBILE_INPUT}$"},
    )
    sms: bool = True


def shown(row: UserPhone | None) -> PhonePublic:
    return PhonePublic(phone=masked(row.phone), sms=row.sms) if row else PhonePublic(phone=None, sms=False)


@router.get(
    "/me/phone",
    response_model=PhonePublic,
    summary="The caller's mobile number for SMS, masked",
    responses=documented(401),
)
def my_phone(actor: CurrentUser, ctx: ServiceContext) -> PhonePublic:
    return shown(phones.my_phone(actor, ctx))


@router.put(
    "/me/phone",
    response_model=PhonePublic,
    summary="Keep the caller's mobile number for SMS and turn texts on or off",
    responses=documented(401, rules={422: ("phone_not_mobile",)}),
)
def keep_phone(body: PhoneSet, actor: CurrentUser, ctx: ServiceContext) -> PhonePublic:
    return shown(phones.keep_phone(actor, ctx, body.phone, body.sms))


@router.delete(
    "/me/phone",
    status_code=204,
    summary="Forget the caller's mobile number: nothing is texted",
    responses=documented(401),
)
def forget_phone(actor: CurrentUser, ctx: ServiceContext) -> Response:
    phones.forget_phone(actor, ctx)
    return Response(status_code=204)
