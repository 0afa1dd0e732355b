"""Declaration materials (申报材料): the checklist by institution type and level, what a file is by its bytes, and
what a set of attached files lacks.

The checklist lives in ``state/data/materials.json`` (or the file ``BIAOGAN_MATERIALS_CHECKLIST`` names): every item
once (a stable code, its Chinese title, the file types it accepts), then rules that make items required or optional
for levels and institution types. A file's type is told by its first bytes (magic numbers), never by its name or by
what the uploader claims.

Pure module (reads its data file once per path, no other I/O).
"""

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from state.declaration import Problem
from state.domain import InstitutionType, Level

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "materials.json"
CODE = re.compile(r"^[a-z0-9_]{1,64}$")

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
ACCEPTED: tuple[str, ...] = (PDF, JPEG, PNG)
IMAGES: tuple[str, ...] = (JPEG, PNG)
TYPE_NAMES: Mapping[str, str] = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
EXTENSIONS: Mapping[str, str] = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)
SNIFF_BYTES = 8  # enough for every signature above


def sniff(data: bytes) -> str | None:
    """The file's type from its first bytes: PDF, JPEG or PNG; None for anything else."""
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    return None


@dataclass(frozen=True)
class Item:
    """One line of a checklist: code, Chinese title, required or optional, accepted file types."""

    code: str
    title: str
    required: bool
    accepts: tuple[str, ...]


@dataclass(frozen=True)
class Attached:
    """What the checks need of one attached file."""

    item: str
    material_id: str
    content_type: str


@dataclass(frozen=True)
class _Rule:
    levels: frozenset[Level | str]
    types: frozenset[InstitutionType | str]
    required: tuple[str, ...]
    optional: tuple[str, ...]


@dataclass(frozen=True)
class _ItemDef:
    code: str
    title: str
    accepts: tuple[str, ...]


@dataclass(frozen=True)
class Checklists:
    items: Mapping[str, _ItemDef]
    rules: tuple[_Rule, ...]

    def title(self, code: str) -> str:
        """The item's Chinese title; the code itself for an item no longer in the file."""
        found = self.items.get(code)
        return found.title if found else code

    def checklist(self, institution_type: InstitutionType | str, level: Level | str) -> list[Item]:
        """The items asked of a declaration of ``institution_type`` at ``level``, in the file's item order."""
        required: dict[str, bool] = {}
        for rule in self.rules:
            if level in rule.levels and institution_type in rule.types:
                required.update(dict.fromkeys(rule.required, True))
                required.update(dict.fromkeys(rule.optional, False))
        return [
            Item(code=d.code, title=d.title, required=required[d.code], accepts=d.accepts)
            for d in self.items.values()
            if d.code in required
        ]

    def problems(
        self, institution_type: InstitutionType | str, level: Level | str, attached: Iterable[Attached]
    ) -> list[Problem]:
        """What is wrong with the attached files for this checklist: an item not on it, a file of a type the item
        does not accept, the same file twice for one item, and every required item without a file."""
        items = {i.code: i for i in self.checklist(institution_type, level)}
        out: list[Problem] = []
        seen: set[tuple[str, str]] = set()
        for a in attached:
            item = items.get(a.item)
            if item is None:
                out.append(
                    Problem("materials", "material_item_unknown", f"申报材料清单中没有此项：{a.item}（{_list(items)}）")
                )
                continue
            if (a.item, a.material_id) in seen:
                out.append(
                    Problem("materials", "material_duplicate", f"同一文件重复提交：{item.title}（{a.material_id}）")
                )
            seen.add((a.item, a.material_id))
            if a.content_type not in item.accepts:
                kinds = "、".join(TYPE_NAMES[t] for t in item.accepts)
                out.append(
                    Problem(
                        "materials",
                        "material_type_not_accepted",
                        f"{item.title}只接受{kinds}文件，{a.material_id}是{TYPE_NAMES.get(a.content_type, a.content_type)}",
                    )
                )
        given = {item for item, _ in seen}
        for item in items.values():
            if item.required and item.code not in given:
                out.append(Problem("materials", "material_missing", f"缺少必需材料：{item.title}"))
        return out


def of_parts(
    items: Iterable[tuple[str, str, tuple[str, ...]]],
    rules: Iterable[tuple[Iterable[str], Iterable[str], Iterable[str], Iterable[str]]],
) -> Checklists:
    """A checklist made of another program's parts (programs/): items as (code, title, accepts), rules as (levels,
    types, required, optional) with every level and type named."""
    return Checklists(
        {code: _ItemDef(code, title, tuple(accepts)) for code, title, accepts in items},
        tuple(
            _Rule(frozenset(levels), frozenset(types), tuple(required), tuple(optional))
            for levels, types, required, optional in rules
        ),
    )


def _list(items: Mapping[str, Item]) -> str:
    return "、".join(items) or "无"


class ChecklistFileError(ValueError):
    pass


@lru_cache(maxsize=8)
def load(path: Path = DEFAULT_FILE) -> Checklists:
    """The checklists in ``path``, checked: unique well-formed codes, known types and levels, accepted file types,
    rules naming only listed items."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ChecklistFileError(f"{path}: {e}") from None
    items: dict[str, _ItemDef] = {}
    for entry in raw.get("items", []):
        code, title, accepts = entry.get("code"), entry.get("title"), entry.get("accepts", list(ACCEPTED))
        if not isinstance(code, str) or not CODE.match(code) or code in items:
            raise ChecklistFileError(f"{path}: item code {code!r} is malformed or used twice")
        if not isinstance(title, str) or not title.strip():
            raise ChecklistFileError(f"{path}: item {code} has no title")
        if not isinstance(accepts, list) or not accepts or any(t not in ACCEPTED for t in accepts):
            raise ChecklistFileError(f"{path}: item {code} accepts {accepts!r}; the types are {', '.join(ACCEPTED)}")
        items[code] = _ItemDef(code, title, tuple(accepts))
    rules = []
    for n, entry in enumerate(raw.get("rules", []), start=1):
        try:
            levels = _names(entry.get("levels", "*"), Level)
            types = _names(entry.get("types", "*"), InstitutionType)
        except ValueError as e:
            raise ChecklistFileError(f"{path}: rule {n}: {e}") from None
        required, optional = tuple(entry.get("required", [])), tuple(entry.get("optional", []))
        unknown = sorted(set(required + optional) - set(items))
        if unknown:
            raise ChecklistFileError(f"{path}: rule {n} names items not listed: {', '.join(unknown)}")
        rules.append(_Rule(levels, types, required, optional))
    return Checklists(items=items, rules=tuple(rules))


def _names(value: Any, kind: type[Level] | type[InstitutionType]) -> frozenset[Any]:
    if value == "*":
        return frozenset(kind)
    if not isinstance(value, Sequence) or isinstance(value, str) or not value:
        raise ValueError(f"expected '*' or a non-empty list, got {value!r}")
    return frozenset(kind(v) for v in value)
