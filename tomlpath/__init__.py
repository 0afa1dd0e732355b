"""Where a key path sits in a TOML text: the line of ``institution_types[2].facts[0].min`` or of
``cities[0].counties[3].hrss.code``, for the errors that name a definition's file, line and field.

A small reader of TOML's structure (table headers, arrays of tables counted per parent, ``key = value`` lines,
dotted and quoted keys, arrays of values over several lines, the keys of one-line inline tables), enough to point
at the line of a mistake. A path not written in the file (a key that is missing) is placed at the nearest enclosing
table or key that is.

A leaf: it imports nothing of biaogan. ``regions`` uses it inside Temporal's workflow sandbox, so it reads no files
and keeps no state; the same text always gives the same lines.
"""

import re

Loc = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_DOTTED = r"(?:[A-Za-z0-9_-]+|\"[^\"]*\")(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"))*"
_KEY = re.compile(rf"^\s*({_DOTTED})\s*=\s*(.*)$")
_INLINE_KEY = re.compile(rf"\s*({_DOTTED})\s*=")


def _names(dotted: str) -> list[str]:
    return [n.strip().strip('"') for n in re.findall(r'"[^"]*"|[^.]+', dotted)]


def _items(text: str) -> tuple[int, int]:
    """In part of an array written on one line: (values begun, net bracket depth change), quotes respected."""
    begun, depth, in_string, expecting = 0, 0, "", True
    for ch in text:
        if in_string:
            if ch == in_string:
                in_string = ""
            continue
        if ch == "#":
            break
        if ch in "\"'":
            in_string = ch
        if ch in "[{":
            if depth == 0 and expecting:
                begun, expecting = begun + 1, False
            depth += 1
            continue
        if ch in "]}":
            depth -= 1
            continue
        if depth == 0 and ch == ",":
            expecting = True
        elif depth == 0 and expecting and not ch.isspace():
            begun, expecting = begun + 1, False
    return begun, depth


def _inline_keys(text: str, path: Loc) -> list[Loc]:
    """The key paths of an inline table written on one line (``text`` begins just after its ``{``), nested ones
    too; keys inside arrays within it are left to their array's path."""
    found: list[Loc] = []
    tables: list[Loc] = [path]  # the inline tables open here, innermost last
    last: Loc = path  # the key most recently read
    arrays = 0  # arrays open inside the innermost table
    at, in_string = 0, ""
    expecting_key = True
    while at < len(text):
        ch = text[at]
        if in_string:
            in_string = "" if ch == in_string else in_string
            at += 1
            continue
        if expecting_key and not arrays and (m := _INLINE_KEY.match(text, at)):
            last = (*tables[-1], *_names(m.group(1)))
            found.append(last)
            at, expecting_key = m.end(), False
            continue
        if ch == "#":
            break
        if ch in "\"'":
            in_string = ch
        elif ch == "{" and not arrays:
            tables.append(last)
            expecting_key = True
        elif ch == "}" and not arrays:
            tables.pop()
            if not tables:
                break
        elif ch == "[":
            arrays += 1
        elif ch == "]":
            arrays -= 1
        elif ch == "," and not arrays:
            expecting_key = True
        at += 1
    return found


def line_map(text: str) -> dict[Loc, int]:
    """Every key path written in ``text`` (as pydantic spells a location: ``("cities", 0, "counties", 3, "hrss",
    "code")``) -> its line (1-based)."""
    found: dict[Loc, int] = {}
    counts: dict[Loc, int] = {}  # an array of tables -> how many written so far
    table: Loc = ()
    array: tuple[Loc, int, int] | None = None  # an array of values still open: its path, values so far, depth

    def resolve(names: list[str]) -> Loc:
        path: Loc = ()
        for name in names:
            path = (*path, name)
            if path in counts:
                path = (*path, counts[path] - 1)
        return path

    for number, line in enumerate(text.splitlines(), start=1):
        if array is not None:
            path, so_far, depth = array
            begun, change = _items(line)
            if depth == 1:
                for k in range(begun):
                    found.setdefault((*path, so_far + k), number)
            array = (path, so_far + begun, depth + change) if depth + change > 0 else None
            continue
        if m := _HEADER.match(line):
            names = _names(m.group(2))
            if m.group(1) == "[[":
                parent = resolve(names[:-1])
                key = (*parent, names[-1])
                counts[key] = counts.get(key, 0) + 1
                found.setdefault(key, number)
                table = (*key, counts[key] - 1)
            else:
                table = resolve(names)
            found.setdefault(table, number)
            continue
        if m := _KEY.match(line):
            path = (*table, *_names(m.group(1)))
            found.setdefault(path, number)
            value = m.group(2).strip()
            if value.startswith("["):
                begun, depth = _items(value[1:])
                for k in range(begun):
                    found.setdefault((*path, k), number)
                if depth + 1 > 0:
                    array = (path, begun, depth + 1)
            elif value.startswith("{"):
                for inner in _inline_keys(value[1:], path):
                    found.setdefault(inner, number)
    return found


def line_of(text: str, loc: Loc) -> int | None:
    """The line of ``loc`` in ``text``, or of the nearest enclosing path written there; None if none is."""
    found = line_map(text)
    for end in range(len(loc), 0, -1):
        if loc[:end] in found:
            return found[loc[:end]]
    return None
