import pytest

from state.credit_code import (
    ALPHABET,
    WEIGHTS,
    CreditCodeError,
    check_character,
    is_valid_credit_code,
    validate_credit_code,
)

# Widely published example code, verified by hand (not by our own function):
#   chars:   9  1  3  5  0  1  0  0  M  0  0  0  1  0  0  Y  4
#   values:  9  1  3  5  0  1  0  0 21  0  0  0  1  0  0 30  4
#   weights: 1  3  9 27 19 26 16 17 20 29 25 13  8 24 10 30 28
#   products: 9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640
#   1640 mod 31 = 28 (31*52 = 1612);  31 - 28 = 3  -> check character '3'
PUBLISHED = "91350100M000100Y43"

BODIES = ["91110000600037341", "12100000400000798", "52440300MJL012345", "Y1000000XYWUTRQPN"]


def test_weights_match_standard():
    assert list(WEIGHTS) == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    assert len(ALPHABET) == 31 and not set("IOZSV") & set(ALPHABET)


def test_published_example_is_valid():
    assert check_character(PUBLISHED[:17]) == "3"
    assert validate_credit_code(PUBLISHED) == PUBLISHED
    assert is_valid_credit_code(PUBLISHED)


def test_check_character_maps_31_to_zero():
    # body whose weighted sum is 0 mod 31 -> 31 - 0 = 31 -> '0'
    assert check_character("0" * 17) == "0"
    # single 'Y' (30) at weight 1: sum 30 -> 31 - 30 = 1
    assert check_character("Y" + "0" * 16) == "1"
    # '1' at weight 3: sum 3 -> 28 -> 'W'
    assert check_character("01" + "0" * 15) == "W"


@pytest.mark.parametrize("body", BODIES)
def test_any_single_change_invalidates(body):
    code = body + check_character(body)
    assert validate_credit_code(code) == code
    for pos in range(18):
        for ch in ALPHABET:
            if ch == code[pos]:
                continue
            mutated = code[:pos] + ch + code[pos + 1 :]
            assert not is_valid_credit_code(mutated), (pos, mutated)


def test_lowercase_and_whitespace_normalised():
    assert validate_credit_code("  91350100m000100y43\n") == PUBLISHED
    assert check_character("91350100m000100y4") == "3"


@pytest.mark.parametrize("bad", ["", "91350100M000100Y4", "91350100M000100Y433"])
def test_wrong_length(bad):
    with pytest.raises(CreditCodeError) as ei:
        validate_credit_code(bad)
    assert ei.value.code == "length"
    assert "18" in str(ei.value) and "18" in ei.value.message_zh


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_forbidden_letters(letter):
    for pos in (0, 10, 17):
        bad = PUBLISHED[:pos] + letter + PUBLISHED[pos + 1 :]
        with pytest.raises(CreditCodeError) as ei:
            validate_credit_code(bad)
        assert ei.value.code == "charset"
        assert letter in str(ei.value)
        assert not is_valid_credit_code(bad)


def test_non_ascii_digits_rejected_as_charset():
    with pytest.raises(CreditCodeError) as ei:
        validate_credit_code("91３50100M000100Y43")
    assert ei.value.code == "charset"


def test_non_digit_division_code():
    body = "9135A100M000100Y4"
    code = body + check_character(body)  # check character is right, division is not
    with pytest.raises(CreditCodeError) as ei:
        validate_credit_code(code)
    assert ei.value.code == "division"
    assert "3-8" in str(ei.value)


def test_wrong_check_character():
    with pytest.raises(CreditCodeError) as ei:
        validate_credit_code("91350100M000100Y44")
    err = ei.value
    assert err.code == "check_character"
    assert isinstance(err, ValueError)
    assert "'3'" in str(err)
    assert err.message_zh == "统一社会信用代码校验位错误，应为 3"


def test_non_string_input():
    assert not is_valid_credit_code(None)  # type: ignore[arg-type]
