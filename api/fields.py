"""The field types request bodies are built from: each says in JSON Schema what it accepts, as far as JSON
Schema can say it, and validates exactly that."""

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from state import eligibility
from state.domain import COUNTIES, InstitutionType, RevocationReason

# At least one visible character, and no NUL (PostgreSQL cannot store it). \x1c-\x1f and \x85 are
# whitespace to Python's str.strip (which the workflow uses) but not to JSON Schema's \s.
_VISIBLE = r"^[^\x00]*[^\s\x00\x1c-\x1f\x85][^\x00]*$"
_NO_NUL = r"^[^\x00]*$"
# GB 32100-2015 shape; the check character itself is verified by state.credit_code (422 when wrong).
CREDIT_CODE_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
PHONE_PATTERN = r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})?$"
ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
OBJECTION_ID_PATTERN = r"^[A-Za-z0-9_-]{1,80}$"


def _encodable(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (no lone surrogates)") from None
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return _encodable(value)


def _json_number(value: object) -> object:
    if isinstance(value, (bool, str)):
        raise ValueError("must be a JSON number")
    return value


def _iso_date(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


# Every date the procedure records lies in a sane range: a year-1 or year-9999 date cannot be stored everywhere
# (a window opening at 0001-01-01T00:00+08:00 is year 0 in UTC) and would fail its activity.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
FOUNDED_EARLIEST = date(1900, 1, 1)  # an institution may be older than the procedure


def _date_between(earliest: date, latest: date) -> Any:
    def check(value: date) -> date:
        day = value.date() if isinstance(value, datetime) else value
        if not earliest <= day <= latest:
            raise PydanticCustomError(
                "date_out_of_range",
                "日期须在 {earliest} 至 {latest} 之间 (a date between {earliest} and {latest})",
                {"earliest": earliest.isoformat(), "latest": latest.isoformat()},
            )
        return value

    return AfterValidator(check)


# Free text of at most N characters. Spelled out one alias per length (not built by a function) so that a type
# checker reads each as a type; every one is ``str`` to it, and pydantic sees exactly the same metadata.
# TextN: required, not blank.
Text20 = Annotated[str, StringConstraints(max_length=20, pattern=_VISIBLE), AfterValidator(_not_blank)]
Text100 = Annotated[str, StringConstraints(max_length=100, pattern=_VISIBLE), AfterValidator(_not_blank)]
Text200 = Annotated[str, StringConstraints(max_length=200, pattern=_VISIBLE), AfterValidator(_not_blank)]
Text2000 = Annotated[str, StringConstraints(max_length=2000, pattern=_VISIBLE), AfterValidator(_not_blank)]
Text5000 = Annotated[str, StringConstraints(max_length=5000, pattern=_VISIBLE), AfterValidator(_not_blank)]
# OptionalTextN: may be empty, no NUL.
OptionalText100 = Annotated[str, StringConstraints(max_length=100, pattern=_NO_NUL), AfterValidator(_encodable)]
OptionalText500 = Annotated[str, StringConstraints(max_length=500, pattern=_NO_NUL), AfterValidator(_encodable)]
OptionalText2000 = Annotated[str, StringConstraints(max_length=2000, pattern=_NO_NUL), AfterValidator(_encodable)]
OptionalText5000 = Annotated[str, StringConstraints(max_length=5000, pattern=_NO_NUL), AfterValidator(_encodable)]

County = Literal[COUNTIES]  # type: ignore[valid-type]
CreditCode = Annotated[str, StringConstraints(pattern=CREDIT_CODE_PATTERN)]
Phone = Annotated[str, StringConstraints(pattern=PHONE_PATTERN)]
AttestationCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,64}$")]
Round = Annotated[str, StringConstraints(max_length=64, pattern=_NO_NUL), AfterValidator(_encodable)]
# Request bodies take JSON types as they are (no "5" for 5, no 1 for true, no timestamps for dates), and numbers
# are finite (Python's JSON parser reads NaN and Infinity)...
FORBID = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
# ...except where a JSON string stands for a richer type: dates and the domain's enumerations.
AnyIsoDate = Annotated[date, Field(strict=False), BeforeValidator(_iso_date)]
IsoDate = Annotated[AnyIsoDate, _date_between(EARLIEST, LATEST)]
FoundingDate = Annotated[AnyIsoDate, _date_between(FOUNDED_EARLIEST, LATEST)]
# A moment with its offset, e.g. 2027-03-01T09:00:00+08:00, its date within EARLIEST..LATEST.
Moment = Annotated[datetime, _date_between(EARLIEST, LATEST)]
LaxType = Annotated[InstitutionType, Field(strict=False)]
Percent = Annotated[float, Field(ge=0, le=100)]


# Whole numbers as JSON Schema has them: 6.0 is one, "6" and true are not. One alias per range, as for TextN.
StaffCount = Annotated[int, Field(strict=False, ge=0, le=1_000_000), BeforeValidator(_json_number)]
TownshipStaffCount = Annotated[
    int, Field(strict=False, ge=eligibility.TOWNSHIP_MIN_STAFF, le=1_000_000), BeforeValidator(_json_number)
]
VillageStaffCount = Annotated[
    int, Field(strict=False, ge=eligibility.VILLAGE_MIN_STAFF, le=1_000_000), BeforeValidator(_json_number)
]


LaxReason = Annotated[RevocationReason, Field(strict=False)]
