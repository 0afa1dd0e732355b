"""Declarations, acts on an application, corrections, materials, documents, batch acts, history."""

from contracts.rules import rule

# Who sees which application, and whether the procedure allows an act now (services/access.py, services/acts.py).
APPLICATION_NOT_FOUND = rule("application_not_found", "未找到该申报，或不在您的查看范围内")
NO_ACT_FORM = rule("no_act_form", "没有这项办理")

# Declarations and resubmissions (services/declarations.py, services/corrections.py).
COUNTY_TITLE_NOT_ON_RECORD = rule(
    "county_title_not_on_record",
    "未查到该机构（{credit_code}）的县级标杆机构称号记录：市级申报须已被评定为县级就业服务质量标杆机构；"
    "历史称号请先导入",
)
COUNTY_TITLE_MISMATCH = rule("county_title_mismatch", "填写的县级标杆机构称号（{declared}）与记录（{on_record}）不符")
CITY_LEVEL_IN_ROUND = rule(
    "city_level_in_round",
    "市级标杆机构须经评定批次竞争性评审择优确定：市级申报须填写所参加的评定批次",
)
DECLARATION_WINDOW = rule("declaration_window", "不在该批次的申报时间内：{window}")
IDEMPOTENCY_KEY_REUSED = rule("idempotency_key_reused", "此表单已提交过另一份申报，请重新打开申报表")
CORRECTION_ITEM_UNKNOWN = rule("correction_item_unknown", "不是本申报材料清单或评定条件中的项目：{items}")
CORRECTION_ITEM_NOT_RESUPPLIED = rule("correction_item_not_resupplied", "退回补正要求重新提交：{title}")

# Files: uploads, a declaration's materials, evidence (services/materials.py).
MATERIAL_UNKNOWN = rule("material_unknown", "没有您上传的此文件")
MATERIALS_TOO_LARGE = rule("materials_too_large", "申报材料合计 {total} 字节，超过上限 {limit} 字节")
MATERIAL_EXPIRED = rule("material_expired", "文件已过期，请重新上传：{materials}")
TOO_MANY_EVIDENCE_FILES = rule("too_many_evidence_files", "最多附{limit}个证据文件（已附{given}个）")
EVIDENCE_UNKNOWN = rule("evidence_unknown", "没有此证据文件：{materials}")
FILE_TOO_LARGE = rule("file_too_large", "文件超过大小上限 {limit} 字节")
MULTIPART_TOO_MANY_PARTS = rule(
    "multipart_too_many_parts",
    "上传请求的表单部分过多或过大：最多 {limit} 个字段、{limit} 个文件，每个文本字段不超过 {field_kib} 千字节；"
    "一次上传只需一个文件字段",
)
MULTIPART_INVALID = rule("multipart_invalid", "上传请求不是有效的文件上传表单")
FILE_TYPE_NOT_ACCEPTED = rule("file_type_not_accepted", "只接受{kinds}文件（按文件内容判断，而非文件名）")
NOT_UNDER_NOTICE = rule("not_under_notice", "该申报不在公示期内，或不存在")
MATERIAL_NOT_FOUND = rule("material_not_found", "该申报没有这个文件")
MATERIAL_UNREADABLE = rule("material_unreadable", "存储的文件无法读取，请联系管理员")

# Batch acts (services/batch.py).
NO_BATCH_ACT = rule("no_batch_act", "没有这项批量办理")
BATCH_NOT_FOR_ROLE = rule("batch_not_for_role", "您的角色不能批量办理“{act}”")
BATCH_FIELD_INVALID = rule("invalid_input", "{name}填写有误")

# Documents (services/documents.py).
NOT_ANNOUNCED = rule("not_announced", "尚未公布：三个部门会签后才有公布文件")
NO_PLAQUE = rule("no_plaque", "未授牌或称号已撤销：没有可打印的奖牌证书")
NOTHING_UNDER_NOTICE = rule("nothing_under_notice_in_round", "该批次没有公示中的申报")
NOT_NOTICED_IN_ROUND = rule("not_noticed_in_round", "该申报未在评定批次中公示，没有公示名单")
# Archive packages (services/archive.py).
NOT_ARCHIVABLE = rule(
    "not_archivable", "该申报目前为“{state_label}”，尚未办结：授牌、撤销、未通过或撤回后才能下载归档包"
)
ARCHIVE_YEAR_EMPTY = rule("archive_year_empty", "{county}{year}年没有可归档的申报，或该县区不在您的查看范围内")
NOT_A_READER = rule("not_a_reader", "您的角色无权查看申报")
ACT_NOT_FOR_ROLE = rule("act_not_for_role", "您的角色不能办理此事项")
