"""Field rules of request bodies and parameters (formats, bounds, required, text rules).

Most codes are pydantic's own error types (stable snake_case, what the validation handler in api/errors.py
receives); ``required`` stands for pydantic's ``missing``. ``PYDANTIC`` maps every pydantic error type the API can
raise to one of these rules; the facts are pydantic's ``ctx`` (``max_length``, ``ge``, ...).
"""

from contracts.rules import Rule, rule

REQUIRED = rule("required", "{name}必填")  # the name when a service knows the field's words
EXTRA_FORBIDDEN = rule("extra_forbidden", "不接受此字段")
STRING_TYPE = rule("string_type", "应为文本")
STRING_UNICODE = rule("string_unicode", "应为合法的文本（不能含单独的代理码位）")
STRING_TOO_LONG = rule("string_too_long", "内容过长，最多 {max_length} 个字符")
STRING_TOO_SHORT = rule("string_too_short", "内容过短，至少 {min_length} 个字符")
STRING_PATTERN = rule("string_pattern_mismatch", "格式不正确")
TEXT_BLANK = rule("text_blank", "不能为空，也不能只有空格或不可见字符")
CONTROL_CHARACTER = rule("control_character", "不能包含控制字符（{codepoints}）")
BIDI_CONTROL = rule("bidi_control", "{what}不能包含改变文字方向的控制字符（{codepoints}）")
NUMBER_TYPE = rule("number_type", "应为数值（不加引号的数字）")
INT_TYPE = rule("int_type", "应为整数")
FLOAT_TYPE = rule("float_type", "应为数字")
FINITE_NUMBER = rule("finite_number", "须为有限数值，不接受非数值或无穷大")
GREATER_THAN_EQUAL = rule("greater_than_equal", "数值不能小于 {ge}")
LESS_THAN_EQUAL = rule("less_than_equal", "数值不能大于 {le}")
BOOL_TYPE = rule("bool_type", "应为布尔值（是或否）")
DATE_PARSING = rule("date_parsing", "应为日期，格式为 年-月-日（如 2027-03-01）")
DATETIME_PARSING = rule("datetime_parsing", "应为带时区的日期时间（如 2027-03-01T09:00:00+08:00）")
DATE_OUT_OF_RANGE = rule("date_out_of_range", "日期须在 {earliest} 至 {latest} 之间")
CHOICE = rule("literal_error", "取值不在允许范围内")
ENUM = rule("enum", "取值不在所列选项之中")
UNION_TAG = rule("union_tag_invalid", "机构类型或级别不正确")
UNION_TAG_MISSING = rule("union_tag_not_found", "缺少机构类型或级别")
LIST_TYPE = rule("list_type", "应为列表")
OBJECT_TYPE = rule("model_type", "应为对象")
TOO_SHORT = rule("too_short", "条目过少，至少 {min_length} 项")
TOO_LONG = rule("too_long", "条目过多，最多 {max_length} 项")
JSON_INVALID = rule("json_invalid", "请求体无法解析，请检查其格式与字符编码")
FORM_INVALID = rule("form_invalid", "提交的内容不是有效的表单，请刷新页面后重试")
INVALID = rule("invalid", "取值不正确")

# pydantic's error type -> the rule it is refused by (a type not named here is refused as INVALID).
PYDANTIC: dict[str, Rule] = {
    "missing": REQUIRED,
    "extra_forbidden": EXTRA_FORBIDDEN,
    "string_type": STRING_TYPE,
    "string_unicode": STRING_UNICODE,
    "string_too_long": STRING_TOO_LONG,
    "string_too_short": STRING_TOO_SHORT,
    "string_pattern_mismatch": STRING_PATTERN,
    "text_blank": TEXT_BLANK,
    "control_character": CONTROL_CHARACTER,
    "bidi_control": BIDI_CONTROL,
    "number_type": NUMBER_TYPE,
    "int_type": INT_TYPE,
    "int_parsing": INT_TYPE,
    "int_from_float": INT_TYPE,
    "int_parsing_size": INT_TYPE,
    "float_type": FLOAT_TYPE,
    "float_parsing": FLOAT_TYPE,
    "finite_number": FINITE_NUMBER,
    "greater_than_equal": GREATER_THAN_EQUAL,
    "less_than_equal": LESS_THAN_EQUAL,
    "bool_type": BOOL_TYPE,
    "bool_parsing": BOOL_TYPE,
    "date_type": DATE_PARSING,
    "date_parsing": DATE_PARSING,
    "date_from_datetime_parsing": DATE_PARSING,
    "date_from_datetime_inexact": DATE_PARSING,
    "datetime_type": DATETIME_PARSING,
    "datetime_parsing": DATETIME_PARSING,
    "datetime_from_date_parsing": DATETIME_PARSING,
    "timezone_aware": DATETIME_PARSING,
    "date_out_of_range": DATE_OUT_OF_RANGE,
    "literal_error": CHOICE,
    "enum": ENUM,
    "union_tag_invalid": UNION_TAG,
    "union_tag_not_found": UNION_TAG_MISSING,
    "list_type": LIST_TYPE,
    "tuple_type": LIST_TYPE,
    "model_type": OBJECT_TYPE,
    "model_attributes_type": OBJECT_TYPE,
    "dict_type": OBJECT_TYPE,
    "too_short": TOO_SHORT,
    "too_long": TOO_LONG,
    "json_invalid": JSON_INVALID,
    "json_type": JSON_INVALID,
}
