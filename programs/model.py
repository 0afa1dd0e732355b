"""A program definition (评定项目定义): what one 评定 notice of an HRSS department fixes, as data.

Every such program has the same bones (levels, institution types and their facts, conditions, a materials checklist,
a competitive review, a public notice of N working days, the signing departments, a quota per period, a filing
deadline, revocation grounds) and differs in values. ``Program`` is those bones; a TOML file under
``programs/definitions/`` gives the values. Regions (counties, organs' names, 文号 prefixes) are not modelled here:
a program names its region and the departments (by key) that act at each level.

Pure module: pydantic only; no I/O.
"""

from datetime import date as Date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
ProgramId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Words = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
MonthDay = Annotated[str, StringConstraints(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
Scope = Literal["*"] | list[Key]  # "*": all (levels, types); else the keys named

STRICT = ConfigDict(extra="forbid", strict=True)


class Part(BaseModel):
    model_config = STRICT


class Source(Part):
    """The document the program comes from."""

    title: Words
    organs: list[Words] = Field(min_length=1, description="the issuing organs, lead first")
    document_no: str = Field(default="", max_length=100, description="发文字号 or a standard's number; may be empty")
    date: Date
    url: str = Field(default="", max_length=2000)


class LevelRequirement(Part):
    """What a level asks of a candidate's title at a lower level."""

    lower: Key = Field(description="the lower level's key: one of this program's levels, or one ``title`` names")
    title: Words | None = Field(default=None, description="the lower title's name when another program confers it")
    title_held_years: int = Field(default=0, ge=0, le=50, description="held at least this many years; 0: just held")


class Level(Part):
    key: Key
    label: Words = Field(description="县级, 市级 …")
    title: Words = Field(description="县级标杆机构 …")
    full_title: Words = Field(description="县级就业服务质量标杆机构 …")
    requires: LevelRequirement | None = None


FactType = Literal["int", "decimal", "bool", "text", "date", "choice"]


class Fact(Part):
    """One fact a declaration states about the institution (a field of the 申报表)."""

    name: Key
    type: FactType
    label: Words
    unit: str = Field(default="", max_length=20)
    min: int | float | None = None
    max: int | float | None = None
    earliest: Date | None = None  # dates
    latest: Date | None = None
    max_length: int | None = Field(default=None, ge=1, le=100_000)  # text: characters
    multiline: bool = False  # text: tab and line breaks allowed
    pattern: str | None = Field(default=None, max_length=500)  # text: a regular expression it must match
    choices: list[Words] = []  # choice
    many: bool = False  # a list of values
    max_items: int | None = Field(default=None, ge=1, le=10_000)
    required: bool | list[Key] = Field(default=False, description="true, false, or the levels at which it is")


Op = Literal[">=", ">", "<=", "<", "==", "!=", "all_equal", "given", "in", "min_items"]
Value = bool | int | float | str | list[str]


class Clause(Part):
    """``fact op value``: a missing fact fails every clause; ``all_equal``: a non-empty list, every item equal to
    value; ``given``: stated (not empty); ``in``: one of value's items; ``min_items``: a list of at least value items."""

    fact: Key
    op: Op
    value: Value | None = None


class Rule(Part):
    """An eligibility rule the software checks at declaration: one clause (fact, op, value), or ``all``/``any`` of
    several. A fact a rule tests at a level must be stated at that level."""

    code: Key
    text: Words = Field(description="the notice's words, shown when the rule fails")
    levels: Scope = "*"
    types: Scope = Field(default="*", description="for the program's own rules: the types they apply to")
    fact: Key | None = None
    op: Op | None = None
    value: Value | None = None
    all: list[Clause] = []
    any: list[Clause] = []


class InstitutionType(Part):
    key: Key
    label: Words
    facts: list[Fact] = Field(default=[], description="facts only this type states, besides the program's")
    rules: list[Rule] = []


class Condition(Part):
    code: Key
    text: Words
    types: Scope = "*"
    levels: Scope = "*"


class CountyConditions(Part):
    """Conditions each county sets for its own titles (因地制宜): not in the file, set by whom and for which level."""

    level: Key
    set_by: list[Key] = Field(min_length=1, description="roles that set them")


class Conditions(Part):
    basic: list[Condition] = []
    levels: dict[Key, list[Condition]] = {}
    county: CountyConditions | None = None


FileType = Literal["application/pdf", "image/jpeg", "image/png"]


class MaterialItem(Part):
    code: Key
    title: Words
    accepts: list[FileType] = Field(min_length=1)


class MaterialRule(Part):
    """Marks items required or optional for levels and types; a later rule overrides an earlier one."""

    levels: Scope = "*"
    types: Scope = "*"
    required: list[Key] = []
    optional: list[Key] = []


class Materials(Part):
    items: list[MaterialItem]
    rules: list[MaterialRule]


class Method(Part):
    key: Key
    label: Words


class Panel(Part):
    min_size: int = Field(ge=1, le=50)
    composition: list[Words] = Field(default=[], description="who sits on it, in words")
    departments: list[Key] = Field(default=[], description="departments with at least one member")


class Review(Part):
    competitive: bool = True
    methods: list[Method] = Field(min_length=1)
    default_weights: dict[Key, float] = Field(default={}, description="method -> weight adding up to 1; {}: per round")
    panel: Panel | None = None
    tie_break: Words | None = None


class Notice(Part):
    working_days: int = Field(ge=1, le=60)
    ends_at_hour: int = Field(default=24, ge=1, le=24, description="its last day ends at this local hour")
    published_by: Key = Field(description="the department that publishes it (a key of issuing)")
    where: Words = Field(description="where it is published, in words")
    objections: bool = True


class Quota(Part):
    period: Words = Field(description="the period's name: 十四五 …")
    start_year: int = Field(ge=2000, le=2100)
    end_year: int = Field(ge=2000, le=2100)
    totals: dict[Key, int] = Field(description="level -> titles in the period (0: not capped here)")
    apportioned_by: list[Words] = Field(default=[], description="how a level's total is split among counties")


class Filing(Part):
    level: Key = Field(description="whose results are filed")
    deadline: MonthDay
    addressees: list[Words] = Field(min_length=1)
    reminder_offsets: list[int] = Field(default=[], description="working days before the deadline")


class Correction(Part):
    working_days: int = Field(ge=1, le=120)
    reminder_working_days: int = Field(default=0, ge=0, le=60)


class Ground(Part):
    code: Key
    text: Words


class Terms(Part):
    product_name: Words
    title_word: Words = Field(description="the title's noun: 标杆机构, 示范基地 …")
    plaque: Words | None = None


class Program(Part):
    id: ProgramId
    title: Words
    region: str = Field(
        pattern=r"^[a-z0-9_-]+(/[a-z0-9_\u4e00-\u9fff-]+)*$",
        description="where it runs: a region file's name and its city (shandong/临沂市: regions/definitions/shandong.toml, "
        "city 临沂市), or a national program's key (cn)",
    )
    source: Source
    levels: list[Level] = Field(min_length=1, description="lowest first")
    issuing: dict[Key, list[Key]] = Field(description="level -> the departments that issue jointly, lead first")
    facts: list[Fact] = Field(description="facts every type states")
    institution_types: list[InstitutionType] = Field(min_length=1)
    rules: list[Rule] = Field(
        default=[], description="rules for every type (or the types each names), before a type's own"
    )
    conditions: Conditions
    materials: Materials
    review: Review
    notice: Notice
    quota: Quota | None = None
    filing: Filing | None = None
    correction: Correction | None = None
    validity_years: int | None = Field(default=None, ge=1, le=50, description="a title lapses after; none: held")
    revocation_grounds: list[Ground] = []
    terms: Terms


Loc = tuple[str | int, ...]
