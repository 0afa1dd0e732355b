"""``/me/phone``: the caller's mobile number for SMS (短信) and their switch for texts (services/phones.py)."""

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from api.deps import CurrentUser, ServiceContext
from api.errors import documented
from db.phones import UserPhone, masked
from schemas.fields import FORBID
from services import phones

router = APIRouter(tags=["preferences"])


class PhonePublic(BaseModel):
    phone: str | None = Field(description="masked (138****5678); null when none is kept")
    sms: bool = Field(description="whether to-dos, reminders and urges are texted to it")


class PhoneSet(BaseModel):
    model_config = FORBID
    phone: str = Field(max_length=40, description="a mainland mobile number: 11 digits starting with 1")
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
