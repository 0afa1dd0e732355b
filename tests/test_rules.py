"""The register of refusal rules: every code once, snake_case, its text Chinese with no English left in it."""

import re

import pytest

from contracts.rules import RULES, Rule, rule, text_of

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
