"""Signing in to the pages through the province's 统一身份认证 (OpenID Connect): every way a sign-in there is refused
here. Nothing is made and nobody is signed in by a refused one."""

from contracts.rules import rule

SSO_STATE_UNKNOWN = rule("sso_state_unknown", "这次统一身份认证登录已失效或已使用过，请重新点击“统一身份认证登录”。")
SSO_DENIED = rule("sso_denied", "统一身份认证未完成登录：您取消了登录，或认证平台拒绝了这次登录。")
SSO_UNREACHABLE = rule("sso_unreachable", "暂时无法连接统一身份认证平台，请稍后再试，或使用登录名和密码登录。")
SSO_AUDIENCE_WRONG = rule("sso_audience_wrong", "统一身份认证返回的身份凭证不是签发给本系统的，未能登录。")
SSO_TOKEN_EXPIRED = rule("sso_token_expired", "统一身份认证返回的身份凭证已过期，未能登录，请重新登录。")
SSO_TOKEN_INVALID = rule("sso_token_invalid", "统一身份认证返回的身份凭证未通过核验，未能登录，请联系系统管理员。")
SSO_SUBJECT_UNKNOWN = rule(
    "sso_subject_unknown", "您的统一身份认证账号尚未在本系统开通，请联系系统管理员开通后再登录。"
)
SSO_CLAIMS_UNMAPPED = rule(
    "sso_claims_unmapped", "统一身份认证提供的{what}无法对应本系统的用户类别，未能开通账号，请联系系统管理员。"
)

# The admin's side: a user's subject at 统一身份认证 (用户管理, ``biaogan users create --external-subject``).
SSO_SUBJECT_TAKEN = rule("sso_subject_taken", "该统一身份认证标识已属于另一用户")
SSO_SUBJECT_MALFORMED = rule("sso_subject_malformed", "统一身份认证标识为1至255个可见字符，不含空格")
SSO_NOT_CONFIGURED = rule("sso_not_configured", "本系统未接入统一身份认证")
