"""The evaluation conditions (评定条件) as data: which apply to a declaration, and which it has not attested.

The notice's conditions live in ``state/data/conditions.json`` (or the file ``BIAOGAN_CONDITIONS_FILE`` names): the
basic conditions (一) for every level and the city level's (二) by institution type, each with a stable code and the
notice's own words. Each county's own conditions for its county-level titles (附件5, 因地制宜) are not in the file:
the admin or the county's bureau sets them through CountyStandardsWorkflow, and the API adds them from the read model
(``ConditionBook.with_counties``); a file that still lists ``counties`` is refused, so there is one source only. The
declaring county states, for every condition that applies, how the institution meets it: ``Institution.attestations``
maps each code to that statement, and a declaration missing one is refused naming the code.

Pure module (reads its data file once per path, no other I/O).
"""

import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from state.declaration import Problem
from state.domain import InstitutionType, Level

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "conditions.json"
CODE = re.compile(r"^[a-z0-9_]{1,64}$")  # the attestation keys the API accepts (schemas.fields.AttestationCode)
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

    def applies(self, institution_type: InstitutionType | str, level: Level) -> bool:
        return institution_type in self.types and level in self.levels


@dataclass(frozen=True)
class ConditionBook:
    """Every condition that applies anywhere: the file's, in the notice's order, and the counties' own."""

    basic: tuple[Condition, ...]
    by_level: Mapping[Level, tuple[Condition, ...]]
    by_county: Mapping[str, tuple[Condition, ...]]

    def with_counties(self, by_county: Mapping[str, Sequence[Condition]]) -> "ConditionBook":
        """This book with the counties' own conditions (from the read model) in place of any it had."""
        return dataclasses.replace(self, by_county={c: tuple(conds) for c, conds in by_county.items()})

    def applicable(
        self, institution_type: InstitutionType | str, level: Level, county: str | None = None
    ) -> list[Condition]:
        """The conditions a declaration of ``institution_type`` at ``level`` from ``county`` must meet: the basic
        ones, the level's, then the county's."""
        pool = [*self.basic, *self.by_level.get(level, ()), *(self.by_county.get(county, ()) if county else ())]
        return [c for c in pool if c.applies(institution_type, level)]

    def attestation_problems(
        self, institution_type: InstitutionType | str, level: Level, county: str, attestations: Mapping[str, str]
    ) -> list[Problem]:
        """One problem per applicable condition the declaring county has not attested (absent or blank)."""
        return [
            Problem(
                f"institution.attestations.{c.code}",
                "attestation_missing",
                f"缺少评定条件的核实说明：{_gist(c.text)}",
            )
            for c in self.applicable(institution_type, level, county)
            if not (attestations.get(c.code) or "").strip()
        ]


def county_condition(code: str, text: str, types: Sequence[str]) -> Condition:
    """A county's own condition as the read model keeps it: for that county's county-level declarations."""
    return Condition(code, text, "county", frozenset(InstitutionType(t) for t in types), frozenset({Level.county}))


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
    if raw.get("counties"):
        raise ConditionsFileError(
            f"{path}: counties: a county's own conditions are set by the admin or the county's bureau "
            "(PUT /api/v1/counties/{county}/conditions, the page /standards), not in this file"
        )
    return ConditionBook(basic=basic, by_level=by_level, by_county={})


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
