"""The register of refusal rules: every code once, snake_case, its text Chinese with no English left in it."""

import re
from pathlib import Path

import pytest

from contracts.rules import RULES, Rule, rule, text_of
from contracts.rules import engine as engine_rules

ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_every_rule_is_said_in_chinese_only():
    wrong = []
    for code, r in RULES.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", code), code
        bare = re.sub(r"\{[^}]*\}", "", r.text)
        if not CHINESE.search(bare) or ASCII_WORD.search(bare.replace("MiB", "").replace("PDF", "")):
            wrong.append(f"{code}: {r.text}")
    assert not wrong, "\n".join(wrong)


def test_a_rule_says_its_facts_and_leaves_out_a_missing_one():
    r = Rule("x_sample", "文件超过 {limit} 字节{extra}")
    assert r.facts == ("limit", "extra")
    assert r.say(limit=5) == "文件超过 5 字节"
    assert text_of("no_such_code") is None


def test_a_code_is_registered_once():
    rule("x_once_only_for_this_test", "一次")
    with pytest.raises(ValueError):
        rule("x_once_only_for_this_test", "两次")
    del RULES["x_once_only_for_this_test"]


# Codes whose provoking test lands with the services branches: registered by an area other than the engine's and
# not yet provoked by any test here. The lead empties this at the merge.
CODES_WHOSE_PROVOKING_TEST_LANDS_WITH_THE_SERVICES_BRANCHES: frozenset[str] = frozenset()
TESTS = Path(__file__).parent


def test_every_rule_has_its_text_and_a_test_that_provokes_it():
    """Each code has Chinese text, and its literal appears in a test other than this one (a test that provokes the
    refusal and asserts its code)."""
    sources = [p.read_text(encoding="utf-8") for p in TESTS.rglob("*.py") if p != Path(__file__)]
    untested = []
    for code, r in RULES.items():
        assert CHINESE.search(r.text), code
        if code in CODES_WHOSE_PROVOKING_TEST_LANDS_WITH_THE_SERVICES_BRANCHES:
            continue
        if not any(f'"{code}"' in s or f"'{code}'" in s for s in sources):
            untested.append(code)
    assert not untested, f"no test provokes: {', '.join(sorted(untested))}"


def test_the_exempt_codes_are_registered_and_not_the_engines():
    exempt = CODES_WHOSE_PROVOKING_TEST_LANDS_WITH_THE_SERVICES_BRANCHES
    engine = {v.code for v in vars(engine_rules).values() if isinstance(v, Rule)}
    assert exempt <= set(RULES) and not exempt & engine


def test_refuse_with_a_rule_says_its_text_and_carries_its_code_and_facts():
    from contracts.refusals import RefusalKind, refuse

    err = refuse(
        RefusalKind.invalid_input,
        engine_rules.SCORE_RANGE,
        field="score",
        field_label="书面评审",
        low=0,
        high=100,
        value="101",
    )
    assert err.type == "InvalidInput" and err.non_retryable
    assert err.message == "书面评审评分须在0到100分之间，填写的是101"
    assert err.details[0] == {
        "rule": "score_range",
        "field": "score",
        "field_label": "书面评审",
        "low": 0,
        "high": 100,
        "value": "101",
    }
    plain = refuse(RefusalKind.forbidden, "不可")
    assert plain.message == "不可" and plain.details[0] == {}
