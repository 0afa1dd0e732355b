"""The evaluation conditions (评定条件) as data: which apply to a declaration, and which it has not attested.

The conditions live in ``state/data/conditions.json`` (or the file ``BIAOGAN_CONDITIONS_FILE`` names): the notice's
basic conditions (一) for every level, the city level's (二) by institution type, and each county's own for its
county-level titles (附件5, set by the county). Each has a stable code and the notice's own words. The declaring
county states, for every condition that applies, how the institution meets it: ``Institution.attestations`` maps
each code to that statement, and a declaration missing one is refused naming the code.

Pure module (reads its data file once per path, no other I/O).
"""

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from state.declaration import Problem
from state.domain import COUNTIES, InstitutionType, Level

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "conditions.json"
CODE = re.compile(r"^[a-z0-9_]{1,64}$")  # the attestation keys the API accepts (api.fields.AttestationCode)
ALL_TYPES: frozenset[InstitutionType] = frozenset(InstitutionType)

Kind = Literal["basic", "level", "county"]


@dataclass(frozen=True)
class Condition:
    """One condition: its stable code, the notice's words, and whose it is (basic, the level's, the county's)."""

    code: str
    text: str
    kind: Kind
    types: frozenset[InstitutionType] = ALL_TYPES
    levels: frozenset[Level] = frozenset(Level)

    def applies(self, institution_type: InstitutionType, level: Level) -> bool:
        return institution_type in self.types and level in self.levels


@dataclass(frozen=True)
class ConditionBook:
    """Every condition of the file, in the notice's order."""

    basic: tuple[Condition, ...]
    by_level: Mapping[Level, tuple[Condition, ...]]
    by_county: Mapping[str, tuple[Condition, ...]]

    def applicable(self, institution_type: InstitutionType, level: Level, county: str | None = None) -> list[Condition]:
        """The conditions a declaration of ``institution_type`` at ``level`` from ``county`` must meet: the basic
        ones, the level's, then the county's."""
        pool = [*self.basic, *self.by_level.get(level, ()), *(self.by_county.get(county, ()) if county else ())]
        return [c for c in pool if c.applies(institution_type, level)]

    def attestation_problems(
        self, institution_type: InstitutionType, level: Level, county: str, attestations: Mapping[str, str]
    ) -> list[Problem]:
        """One problem per applicable condition the declaring county has not attested (absent or blank)."""
        return [
            Problem(
                f"institution.attestations.{c.code}",
                "attestation_missing",
                f"缺少评定条件承诺：{c.code}（{_gist(c.text)}）",
            )
            for c in self.applicable(institution_type, level, county)
            if not (attestations.get(c.code) or "").strip()
        ]


def _gist(text: str, length: int = 24) -> str:
    return text if len(text) <= length else text[:length] + "…"


class ConditionsFileError(ValueError):
    pass


@lru_cache(maxsize=8)
def load(path: Path = DEFAULT_FILE) -> ConditionBook:
    """The conditions in ``path``, checked: known types, levels and counties, well-formed and unique codes."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ConditionsFileError(f"{path}: {e}") from None
    seen: set[str] = set()

    def conditions(entries: Any, kind: Kind, where: str, levels: frozenset[Level]) -> tuple[Condition, ...]:
        if not isinstance(entries, list):
            raise ConditionsFileError(f"{path}: {where} must be a list")
        out = []
        for entry in entries:
            code, text = entry.get("code"), entry.get("text")
            if not isinstance(code, str) or not CODE.match(code):
                raise ConditionsFileError(f"{path}: {where}: code {code!r} must match {CODE.pattern}")
            if code in seen:
                raise ConditionsFileError(f"{path}: {where}: code {code!r} is used twice")
            if not isinstance(text, str) or not text.strip():
                raise ConditionsFileError(f"{path}: {where}: {code} has no text")
            seen.add(code)
            own_levels = _levels(entry["levels"], path, code) if "levels" in entry else levels
            out.append(Condition(code, text, kind, _types(entry.get("types", "*"), path, code), own_levels))
        return tuple(out)

    basic = conditions(raw.get("basic", []), "basic", "basic", frozenset(Level))
    by_level = {
        Level(name): conditions(entries, "level", f"levels.{name}", frozenset({Level(name)}))
        for name, entries in _mapping(raw.get("levels", {}), path, "levels", {lv.value for lv in Level}).items()
    }
    by_county = {
        county: conditions(entries, "county", f"counties.{county}", frozenset({Level.county}))
        for county, entries in _mapping(raw.get("counties", {}), path, "counties", set(COUNTIES)).items()
    }
    return ConditionBook(basic=basic, by_level=by_level, by_county=by_county)


def _mapping(value: Any, path: Path, where: str, known: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConditionsFileError(f"{path}: {where} must be an object")
    unknown = sorted(set(value) - known)
    if unknown:
        raise ConditionsFileError(f"{path}: {where}: unknown {', '.join(unknown)}")
    return value


def _types(value: Any, path: Path, code: str) -> frozenset[InstitutionType]:
    if value == "*":
        return ALL_TYPES
    try:
        return frozenset(InstitutionType(t) for t in _names(value))
    except ValueError as e:
        raise ConditionsFileError(f"{path}: {code}: {e}") from None


def _levels(value: Any, path: Path, code: str) -> frozenset[Level]:
    if value == "*":
        return frozenset(Level)
    try:
        return frozenset(Level(t) for t in _names(value))
    except ValueError as e:
        raise ConditionsFileError(f"{path}: {code}: {e}") from None


def _names(value: Any) -> Sequence[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected '*' or a non-empty list of names, got {value!r}")
    return value
