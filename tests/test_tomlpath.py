"""The one TOML line reader of region and program files: the keys of a one-line inline table, nested ones too, and
what is inside its strings and arrays is not taken for a key."""

from tomlpath import line_map, line_of


def test_the_keys_of_an_inline_table_are_on_its_line_and_strings_hold_no_keys():
    text = (
        '[[cities]]\nname = "x"\nhrss = { name = "a=b, c = d", code = "临人社字", extra = { deep = [1, { e = 2 }] } }\n'
    )
    found = line_map(text)
    assert found[("cities", 0, "hrss", "code")] == 3
    assert found[("cities", 0, "hrss", "extra", "deep")] == 3
    assert ("cities", 0, "hrss", "c") not in found and ("cities", 0, "hrss", "extra", "e") not in found


def test_a_path_not_written_is_placed_at_its_nearest_written_parent():
    text = "a = 1\n\n[t]\nk = { x = 1 }\n"
    assert line_of(text, ("t", "k", "y")) == 4
    assert line_of(text, ("t", "missing")) == 3
    assert line_of(text, ("nowhere",)) is None
