"""The pages' templates and what every page is given: the Chinese labels (state/labels.py, never an English value),
dates and times in Asia/Shanghai, the CSRF token and who is signed in."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from state import labels
from state.clock import SHANGHAI
from state.domain import COUNTIES, Department, InstitutionType, Level, RevocationReason, Stage
from web.header import aria_label, owed_of
from web.numbers import application_number, with_numbers
from web.visitors import visitor_of  # resolved once per request, before the page

TEMPLATES = Path(__file__).resolve().parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES)


def moment(value: datetime | None) -> str:
    """2026年5月10日 09:05 (Asia/Shanghai). The read model hands back naive UTC datetimes on SQLite."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(SHANGHAI)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def deadline(value: datetime) -> str:
    """A deadline at midnight is the end of the day before: 2026年5月9日24:00, as the notice counts days."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(SHANGHAI)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        before = local.date() - timedelta(days=1)
        return f"{before.year}年{before.month}月{before.day}日24:00"
    return moment(value)


def day(value: date | datetime | str | None) -> str:
    """2026年5月10日: a date as official documents write it (Arabic numerals)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(SHANGHAI).date()
    return f"{value.year}年{value.month}月{value.day}日"


def number(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def department(value: Department | str, level: Level | str | None = None) -> str:
    """The department's short name at the application's level (a county has a 发展改革局, the city a 发展改革委)."""
    dept = Department(value)
    return labels.department_label(dept, Level(level)) if level else labels.label(dept)


templates.env.globals.update(
    label=labels.label,
    step_label=labels.step_label,
    task_label=labels.task_label,
    level_title=labels.level_title,
    choices=labels.choices,
    department_label=department,
    PRODUCT_NAME=labels.PRODUCT_NAME,
    CITY=labels.CITY,
    COUNTIES=COUNTIES,
    Stage=Stage,
    Level=Level,
    InstitutionType=InstitutionType,
    RevocationReason=RevocationReason,
    application_number=application_number,
)
templates.env.filters.update(
    moment=moment,
    deadline=deadline,
    day=day,
    number=number,
    zip_self=lambda items: [(i, i) for i in items],
    with_numbers=with_numbers,
)


def page(request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200) -> Response:
    """A whole page or an htmx fragment, with the visitor's CSRF token and identity (see web.visitors)."""
    visitor = visitor_of(request)
    ctx = {
        "csrf_token": visitor.csrf_token,
        "user": visitor.actor,
        "unread": visitor.unread,
        "owed": owed_of(request, visitor.actor),
        "owed_label": aria_label,
        "path": request.url.path,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, ctx, status_code=status)
    visitor.set_cookies(request, response)
    return response


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"
