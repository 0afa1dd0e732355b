"""The bodies and answers of rounds, periods, quotas and the apportionment: validated alike by the API and the
pages (which turn a form into the same body)."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from contracts.quota import MAX_TOTAL
from schemas.applications import ScoreCreate as ScoreCreate  # the score's body, one for every area
from schemas.fields import (
    EARLIEST,
    ID_PATTERN,
    LATEST,
    County,
    IsoDate,
    Moment,
    Name40,
    Name100,
    Text500,
    Text1000,
    json_number,
)
from state.domain import Act, Level

STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)  # finite numbers: JSON parsers read NaN and Infinity
ROUND_ID_PATTERN = r"^[A-Za-z0-9_\-]{1,60}$"
PERIOD_ID_PATTERN = r"^[A-Za-z0-9_\-\u4e00-\u9fff]{1,40}$"
UserId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]  # an account's id (users.id)
# Places are JSON integers: true is not 1, "1" is not 1 (6.0 is 6, as JSON Schema has it).
Places = Annotated[int, Field(strict=False, ge=0, le=MAX_TOTAL), BeforeValidator(json_number)]
WholeNumber = Annotated[int, Field(strict=False), BeforeValidator(json_number)]
Figure = Annotated[float, Field(strict=False), BeforeValidator(json_number)]
FIGURE_MAX = 1e12  # population and performance figures: far above any county's


class RoundCreate(BaseModel):
    model_config = STRICT
    round_id: str = Field(pattern=ROUND_ID_PATTERN, examples=["2027-city-1"])
    name: Name100 = Field(examples=["2027年度市级就业服务质量标杆机构评定"])
    level: Level
    period_id: str = Field(pattern=PERIOD_ID_PATTERN, description="a defined period's id")
    opens_at: Moment = Field(description="with its offset, e.g. 2027-03-01T09:00:00+08:00; 2000 to 2100")
    closes_at: Moment
    weights: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(
        max_length=10, description="written / defence / field_inspection -> weight; adding up to 1"
    )
    reminder_working_days: int = Field(default=3, ge=1, le=30)
    reviewers_required: int = Field(default=1, ge=1, le=50)
    panel: list[UserId] = Field(
        default_factory=list,
        max_length=50,
        description="the review panel (评审组): user ids; the city's (county's) bureau reviewers and DRC and civil"
        " affairs members, at least panel_min of them",
    )
    panel_min: int = Field(default=3, ge=3, le=50)


class RecusalCreate(BaseModel):
    model_config = STRICT
    application_id: str = Field(pattern=ID_PATTERN, description="the candidate's application id")
    reason: Text500


class CloseReviewCreate(BaseModel):
    model_config = STRICT
    reason: Text1000
    published_on: IsoDate | None = Field(
        default=None, description="the joint notice's publication day; today when empty"
    )


class ScoreOutcome(BaseModel):
    id: str
    state: str
    allowed_acts: list[Act]


class PeriodCreate(BaseModel):
    model_config = STRICT
    name: Name40 = Field(examples=["十四五"])
    start_year: int = Field(ge=EARLIEST.year, le=LATEST.year)
    end_year: int = Field(ge=EARLIEST.year, le=LATEST.year)
    reason: Text500


class QuotaCreate(BaseModel):
    model_config = STRICT
    totals: dict[str, Places] = Field(
        min_length=1,
        description=f'{{"city": 9}} for the city level; {{county: places}} for the county level; 0..{MAX_TOTAL} each'
        " (a whole number; not below the places already used)",
    )
    reason: Text500


class CountyFiguresIn(BaseModel):
    model_config = STRICT
    county: County
    population: Figure = Field(ge=0, le=FIGURE_MAX, description="resident population (常住人口)")
    performance: Figure = Field(ge=0, le=FIGURE_MAX, description="public employment service performance index")


class ApportionmentRequest(BaseModel):
    model_config = STRICT
    total: WholeNumber = Field(ge=0, le=MAX_TOTAL, examples=[90])
    weight_population: Figure = Field(ge=0, le=1)
    weight_performance: Figure = Field(ge=0, le=1)
    counties: list[CountyFiguresIn] = Field(min_length=1, max_length=100)


class ApportionmentAdopt(ApportionmentRequest):
    adjustments: dict[str, Places] = Field(
        default_factory=dict,
        description="county -> places, replacing the computed seats",
    )
    reason: Text500


class ApportionmentPreview(BaseModel):
    total: int
    seats: dict[str, int]
    shares: list[dict[str, Any]]
    working: list[str]
    example_data_note: str = "附件1未公布：人口与绩效数据由调用方填报，系统不内置"


class QuotaPublic(BaseModel):
    period_id: str
    level: Level
    totals: dict[str, int]
    used: dict[str, int]
    remaining: dict[str, int]


class ImportPublic(BaseModel):
    rows: int
    written: int
    skipped: int
    errors: list[dict[str, Any]]


class PlaceReleaseCreate(BaseModel):
    """Admin: release the place a revoked title keeps for the period."""

    model_config = STRICT
    application_id: str = Field(pattern=ID_PATTERN, description="the revoked application's id")
    reason: Text500


class PlaceReleasePublic(BaseModel):
    """A released place (已释放名额): which application, who released it (none: its application's end), when, why."""

    application_id: str
    number: str | None = None  # the 申报编号
    institution_name: str | None = None
    level: Level
    scope: str
    slot_no: int
    released_at: datetime
    released_by: str | None = None  # the admin's name
    reason: str
