"""The caller's own mobile number for SMS (短信) and their switch for texts (db/phones.py): a user's preference, not
process state, so written directly. Under api/routes/phones.py. Each caller sees and changes only their own; the
number is shown back masked (138****5678)."""

from contracts.rules.administration import PHONE_NOT_MOBILE
from db.phones import UserPhone, mobile, phone_of, remove_phone, set_phone
from services.context import Context
from services.refusals import Refusal
from state.domain import Actor


def my_phone(actor: Actor, ctx: Context) -> UserPhone | None:
    with ctx.session() as s:
        row = phone_of(s, actor.user_id)
        if row is not None:
            s.expunge(row)
        return row


def keep_phone(actor: Actor, ctx: Context, phone: str, sms: bool = True) -> UserPhone:
    """Keep ``phone`` (a mainland mobile number: 11 digits starting with 1; spaces, dashes and +86 allowed) as the
    caller's, with texts on or off; 422 phone_not_mobile, changing nothing, for anything else."""
    kept = mobile(phone)
    if kept is None:
        raise Refusal(422, PHONE_NOT_MOBILE, field="phone")
    with ctx.session() as s:
        row = set_phone(s, actor.user_id, kept, sms)
        s.expunge(row)
        return row


def forget_phone(actor: Actor, ctx: Context) -> bool:
    """Remove the caller's number: nothing is texted to them any more."""
    with ctx.session() as s:
        return remove_phone(s, actor.user_id)
