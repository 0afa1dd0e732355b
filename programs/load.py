"""Reading a definition file: TOML, validated as a ``Program`` and checked for its references, every mistake said in
Chinese with its file, line and key path: ``programs/definitions/x.toml 第12行：institution_types[2].facts[0].min
应为数字``.

Pure module but for reading the file it is given.
"""

import hashlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from programs.consistency import reference_problems
from programs.model import Loc, Program
from tomlpath import line_of

DEFINITIONS = Path(__file__).resolve().parent / "definitions"
SEED = DEFINITIONS / "linyi-2026.toml"  # published as version 1 where no program has a version yet


@cache
def first_program_id() -> str:
    """The seed's program: the one declarations made before programs were data belong to (and the default one)."""
    return read(SEED).program.id


@dataclass(frozen=True)
class Problem:
    where: str
    line: int | None
    path: str
    message: str

    @property
    def said(self) -> str:
        at = f" 第{self.line}行：" if self.line else "："
        return f"{self.where}{at}{self.path + ' ' if self.path else ''}{self.message}"


class DefinitionError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.said for p in problems))


@dataclass(frozen=True)
class Definition:
    program: Program
    content: str
    sha256: str


def path_text(loc: Loc) -> str:
    """``institution_types[2].facts[0].min``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse(content: str, where: str) -> Definition:
    """``content`` (a definition's TOML) as a checked program; ``DefinitionError`` naming every mistake."""
    try:
        raw = tomllib.loads(content)
    except tomllib.TOMLDecodeError as e:
        found = re.search(r"line (\d+)", str(e))
        raise DefinitionError(
            [Problem(where, int(found.group(1)) if found else None, "", "不是有效的TOML格式")]
        ) from None
    try:
        program = Program.model_validate(raw)
    except ValidationError as e:
        raise DefinitionError(_located(content, where, _said(e.errors()))) from None
    wrong = reference_problems(program)
    if wrong:
        raise DefinitionError(_located(content, where, wrong))
    return Definition(program, content, hashlib.sha256(content.encode("utf-8")).hexdigest())


def read(path: Path, where: str | None = None) -> Definition:
    """The definition in the file at ``path`` (its bytes as UTF-8)."""
    shown = where or _shown(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise DefinitionError([Problem(shown, None, "", "文件不存在或无法读取")]) from None
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DefinitionError([Problem(shown, None, "", "不是UTF-8编码的文本")]) from None
    return parse(content, shown)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _located(content: str, where: str, problems: Iterable[tuple[Loc, str]]) -> list[Problem]:
    return [Problem(where, line_of(content, loc), path_text(loc), message) for loc, message in problems]


_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_TAGS = {"int", "float", "bool", "str", "date", "none"}
_KINDS = {
    "int_type": "整数",
    "int_parsing": "整数",
    "int_from_float": "整数",
    "float_type": "数字",
    "float_parsing": "数字",
    "bool_type": "true 或 false",
    "bool_parsing": "true 或 false",
    "string_type": "文字",
    "date_type": "日期（如 2022-12-01）",
    "date_parsing": "日期（如 2022-12-01）",
    "date_from_datetime_inexact": "日期（如 2022-12-01）",
    "list_type": "列表",
    "dict_type": "表",
    "model_type": "表",
    "model_attributes_type": "表",
}


def _message(error: Any) -> str:
    kind, ctx = error["type"], error.get("ctx", {})
    said = {
        "missing": "缺少此项",
        "extra_forbidden": "不是定义中的项（多余或拼写有误）",
        "string_pattern_mismatch": f"格式不符（应匹配 {ctx.get('pattern')}）",
        "string_too_short": "不能为空",
        "string_too_long": f"不能超过{ctx.get('max_length')}个字",
        "too_short": f"至少{ctx.get('min_length')}项",
        "too_long": f"至多{ctx.get('max_length')}项",
        "greater_than_equal": f"应不小于{ctx.get('ge')}",
        "less_than_equal": f"应不大于{ctx.get('le')}",
        "greater_than": f"应大于{ctx.get('gt')}",
        "less_than": f"应小于{ctx.get('lt')}",
        "literal_error": f"应为以下之一：{ctx.get('expected')}",
    }.get(kind)
    if said:
        return said
    if kind in _KINDS:
        return f"应为{_KINDS[kind]}"
    return "取值有误"


def _said(errors: list[Any]) -> list[tuple[Loc, str]]:
    """Pydantic's errors by key path (a union's members folded into one), each said in Chinese."""
    by_loc: dict[Loc, list[Any]] = {}
    for error in errors:
        loc = tuple(p for p in error["loc"] if isinstance(p, int) or (_KEY.match(p) and p not in _TAGS))
        by_loc.setdefault(loc, []).append(error)
    out = []
    for loc, found in by_loc.items():
        kinds = [_KINDS[e["type"]] for e in found if e["type"] in _KINDS]
        if len(found) > 1 and len(kinds) == len(found):  # a value of none of a union's types
            names = list(dict.fromkeys(k for k in kinds if not (k == "整数" and "数字" in kinds)))
            out.append((loc, "应为" + "，或".join(names)))
        else:
            specific = [e for e in found if e["type"] not in _KINDS] or found
            out.append((loc, _message(specific[0])))
    return out
