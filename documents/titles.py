"""Where a title may break: between words, never inside one (GB/T 9704 7.2.3: 回行时词意完整, 排列对称).

A title is cut into words by longest match against a small list of this domain's words; a run of Latin letters
and digits (2026) is one word; any other character stands alone. The lines are then chosen among the breaks
between words: as few lines as fit the width, and of those the split whose longest line is shortest.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence

# Longer phrases first in effect (longest match): 就业服务质量标杆机构 stays whole when a line can hold it.
WORDS: frozenset[str] = frozenset(
    {
        "关于",
        "公布",
        "年度",
        "临沂市",
        "市级",
        "县级",
        "县区",
        "就业",
        "服务",
        "质量",
        "标杆",
        "机构",
        "就业服务质量标杆机构",
        "标杆机构",
        "评定",
        "结果",
        "名单",
        "通知",
        "决定",
        "撤销",
        "拟评定",
        "公示",
        "备案",
        "人力资源",
        "社会保障",
        "人力资源和社会保障局",
        "发展和改革",
        "发展改革",
        "委员会",
        "民政局",
        "申报表",
        "审批单",
        "兰山区",
        "罗庄区",
        "河东区",
        "沂南县",
        "郯城县",
        "沂水县",
        "兰陵县",
        "平邑县",
        "莒南县",
        "蒙阴县",
        "临沭县",
        "费县",
        "高新区",
        "经开区",
        "临港区",
        "沂河新区",
    }
)
_LONGEST = max(len(word) for word in WORDS)
_LATIN = re.compile(r"[0-9A-Za-z.\-]+")
# Beyond this many lines the search over breaks is skipped for a greedy fill (no real title gets there).
_SEARCHED_LINES = 4


def words(text: str) -> list[str]:
    """The title cut into words: 关于|公布|2026|年度|临沂市|市级|就业服务质量标杆机构|评定|结果|的|通知."""
    out: list[str] = []
    i = 0
    while i < len(text):
        latin = _LATIN.match(text, i)
        if latin:
            out.append(latin.group())
            i = latin.end()
            continue
        for length in range(min(_LONGEST, len(text) - i), 0, -1):
            if length == 1 or text[i : i + length] in WORDS:
                out.append(text[i : i + length])
                i += length
                break
    return out


def title_lines(text: str, measure: Callable[[str], float], width: float) -> list[str]:
    """The title's lines; a "\\n" in it is a break the caller chose. measure gives a string's width."""
    lines: list[str] = []
    for part in text.splitlines() or [""]:
        lines.extend(_split(words(part), measure, width))
    return lines


def _split(tokens: Sequence[str], measure: Callable[[str], float], width: float) -> list[str]:
    units = [piece for token in tokens for piece in (token if measure(token) > width else [token])]
    if not units:
        return [""]
    for count in range(1, min(len(units), _SEARCHED_LINES) + 1):
        best: list[str] | None = None
        for cuts in itertools.combinations(range(1, len(units)), count - 1):
            bounds = (0, *cuts, len(units))
            lines = ["".join(units[a:b]) for a, b in itertools.pairwise(bounds)]
            if all(measure(line) <= width for line in lines) and (
                best is None or max(map(measure, lines)) < max(map(measure, best))
            ):
                best = lines
        if best is not None:
            return best
    return _greedy(units, measure, width)


def _greedy(units: Sequence[str], measure: Callable[[str], float], width: float) -> list[str]:
    lines = [""]
    for unit in units:
        if lines[-1] and measure(lines[-1] + unit) > width:
            lines.append("")
        lines[-1] += unit
    return lines
