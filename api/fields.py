"""The field types request bodies are built from: each says in JSON Schema what it accepts, as far as JSON
Schema can say it, and validates exactly that."""

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StringConstraints

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


def Text(max_length: int) -> Any:
    """Required free text: not blank."""
    return Annotated[str, StringConstraints(max_length=max_length, pattern=_VISIBLE), AfterValidator(_not_blank)]


def OptionalText(max_length: int) -> Any:
    return Annotated[str, StringConstraints(max_length=max_length, pattern=_NO_NUL), AfterValidator(_encodable)]


County = Literal[COUNTIES]  # type: ignore[valid-type]
CreditCode = Annotated[str, StringConstraints(pattern=CREDIT_CODE_PATTERN)]
Phone = Annotated[str, StringConstraints(pattern=PHONE_PATTERN)]
AttestationCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,64}$")]
Round = Annotated[str, StringConstraints(max_length=64, pattern=_NO_NUL), AfterValidator(_encodable)]
# Request bodies take JSON types as they are (no "5" for 5, no 1 for true, no timestamps for dates)...
FORBID = ConfigDict(extra="forbid", strict=True)
# ...except where a JSON string stands for a richer type: dates and the domain's enumerations.
IsoDate = Annotated[date, Field(strict=False), BeforeValidator(_iso_date)]
LaxType = Annotated[InstitutionType, Field(strict=False)]
Percent = Annotated[float, Field(ge=0, le=100)]


def WholeNumber(ge: int, le: int) -> Any:
    """An integer as JSON Schema has it: 6.0 is one, "6" and true are not."""
    return Annotated[int, Field(strict=False, ge=ge, le=le), BeforeValidator(_json_number)]


LaxReason = Annotated[RevocationReason, Field(strict=False)]
