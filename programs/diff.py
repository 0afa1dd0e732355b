"""What changed between two versions of a definition, key path by key path: added, removed, changed.

Tables are walked into; an array of tables item by item (``institution_types[3].rules[0].value``); any other value
(a number, a text, an array of values) is compared whole. Pure module.
"""

import tomllib
from dataclasses import dataclass
from typing import Any, Literal

from programs.load import path_text
from programs.model import Loc


@dataclass(frozen=True)
class Change:
    loc: Loc
    kind: Literal["added", "removed", "changed"]
    before: Any = None
    after: Any = None

    @property
    def path(self) -> str:
        return path_text(self.loc)


def flatten(value: Any, loc: Loc = ()) -> dict[Loc, Any]:
    if isinstance(value, dict) and value:
        out: dict[Loc, Any] = {}
        for key, item in value.items():
            out |= flatten(item, (*loc, key))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = {}
        for i, item in enumerate(value):
            out |= flatten(item, (*loc, i))
        return out
    return {loc: value}


def changes(before: str | None, after: str) -> list[Change]:
    """From the TOML text ``before`` (None: nothing yet) to ``after``, in ``after``'s order, then what went."""
    old = flatten(tomllib.loads(before)) if before is not None else {}
    new = flatten(tomllib.loads(after))
    out = [
        Change(loc, "added", after=v) if loc not in old else Change(loc, "changed", old[loc], v)
        for loc, v in new.items()
        if loc not in old or old[loc] != v
    ]
    return out + [Change(loc, "removed", before=v) for loc, v in old.items() if loc not in new]
