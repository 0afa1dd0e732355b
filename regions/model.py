"""A region file's shape: a province, its cities, each city's counties and zones, and their three organs.

One TOML file per province under ``regions/definitions/`` (or a directory named by ``BIAOGAN_REGIONS_DIR``).
The checks' messages are Chinese: whoever edits a region file reads them (``biaogan regions check``).
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# 区, 县, 县级市, or a 功能区 (开发区, 高新区 …: not an administrative division, but it runs its own organs)
Kind = Literal["区", "县", "县级市", "功能区"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Organ(_Strict):
    """One of the three departments of a city or county: 临沂市发展和改革委员会, 简称 发展改革委."""

    name: str = Field(min_length=2, description="全称，用于发文机关标志和落款：临沂市发展和改革委员会")
    short: str = Field(min_length=2, description="简称（不含地名），如通知所写：发展改革委、发展改革局、民政局")


class LeadOrgan(Organ):
    """The 人力资源和社会保障 organ, which leads a joint document and numbers it with its 机关代字."""

    code: str = Field(min_length=2, description="机关代字，联合行文的发文字号用：临人社字、兰山人社字")

    @model_validator(mode="after")
    def _code_ends_with_zi(self) -> "LeadOrgan":
        if not self.code.endswith("字"):
            raise ValueError(f"机关代字“{self.code}”须以“字”结尾（如 临人社字）")
        return self


class _Unit(_Strict):
    """A city or a county: its name, its short name and its three organs, each named after the place."""

    name: str = Field(min_length=2, description="名称：临沂市、兰山区、沂河新区")
    short: str = Field(min_length=1, description="简称，用于申报编号（兰山-2026-0007）")
    hrss: LeadOrgan = Field(description="人力资源和社会保障部门（牵头机关）")
    drc: Organ = Field(description="发展和改革部门")
    civil_affairs: Organ = Field(description="民政部门")

    @model_validator(mode="after")
    def _organs_bear_the_place_name(self) -> "_Unit":
        for organ in (self.hrss, self.drc, self.civil_affairs):
            if not organ.name.startswith(self.name):
                raise ValueError(f"机关全称“{organ.name}”须以所在地“{self.name}”开头")
        return self

    def organs(self) -> dict[str, Organ]:
        """The three organs by department (the values of state.domain.Department), lead organ first."""
        return {"hrss": self.hrss, "drc": self.drc, "civil_affairs": self.civil_affairs}


class County(_Unit):
    """A county-level unit of a city: a 区, a 县, a 县级市 or a 功能区."""

    kind: Kind = Field(description="类别：区、县、县级市、功能区")


class City(_Unit):
    """A prefecture-level city and its counties and zones, in the order its documents list them."""

    counties: tuple[County, ...] = Field(min_length=1, description="所辖县区和功能区，按文件中的顺序")

    @model_validator(mode="after")
    def _distinct_counties(self) -> "City":
        seen: set[str] = set()
        shorts: set[str] = set()
        for county in self.counties:
            if county.name in seen:
                raise ValueError(f"县区“{county.name}”重复")
            if county.short in shorts:
                raise ValueError(f"县区简称“{county.short}”重复")
            seen.add(county.name)
            shorts.add(county.short)
        return self

    def county(self, name: str) -> County | None:
        return next((c for c in self.counties if c.name == name), None)

    def zones(self) -> tuple[County, ...]:
        return tuple(c for c in self.counties if c.kind == "功能区")


class Province(_Strict):
    """One region file: a province and the cities defined for it."""

    province: str = Field(min_length=2, description="省份：山东省")
    cities: tuple[City, ...] = Field(min_length=1, description="地级市")

    @model_validator(mode="after")
    def _distinct_cities(self) -> "Province":
        names = [c.name for c in self.cities]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"城市“{name}”重复")
        return self
