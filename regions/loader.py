"""Reading region files: TOML (tomllib) checked against regions.model, errors naming the file, line and field.

Pure apart from reading the files it is given: the deployment's region is read once, at import, by
``regions.catalog``. The worker passes these modules through Temporal's sandbox; the golden replays import them
inside it, where ``pathlib.Path`` is a restricted proxy even at import: files are named by plain strings and read
with ``open`` and ``os`` (refused there only at run time), never ``Path.read_text`` or ``Path.glob``.
"""

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from regions.model import Province
from tomlpath import line_map, line_of

DEFINITIONS_DIR: str = os.path.join(os.path.dirname(os.path.abspath(__file__)), "definitions")
DEFINITIONS = Path(DEFINITIONS_DIR)

# Each key's location in a region file's text -> its line: the reader the program definitions use too.
key_lines = line_map

# pydantic's error types, in the words of whoever edits a region file
_MESSAGES: Mapping[str, str] = {
    "missing": "缺少此项",
    "extra_forbidden": "不认识的字段（请检查拼写）",
    "string_type": "应为文字（用双引号括起）",
    "string_too_short": "不能为空或过短",
    "tuple_type": "应为列表（[[…]] 表或 [ … ] 数组）",
    "model_type": "应为表（{ … } 或 [ … ] 节）",
    "model_attributes_type": "应为表（{ … } 或 [ … ] 节）",
    "too_short": "至少需要一项",
    "literal_error": "只能是以下之一：{expected}",
}


# The fields in the words of the file's editor, for the field's place in a message (临沂市 › 兰山区 › 机关代字)
_FIELDS: Mapping[str, str] = {
    "province": "省份",
    "cities": "城市",
    "counties": "县区",
    "name": "名称",
    "short": "简称",
    "kind": "类别",
    "code": "机关代字",
    "hrss": "人力资源和社会保障部门",
    "drc": "发展和改革部门",
    "civil_affairs": "民政部门",
}


class RegionError(ValueError):
    """A region file that cannot be used: where (file, line, field) and what, in Chinese."""

    def __init__(self, path: Path | str, line: int | None, field: str, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.field = field
        self.problem = problem
        where = f" 第{line}行" if line else ""
        what = f"字段 {field}：" if field else ""
        super().__init__(f"地区定义文件 {self.path}{where}，{what}{problem}")


def _field(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _place(loc: tuple[str | int, ...], data: object) -> str:
    """The field's place in Chinese: each city or county by its name in the file, each key by its meaning."""
    steps: list[str] = []
    here = data
    for part in loc:
        if isinstance(part, int):
            here = here[part] if isinstance(here, list) and part < len(here) else None
            named = here.get("name") if isinstance(here, dict) else None
            steps[-1:] = [named if isinstance(named, str) else f"{steps[-1] if steps else ''}第{part + 1}项"]
            continue
        steps.append(_FIELDS.get(part, part))
        here = here.get(part) if isinstance(here, dict) else None
    return " › ".join(steps)


def _problem(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error.get("msg", "")))
    template = _MESSAGES.get(kind)
    if template is None:
        return f"取值不符合要求（{error.get('input')!r}）"
    expected = str(error.get("ctx", {}).get("expected", ""))
    return template.format(expected="、".join(re.findall(r"'([^']*)'", expected)) or expected)


def parse(text: str, path: Path | str = "<文本>") -> Province:
    """A region file's text, checked; a :class:`RegionError` names the first problem's line and field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        at = re.search(r"line (\d+)", str(e))
        raise RegionError(path, int(at.group(1)) if at else None, "", "不是有效的 TOML 文本") from e
    try:
        return Province.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        loc = tuple(p for p in first["loc"] if isinstance(p, str | int))
        line = line_of(text, loc)
        place = _place(loc, data)
        field = f"{_field(loc)}（{place}）" if place else _field(loc)
        raise RegionError(path, line, field, _problem(first)) from e


def load_file(path: Path | str) -> Province:
    path = path if isinstance(path, str) else os.fspath(path)
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError) as e:
        raise RegionError(path, None, "", "无法读取（文件不存在或不是 UTF-8 文本）") from e
    return parse(text, path)


def load_directory(directory: Path | str) -> tuple[Province, ...]:
    """Every ``*.toml`` in ``directory``, in name order (deterministic)."""
    where = directory if isinstance(directory, str) else os.fspath(directory)
    names = sorted(n for n in os.listdir(where) if n.endswith(".toml"))
    return tuple(load_file(os.path.join(where, n)) for n in names)
