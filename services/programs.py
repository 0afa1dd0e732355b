"""评定项目定义: check a definition file against the version in force, publish it as a new immutable version, and
read the programs in force with their versions and what each version changed (API, pages, ``biaogan programs``)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from contracts.rules import programs as rules
from db import programs as store
from db.programs import ProgramVersion
from programs.diff import Change, changes
from programs.load import Definition, parse, read
from programs.model import Program
from programs.words import path_words, value_words
from services.refusals import Refusal
from state.labels import learn_type_labels


@dataclass(frozen=True)
class Checked:
    definition: Definition
    in_force: ProgramVersion | None
    changes: list[Change]


@dataclass(frozen=True)
class Published:
    version: ProgramVersion
    new: bool
    changes: list[Change]
    program: Program


@dataclass(frozen=True)
class ChangeWords:
    """One change as a page says it."""

    kind: str  # 新增 / 删除 / 修改
    path: str
    before: str
    after: str


@dataclass(frozen=True)
class VersionView:
    row: ProgramVersion
    changes: list[Change]
    words: list[ChangeWords] = field(default_factory=list)


@dataclass(frozen=True)
class ProgramView:
    program: Program
    in_force: ProgramVersion
    versions: list[VersionView]


@lru_cache(maxsize=64)
def _parsed(content: str, where: str) -> Program:
    return parse(content, where).program


def program_of(row: ProgramVersion) -> Program:
    program = _parsed(row.content, f"{row.program_id} 第{row.version}版")
    learn_type_labels({t.key: t.label for t in program.institution_types})
    return program


def check(database_url: str, path: Path) -> Checked:
    """``path`` validated (``DefinitionError`` naming file, line and key), and what it would change."""
    definition = read(path)
    in_force = store.in_force(database_url, definition.program.id)
    return Checked(definition, in_force, changes(in_force.content if in_force else None, definition.content))


def publish(database_url: str, path: Path, published_by: str, reason: str, at: datetime | None = None) -> Published:
    """``path`` as the next version of its program; the version in force (``new`` False) when it has the same bytes."""
    if not reason.strip():
        raise Refusal(422, rules.PROGRAM_REASON_REQUIRED)
    checked = check(database_url, path)
    row, new = store.record(
        database_url,
        checked.definition.program.id,
        checked.definition.content,
        published_by,
        reason.strip(),
        at or datetime.now(UTC),
    )
    return Published(row, new, checked.changes if new else [], checked.definition.program)


def in_force(database_url: str) -> list[tuple[Program, ProgramVersion]]:
    return [(program_of(row), row) for row in store.all_in_force(database_url)]


def view(database_url: str, program_id: str) -> ProgramView:
    """A program in force with every version and what each changed; 404 ``program_unknown`` for an unknown id."""
    rows = store.versions(database_url, program_id)
    if not rows:
        raise Refusal(404, rules.PROGRAM_UNKNOWN, program_id=program_id)
    program = program_of(rows[-1])
    out, before = [], None
    for row in rows:
        found = changes(before, row.content)
        shown = program_of(row)
        out.append(VersionView(row, found, [said(c, shown) for c in found] if before is not None else []))
        before = row.content
    return ProgramView(program, rows[-1], out)


KINDS = {"added": "新增", "removed": "删除", "changed": "修改"}


def said(change: Change, program: Program | None) -> ChangeWords:
    return ChangeWords(
        KINDS[change.kind],
        path_words(change.loc, program),
        value_words(change.before, program) if change.kind != "added" else "",
        value_words(change.after, program) if change.kind != "removed" else "",
    )


def summary(program: Program, row: ProgramVersion) -> dict[str, Any]:
    return {
        "id": program.id,
        "title": program.title,
        "version": row.version,
        "sha256": row.sha256,
        "levels": [{"key": lv.key, "title": lv.title} for lv in program.levels],
        "types": [{"key": t.key, "label": t.label} for t in program.institution_types],
    }


def detail(database_url: str, program_id: str) -> dict[str, Any]:
    found = view(database_url, program_id)
    return summary(found.program, found.in_force) | {
        "definition": found.program.model_dump(mode="json"),
        "versions": [
            {
                "version": v.row.version,
                "sha256": v.row.sha256,
                "published_by": v.row.published_by,
                "published_at": _aware(v.row.published_at).isoformat(),
                "reason": v.row.reason,
                "changes": [
                    {"path": c.path, "kind": c.kind, "before": _json(c.before), "after": _json(c.after)}
                    for c in (v.changes if v.row.version > 1 else [])
                ],
            }
            for v in found.versions
        ],
    }


def _aware(moment: datetime) -> datetime:
    """A moment read back without its offset (SQLite keeps none) is UTC, as it was written."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _json(value: Any) -> Any:
    """A TOML value as JSON has it: dates as ISO text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value
