"""What counts as text: which characters show, which are controls, which reorder what a reader sees.

A required text must show something once whitespace, separators (Unicode Z*), format characters (Cf, the
zero-width ones among them) and a few letters that draw nothing (Hangul fillers, the blank braille pattern) are
taken out. Control characters (Cc) are refused in every text (PostgreSQL cannot store NUL; the others only
hide things), except tab and line breaks where a text may span lines. Bidirectional overrides and isolates
(U+202A–U+202E, U+2066–U+2069) are refused in names, where they can make a name read as another.
"""

import unicodedata

BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_CONTROLS = frozenset("\t\n\r")  # allowed in multi-line text (a browser's textarea sends CR LF)

# The characters that show nothing (invisible() below), as ranges, for JSON Schema patterns (which cannot name
# Unicode categories portably); tests/api/test_invisible_text.py checks them against unicodedata.
INVISIBLE_RANGES = (
    (0x0, 0x20),
    (0x7F, 0xA0),
    (0xAD, 0xAD),
    (0x600, 0x605),
    (0x61C, 0x61C),
    (0x6DD, 0x6DD),
    (0x70F, 0x70F),
    (0x890, 0x891),
    (0x8E2, 0x8E2),
    (0x115F, 0x1160),
    (0x1680, 0x1680),
    (0x180E, 0x180E),
    (0x2000, 0x200F),
    (0x2028, 0x202F),
    (0x205F, 0x2064),
    (0x2066, 0x206F),
    (0x2800, 0x2800),
    (0x3000, 0x3000),
    (0x3164, 0x3164),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)


def is_control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc"


def invisible(ch: str) -> bool:
    """True for a character that shows nothing by itself: whitespace, Z*, Cf, Cc, the blank letters."""
    category = unicodedata.category(ch)
    return ch.isspace() or category[0] == "Z" or category in ("Cf", "Cc") or ch in BLANK_LETTERS


def visible(text: str) -> str:
    """``text`` without what shows nothing."""
    return "".join(ch for ch in text if not invisible(ch))


def controls(text: str, multiline: bool = False) -> list[str]:
    """The control characters ``text`` may not hold (tab and line breaks are allowed in multi-line text)."""
    return [ch for ch in text if is_control(ch) and not (multiline and ch in LINE_CONTROLS)]


def bidi_controls(text: str) -> list[str]:
    return [ch for ch in text if ch in BIDI_CONTROLS]


def problem(value: str, multiline: bool, required: bool, names: bool = False) -> tuple[str, str] | None:
    """Why ``value`` is refused, as (rule, Chinese message); None when it is accepted."""
    bad = controls(value, multiline)
    if bad:
        return "control_character", f"不能包含控制字符（{codepoints(bad)}）"
    bidi = bidi_controls(value) if names else []
    if bidi:
        return (
            "bidi_control",
            f"名称不能包含改变文字方向的控制字符（{codepoints(bidi)}）",
        )
    if required and not visible(value):
        return "text_blank", "不能为空，也不能只有空格或不可见字符"
    return None


def codepoints(chars: list[str]) -> str:
    """``["\\x00", "\\u202e"]`` as "U+0000、U+202E", for messages."""
    return "、".join(dict.fromkeys(f"U+{ord(ch):04X}" for ch in chars))


def _class_part(first: int, last: int) -> str:
    def one(cp: int) -> str:
        return f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}" if cp < 0x10000 else chr(cp)

    return one(first) if first == last else f"{one(first)}-{one(last)}"


def char_class(ranges: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> str:
    """The body of a regular-expression character class: ``\\x`` and ``\\u`` escapes (read alike by Python, the
    Rust regex crate pydantic uses and ECMAScript) and, above the BMP, the characters themselves."""
    return "".join(_class_part(a, b) for a, b in ranges)


CONTROL_RANGES = ((0x0, 0x1F), (0x7F, 0x9F))
CONTROL_RANGES_MULTILINE = ((0x0, 0x8), (0xB, 0xC), (0xE, 0x1F), (0x7F, 0x9F))
BIDI_RANGES = ((0x202A, 0x202E), (0x2066, 0x2069))


def pattern(multiline: bool, required: bool, names: bool = False) -> str:
    """The JSON Schema pattern of a text: no forbidden control (nor, in names, bidirectional control) and, when
    required, at least one visible character. It says exactly what the validators check."""
    refused = list(CONTROL_RANGES_MULTILINE if multiline else CONTROL_RANGES) + (list(BIDI_RANGES) if names else [])
    allowed = f"[^{char_class(refused)}]*"
    if not required:
        return f"^{allowed}$"
    shown = f"[^{char_class(list(INVISIBLE_RANGES) + (list(BIDI_RANGES) if names else []))}]"
    return f"^{allowed}{shown}{allowed}$"
