"""A definition with a mistake is refused naming the file, the line of the key and the key path, in Chinese."""

import re

import pytest

from programs.load import SEED, DefinitionError, parse
from tomlpath import line_map

TEXT = SEED.read_text(encoding="utf-8")


def refused(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as e:
        parse(text, "programs/definitions/x.toml")
    return [p.said for p in e.value.problems]


def line_where(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def test_the_linyi_definition_is_valid_and_its_sha256_is_of_its_bytes():
    import hashlib

    assert parse(TEXT, "x").sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest()


def test_a_bound_that_is_not_a_number_is_named_by_line_and_path():
    wrong = TEXT.replace('unit = "㎡"\nmin = 0', 'unit = "㎡"\nmin = "零"', 1)
    line = line_where(wrong, 'min = "零"')
    assert refused(wrong) == [f"programs/definitions/x.toml 第{line}行：facts[6].min 应为数字"]


def test_a_rule_s_value_in_the_third_type_is_found_in_its_array_of_tables():
    wrong = TEXT.replace("value = 500", 'value = "五百"')
    line = line_where(wrong, 'value = "五百"')
    assert refused(wrong) == [f"programs/definitions/x.toml 第{line}行：institution_types[3].rules[0].value 应为数字"]


def test_an_unknown_key_a_bound_and_a_missing_key_are_each_said():
    wrong = TEXT.replace("[notice]\nworking_days = 5", "[notice]\nworking_dais = 5\nworking_days = 0")
    said = refused(wrong)
    assert (
        f"programs/definitions/x.toml 第{line_where(wrong, 'working_dais')}行：notice.working_dais 不是定义中的项（多余或拼写有误）"
        in said
    )
    assert (
        f"programs/definitions/x.toml 第{line_where(wrong, 'working_days = 0')}行：notice.working_days 应不小于1"
        in said
    )
    gone = TEXT.replace('id = "linyi-2026"\n', "")
    assert refused(gone) == ["programs/definitions/x.toml：id 缺少此项"]
    no_label = TEXT.replace('key = "training"\nlabel = "职业培训机构"\n', 'key = "training"\n')
    line = line_where(no_label, 'key = "training"') - 1  # the [[institution_types]] header above it
    assert refused(no_label) == [f"programs/definitions/x.toml 第{line}行：institution_types[5].label 缺少此项"]


def test_references_to_undefined_keys_name_the_item_in_a_one_line_array():
    wrong = TEXT.replace(
        '"registration_certificate", "premises_photos"]', '"registration_certificat", "premises_photos"]'
    )
    (said,) = refused(wrong)
    line = line_where(wrong, '"registration_certificat"')
    assert said.startswith(
        f"programs/definitions/x.toml 第{line}行：materials.rules[0].required[2] 没有此材料：registration_certificat"
    )
    typo = TEXT.replace('fact = "budget_funded"', 'fact = "budget"')
    line = line_where(typo, 'fact = "budget"')
    said = f"programs/definitions/x.toml 第{line}行：institution_types[1].rules[1].fact 此类型没有事项：budget"
    assert refused(typo) == [said]


def test_a_code_used_twice_and_weights_that_do_not_add_up():
    twice = TEXT.replace('code = "village_staff_min_1"', 'code = "township_staff_min_5"')
    assert any("规则代码“township_staff_min_5”重复" in s for s in refused(twice))
    weights = TEXT.replace("default_weights = {}", "default_weights = { written = 0.5, defence = 0.4 }")
    (said,) = refused(weights)
    assert (
        said
        == f"programs/definitions/x.toml 第{line_where(weights, 'default_weights')}行：review.default_weights 各项权重应大于0且之和为1"
    )


def test_broken_toml_is_said_with_its_line():
    wrong = TEXT.replace("[notice]\n", "[notice\n")
    assert refused(wrong) == [f"programs/definitions/x.toml 第{line_where(wrong, '[notice')}行：不是有效的TOML格式"]


def test_the_line_map_reads_arrays_over_several_lines_and_nested_tables():
    text = 'a = [\n  "x",\n  "y", "z",\n]\n[[t]]\nk = 1\n[[t]]\nk = 2\n[[t.u]]\nv = 3\n[s.w]\nq = { r = 1 }\n'
    found = line_map(text)
    assert (found[("a", 0)], found[("a", 1)], found[("a", 2)]) == (2, 3, 3)
    assert (found[("t", 0, "k")], found[("t", 1, "k")], found[("t", 1, "u", 0, "v")], found[("s", "w", "q")]) == (
        6,
        8,
        10,
        12,
    )


def test_every_message_is_chinese_but_the_key_path():
    wrong = TEXT.replace("working_days = 5", 'working_days = "五"').replace("ends_at_hour = 24", "ends_at_hour = 25")
    for said in refused(wrong):
        message = said.split("：", 1)[1]
        words = re.sub(r"^[a-z_\[\]0-9.]+ ", "", message)
        assert not re.search(r"[A-Za-z]", words), said


def test_a_rule_s_operator_and_value_must_fit_its_fact():
    on_text = TEXT.replace('fact = "staff_count"\nop = ">="\nvalue = 5', 'fact = "address"\nop = ">="\nvalue = 5')
    line = line_where(on_text, 'fact = "address"') + 1
    assert refused(on_text) == [
        f"programs/definitions/x.toml 第{line}行：institution_types[1].rules[0].op 事项“地址”不是数字，不能比较大小"
    ]
    on_one = TEXT.replace(
        'fact = "staff_count"\nop = ">="\nvalue = 5', 'fact = "staff_count"\nop = "min_items"\nvalue = 5'
    )
    assert refused(on_one)[0].endswith("institution_types[1].rules[0].op 事项“工作人员数”只填一项，不能按多项判断")
    number_for_yes = TEXT.replace(
        'fact = "budget_funded"\nop = "=="\nvalue = true', 'fact = "budget_funded"\nop = "=="\nvalue = 1'
    )
    assert refused(number_for_yes)[0].endswith("institution_types[1].rules[1].value 应为 true 或 false")


def test_a_value_of_none_of_a_union_s_types_says_each():
    wrong = TEXT.replace(
        'required = ["city"]\n\n[[facts]]\nname = "county_title_date"',
        'required = "city"\n\n[[facts]]\nname = "county_title_date"',
    )
    (said,) = refused(wrong)
    assert said.endswith("facts[13].required 应为true 或 false，或列表")
