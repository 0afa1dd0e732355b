"""One institution, one live declaration (统一社会信用代码, city-wide, per level): the rules a declaration and the
historic import may break."""

from contracts.rules import rule

INSTITUTION_ALREADY_DECLARED = rule(
    "institution_already_declared",
    "统一社会信用代码为{credit_code}的机构已有一份{level_label}申报正在办理中{yours}，"
    "在其办结（撤回或未通过）之前不能再次申报",
)
INSTITUTION_ALREADY_TITLED = rule(
    "institution_already_titled",
    "统一社会信用代码为{credit_code}的机构已获{level_title}称号且未被撤销，不能再次申报该级别称号",
)
HISTORIC_TITLE_ALREADY_HELD = rule(
    "historic_title_already_held",
    "第{line}行：统一社会信用代码为{credit_code}的机构已有未撤销的{level_title}称号{held}，不能再导入该级别称号",
)
HISTORIC_TITLE_TWICE_IN_FILE = rule(
    "historic_title_twice_in_file",
    "第{line}行：统一社会信用代码为{credit_code}的机构在第{first_line}行已有{level_title}称号，同一机构同一级别只能导入一行",
)
