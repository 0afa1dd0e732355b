"""The field types request bodies are built from: each says in JSON Schema what it accepts, as far as JSON
Schema can say it, and validates exactly that."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from contracts.rules import schema as rules
from state import eligibility, text
from state.domain import COUNTIES, InstitutionType, RevocationReason

# GB 32100-2015 shape; the check character itself is verified by state.credit_code (422 when wrong).
CREDIT_CODE_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
PHONE_PATTERN = r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})?$"
ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
OBJECTION_ID_PATTERN = r"^[A-Za-z0-9_-]{1,80}$"


def _encodable(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError(rules.STRING_UNICODE.code, rules.STRING_UNICODE.text) from None
    return value


@dataclass(frozen=True)
class Checked:
    """A text's own checks (state/text.py), as pydantic metadata: after the length, refuse control characters (but
    tab and line breaks in ``multiline`` text), bidirectional controls in ``names``, and, when ``required``, text
    that shows nothing. Its JSON Schema ``pattern`` says the same."""

    multiline: bool
    required: bool
    names: bool = False

    def check(self, value: str) -> str:
        _encodable(value)
        refused = text.problem(value, self.multiline, self.required, self.names)
        if refused is not None:  # said by its registered rule, naming the characters refused
            found = rules.PYDANTIC[refused[0]]
            bad = text.controls(value, self.multiline) or text.bidi_controls(value)
            raise PydanticCustomError(found.code, found.text, {"codepoints": text.codepoints(bad)})
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        out = handler(schema)
        out["pattern"] = text.pattern(self.multiline, self.required, self.names)
        return out


LINE = Checked(multiline=False, required=True)
LINES = Checked(multiline=True, required=True)
NAME = Checked(multiline=False, required=True, names=True)
OPTIONAL_LINE = Checked(multiline=False, required=False)
OPTIONAL_LINES = Checked(multiline=True, required=False)
OPTIONAL_NAME = Checked(multiline=False, required=False, names=True)


def json_number(value: object) -> object:
    if isinstance(value, (bool, str)):
        raise PydanticCustomError(rules.NUMBER_TYPE.code, rules.NUMBER_TYPE.text)
    return value


def _iso_date(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return value
    raise PydanticCustomError(rules.DATE_PARSING.code, rules.DATE_PARSING.text)


# One bound per kind of date. Every date the procedure records (and the calendar answers for) lies in 2000..2100:
# a year-1 or year-9999 date cannot be stored everywhere (a window opening at 0001-01-01T00:00+08:00 is year 0 in
# UTC) and would fail its activity. A founding date is the one historic kind: an institution may be older than
# the procedure, so it goes back to 1900. JSON Schema's minimum/maximum do not apply to ``format: date`` strings,
# so each range is its ``pattern`` (the years, and months and days that can exist), with ``x-earliest`` and
# ``x-latest`` saying it in words; the server checks the same (a string of that shape, a real day, the range).
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
FOUNDED_EARLIEST = date(1900, 1, 1)
_YEARS = {EARLIEST.year: "(20[0-9]{2}|2100)", FOUNDED_EARLIEST.year: "(19[0-9]{2}|20[0-9]{2}|2100)"}
_MONTH_DAY = "-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_TIME = r"[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"


@dataclass(frozen=True)
class Between:
    """A date (or a moment's own date) within ``earliest``..``latest``, said in its JSON Schema as a pattern; a
    moment (``with_time``) is also written in full, with its offset, e.g. 2027-03-01T09:00:00+08:00."""

    earliest: date
    latest: date
    with_time: bool = False

    @property
    def pattern(self) -> str:
        return f"^{_YEARS[self.earliest.year]}{_MONTH_DAY}{_TIME if self.with_time else ''}$"

    def check(self, value: date) -> date:
        day = value.date() if isinstance(value, datetime) else value
        if not self.earliest <= day <= self.latest:
            facts = {"earliest": self.earliest.isoformat(), "latest": self.latest.isoformat()}
            raise PydanticCustomError(rules.DATE_OUT_OF_RANGE.code, rules.DATE_OUT_OF_RANGE.text, facts)
        return value

    def written(self, value: object) -> object:
        """A moment written in full, with its offset (any year: a year out of range is said as such by check)."""
        if isinstance(value, str) and not re.fullmatch(f"[0-9]{{4}}{_MONTH_DAY}{_TIME}", value):
            raise PydanticCustomError(rules.DATETIME_PARSING.code, rules.DATETIME_PARSING.text)
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        checked = core_schema.no_info_after_validator_function(self.check, handler(source))
        return core_schema.no_info_before_validator_function(self.written, checked) if self.with_time else checked

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        out = handler(schema)
        out.update(
            pattern=self.pattern, **{"x-earliest": self.earliest.isoformat(), "x-latest": self.latest.isoformat()}
        )
        return out


# Free text of at most N characters. Spelled out one alias per length (not built by a function) so that a type
# checker reads each as a type; every one is ``str`` to it, and pydantic sees exactly the same metadata.
# TextN: required, showing something; up to 200 characters one line, from 500 on tab and line breaks allowed.
Text20 = Annotated[str, StringConstraints(max_length=20), LINE]
Text100 = Annotated[str, StringConstraints(max_length=100), LINE]
Text200 = Annotated[str, StringConstraints(max_length=200), LINE]
Text500 = Annotated[str, StringConstraints(max_length=500), LINES]
Text1000 = Annotated[str, StringConstraints(max_length=1000), LINES]
Text2000 = Annotated[str, StringConstraints(max_length=2000), LINES]
Text5000 = Annotated[str, StringConstraints(max_length=5000), LINES]
# NameN: a required one-line name in which no bidirectional control may reorder what is read.
Name40 = Annotated[str, StringConstraints(max_length=40), NAME]
Name100 = Annotated[str, StringConstraints(max_length=100), NAME]
Name200 = Annotated[str, StringConstraints(max_length=200), NAME]
OptionalName100 = Annotated[str, StringConstraints(max_length=100), OPTIONAL_NAME]
# OptionalTextN: may be empty; no control character.
OptionalText64 = Annotated[str, StringConstraints(max_length=64), OPTIONAL_LINE]
OptionalText100 = Annotated[str, StringConstraints(max_length=100), OPTIONAL_LINE]
OptionalText500 = Annotated[str, StringConstraints(max_length=500), OPTIONAL_LINES]
OptionalText2000 = Annotated[str, StringConstraints(max_length=2000), OPTIONAL_LINES]
OptionalText5000 = Annotated[str, StringConstraints(max_length=5000), OPTIONAL_LINES]

County = Literal[COUNTIES]  # type: ignore[valid-type]
CreditCode = Annotated[str, StringConstraints(pattern=CREDIT_CODE_PATTERN)]
Phone = Annotated[str, StringConstraints(pattern=PHONE_PATTERN)]
AttestationCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,64}$")]
Round = OptionalText64
# Request bodies take JSON types as they are (no "5" for 5, no 1 for true, no timestamps for dates), and numbers
# are finite (Python's JSON parser reads NaN and Infinity)...
FORBID = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
# ...except where a JSON string stands for a richer type: dates and the domain's enumerations.
AnyIsoDate = Annotated[date, Field(strict=False), BeforeValidator(_iso_date)]
IsoDate = Annotated[AnyIsoDate, Between(EARLIEST, LATEST)]  # the procedure's dates, the calendar's too
FoundingDate = Annotated[AnyIsoDate, Between(FOUNDED_EARLIEST, LATEST)]  # the one historic kind
# A moment with its offset, e.g. 2027-03-01T09:00:00+08:00, its date within EARLIEST..LATEST.
Moment = Annotated[datetime, Between(EARLIEST, LATEST, with_time=True)]
LaxType = Annotated[InstitutionType, Field(strict=False)]
Percent = Annotated[float, Field(ge=0, le=100)]


# Whole numbers as JSON Schema has them: 6.0 is one, "6" and true are not. One alias per range, as for TextN.
StaffCount = Annotated[int, Field(strict=False, ge=0, le=1_000_000), BeforeValidator(json_number)]
TownshipStaffCount = Annotated[
    int, Field(strict=False, ge=eligibility.TOWNSHIP_MIN_STAFF, le=1_000_000), BeforeValidator(json_number)
]
VillageStaffCount = Annotated[
    int, Field(strict=False, ge=eligibility.VILLAGE_MIN_STAFF, le=1_000_000), BeforeValidator(json_number)
]


LaxReason = Annotated[RevocationReason, Field(strict=False)]
