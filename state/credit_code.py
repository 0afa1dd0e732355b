"""Validation of China's unified social credit code (GB 32100-2015)."""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters; no I, O, Z, S, V
_VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, ...


class CreditCodeError(ValueError):
    """Raised for an invalid code; ``code`` is a stable machine-readable reason."""

    def __init__(self, code: str, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_zh = message_zh


def check_character(first17: str) -> str:
    """Return the GB 32100 check character for the first 17 characters."""
    body = first17.strip().upper()
    if len(body) != 17:
        raise CreditCodeError(
            "length",
            f"expected 17 characters to compute a check character, got {len(body)}",
            f"计算校验位需要 17 位字符，实际为 {len(body)} 位",
        )
    bad = sorted({ch for ch in body if ch not in _VALUES})
    if bad:
        raise CreditCodeError(
            "charset",
            f"invalid character(s) {''.join(bad)!r}; allowed: {ALPHABET}",
            f"统一社会信用代码包含非法字符 {''.join(bad)}",
        )
    total = sum(_VALUES[ch] * w for ch, w in zip(body, WEIGHTS, strict=False))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(code: str) -> str:
    """Return the normalised (stripped, upper-case) code or raise CreditCodeError."""
    if not isinstance(code, str):
        raise CreditCodeError("charset", "credit code must be a string", "统一社会信用代码必须是字符串")
    norm = code.strip().upper()
    if len(norm) != 18:
        raise CreditCodeError(
            "length",
            f"unified social credit code must be 18 characters, got {len(norm)}",
            f"统一社会信用代码应为 18 位，实际为 {len(norm)} 位",
        )
    expected = check_character(norm[:17])  # also validates the charset of positions 1-17
    if norm[17] not in _VALUES:
        raise CreditCodeError(
            "charset",
            f"invalid check character {norm[17]!r}; allowed: {ALPHABET}",
            f"统一社会信用代码包含非法字符 {norm[17]}",
        )
    if not norm[2:8].isdigit():  # isdigit is safe here: charset already restricted to ASCII
        raise CreditCodeError(
            "division",
            f"administrative division code (positions 3-8) must be 6 digits, got {norm[2:8]!r}",
            f"行政区划码（第 3-8 位）应为 6 位数字，实际为 {norm[2:8]}",
        )
    if norm[17] != expected:
        raise CreditCodeError(
            "check_character",
            f"wrong check character {norm[17]!r}, expected {expected!r}",
            f"统一社会信用代码校验位错误，应为 {expected}",
        )
    return norm


def is_valid_credit_code(code: str) -> bool:
    try:
        validate_credit_code(code)
    except CreditCodeError:
        return False
    return True
