"""撤销决定 (workflows/revocation.py): the rules a revocation proposal and its co-signatures may break."""

from contracts.rules import rule

REVOCATION_ALREADY_PROPOSED = rule(
    "revocation_already_proposed", "该称号已有一项待会签的撤销提议，须待其办结（撤销或否决）后才能再次提议"
)
REVOCATION_NONE_OPEN = rule("revocation_none_open", "该称号没有待会签的撤销提议")
REVOCATION_NOT_FOUND = rule("revocation_not_found", "未找到该撤销提议，或不在您的查看范围内")
REVOCATION_SIGNED_TWICE = rule(
    "revocation_signed_twice", "{department_label}已就该撤销提议表态（{decision_label}），不能重复办理"
)
REVOCATION_SIGNER_LEVEL = rule("revocation_signer_level", "{level_label}称号的撤销决定由{where}的三个部门会签")
REVOCATION_DECLINE_REASON = rule("revocation_decline_reason", "不同意撤销的，请填写理由")
REVOCATION_NO_DOCUMENT = rule("revocation_no_document", "该撤销提议尚未形成撤销决定，暂无决定文件")
REVOCATION_TITLE_REVOKED = rule(
    "revocation_title_revoked", "该称号已于{revoked_on}撤销（{document_no}），不能再提议撤销"
)
HISTORIC_TITLE_NOT_FOUND = rule("historic_title_not_found", "未找到该历史称号，或不在您的查看范围内")
REVOCATION_NOT_A_DECIDER = rule("revocation_not_a_decider", "此称号的撤销由{deciders}决定")
