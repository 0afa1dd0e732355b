"""China's working-day calendar as the workflow uses it: reference data, open to anyone."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import SettingsDep, today
from api.errors import documented
from schemas.fields import EARLIEST, LATEST, IsoDate
from schemas.models import NoticePeriodPublic, WorkingDaysPublic
from services import calendar as calendar_service
from services.present import local

router = APIRouter(prefix="/calendar", tags=["calendar"])

# Bounded so that no request can walk the calendar off its end or for long: the procedure's dates (schemas/fields.py).
FIRST, LAST = EARLIEST, LATEST
MAX_COUNT = 1000
CalendarDate = IsoDate


@router.get(
    "/working-days",
    response_model=WorkingDaysPublic,
    summary="The date `count` working days after (or, negative, before) `start`",
    responses=documented(),
)
def working_days(
    settings: SettingsDep,
    start: Annotated[CalendarDate, Query(description=f"YYYY-MM-DD, {FIRST} to {LAST}")],
    count: Annotated[int, Query(ge=-MAX_COUNT, le=MAX_COUNT)],
) -> WorkingDaysPublic:
    end, confirmed = calendar_service.working_days(settings, start, count)
    return WorkingDaysPublic(start=start, end=end, confirmed=confirmed)


@router.get(
    "/notice-period",
    response_model=NoticePeriodPublic,
    summary="The public notice window for a notice published on `published_on`",
    responses=documented(),
)
def notice_period(
    settings: SettingsDep,
    published_on: Annotated[
        CalendarDate | None, Query(description=f"YYYY-MM-DD, {FIRST} to {LAST}; default today")
    ] = None,
) -> NoticePeriodPublic:
    p = calendar_service.notice_period(settings, published_on or today())
    return NoticePeriodPublic(
        first_day=p.first_day, last_day=p.last_day, ends_at=local(p.ends_at), confirmed=p.confirmed
    )
