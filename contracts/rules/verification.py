"""验真: the public check of a sealed document (services/verification.py)."""

from contracts.rules import rule

VERIFY_NOTHING = rule("verify_nothing", "请上传要验证的PDF文件，或填写要查询的文号")
VERIFY_EMPTY = rule("verify_empty", "上传的文件是空的，请选择要验证的PDF文件")
VERIFY_NOT_PDF = rule("verify_not_pdf", "上传的文件不是PDF文件，无法验证印章")
VERIFY_TOO_LARGE = rule("verify_too_large", "文件超过大小上限 {limit} 字节，无法验证")
VERIFY_NUMBER_TOO_LONG = rule("verify_number_too_long", "文号过长（不超过{limit}个字），请核对后重新填写")
