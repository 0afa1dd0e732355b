"""What the administration pages (rounds, periods and quotas, standards, users) share: admitting a user by role,
turning a form's text into the body model the API validates too (field errors in Chinese), and showing a refused
service's words. A refusal's ``message`` is its rule's Chinese text (contracts/rules): the page shows it as said and
puts it beside the form field the refusal names; nothing is translated here."""

import re
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from services.refusals import Refusal
from services.roles import admit as admit_role
from state.domain import Actor, Role
from state.labels import REFUSAL_KINDS
from web.forms import field_errors
from web.refusals import KIND_BY_STATUS, Explained, PageRefusal, explain

M = TypeVar("M", bound=BaseModel)
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def words(refusal: Refusal) -> str:
    """The refusal's message; a message with no Chinese in it (a workflow's, until it names its rule) is shown as
    its kind's title (填写有误, 无权办理, …) rather than in English."""
    if _CHINESE.search(refusal.message):
        return refusal.message
    return REFUSAL_KINDS[KIND_BY_STATUS.get(refusal.status, "Unavailable")]


def _field(path: Any) -> str:
    """``conditions.0.text`` or ``body`` -> the form's field name (the last part); nothing for the whole body."""
    name = str(path or "").rsplit(".", 1)[-1]
    return "" if name == "body" else name


def said(refusal: Refusal) -> Explained:
    """web.refusals.explain, with the refusal's own words first and, for a 422, beside the fields it names."""
    out = explain(refusal)
    if refusal.status not in (403, 404, 409, 422):
        return out
    said_words = words(refusal)
    if refusal.status == 422:
        problems = [p for p in refusal.extra.get("problems") or [] if isinstance(p, dict)]
        if problems:
            out.fields, lines = {}, []
            for p in problems:
                text = str(p.get("message", "")) if _CHINESE.search(str(p.get("message", ""))) else said_words
                if name := _field(p.get("field")):
                    out.fields.setdefault(name, text)
                lines.append(text)
            out.lines = list(dict.fromkeys(lines))
        else:
            name = _field(refusal.extra.get("field"))
            out.fields = {name: said_words} if name else {}
            out.lines = [said_words]
    else:
        out.lines = [said_words, *[line for line in out.lines if line != said_words]]
    return out


async def admit(actor: Actor, *roles: Role) -> None:
    """Only ``roles`` (services.roles.admit): anyone else is answered with the refusal page."""
    try:
        admit_role(actor, *roles)
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
