"""Who may call at all: sign-in, sessions, tokens, roles, rate limits, body limits, Temporal's availability."""

from contracts.rules import rule

# Who is calling (services/identity): a credential no provider accepts, none at all, a role not admitted.
SIGN_IN_REQUIRED = rule("sign_in_required", "请先登录：此接口须携带有效的访问令牌")
TOKEN_UNKNOWN = rule("token_unknown", "访问令牌无效，或其账号已停用")
ROLE_NOT_PERMITTED = rule("role_not_permitted", "此事项仅供{roles}办理，{role}无权办理")

# Signing in to the pages with a login name and password.
PASSWORD_WRONG = rule("password_wrong", "登录名或密码错误。")
LOGIN_LOCKED = rule("login_locked", "连续{attempts}次密码错误，账号已暂时锁定，请于{until}后再试。")
ACCOUNT_DISABLED = rule("account_disabled", "该账号已停用，请联系系统管理员。")

# Users and their logins (用户管理, ``biaogan users create``): what cannot be made, by the field at fault.
USER_ROLE_UNKNOWN = rule("user_role_unknown", "请从列表中选择角色")
USER_COUNTY_UNKNOWN = rule("user_county_unknown", "县区不在本市县区之列")
USER_DEPARTMENT_UNKNOWN = rule("user_department_unknown", "请从列表中选择部门")
USER_COUNTY_REQUIRED = rule("user_county_required", "县区人社局用户须选择所属县区")
USER_DEPARTMENT_REQUIRED = rule("user_department_required", "会签部门用户须选择所属部门")
USER_DEPARTMENT_NOT_FOR_ROLE = rule("user_department_not_for_role", "只有会签部门用户有所属部门")
USER_COUNTY_NOT_FOR_ROLE = rule("user_county_not_for_role", "该角色面向全市，不选县区")
USER_PROVINCE_NOT_FOR_ROLE = rule("user_province_not_for_role", "只有监督和管理员账号可以设为省级")
CITY_UNKNOWN = rule("city_unknown", "没有城市“{city}”的公开信息，请检查城市名称")
USER_NAME_REQUIRED = rule("user_name_required", "此项必填")
USER_NAME_CONTROLS = rule("user_name_controls", "姓名不能包含控制字符或改变文字方向的字符")
USER_NAME_TOO_LONG = rule("user_name_too_long", "姓名过长，至多{limit}个字")
USER_UNKNOWN = rule("user_unknown", "用户不存在")
LOGIN_MALFORMED = rule("login_malformed", "登录名为2至64位小写字母、数字或 . _ @ -，以字母或数字开头")
LOGIN_TAKEN = rule("login_taken", "该登录名已被使用")
PASSWORD_TOO_SHORT = rule("password_too_short", "密码至少{minimum}位")
LOGIN_MISSING = rule("login_missing", "该用户没有网页登录名")

# Temporal's availability (503, with Retry-After): services/refusals.py from_temporal.
TEMPORAL_UNAVAILABLE = rule("temporal_unavailable", "工作流服务暂不可用，请稍后重试")
TEMPORAL_BUSY = rule("temporal_busy", "工作流服务繁忙，请稍后重试")
NO_WORKER = rule("no_worker", "暂无工作进程处理此请求，请稍后重试")
ACT_TIMEOUT = rule("act_timeout", "办理超时，工作流尚未受理；请先查看当前状态再重试")

# What no route answers: an address the API does not have, a method its route does not take.
NO_SUCH_ADDRESS = rule("no_such_address", "没有这个接口地址，请核对网址")
METHOD_NOT_ALLOWED = rule("method_not_allowed", "此接口不接受这种请求方法")
NOT_FOUND = rule("not_found", "未找到所查的记录，或不在您的查看范围内")
USER_CITY_UNKNOWN = rule("user_city_unknown", "没有此城市的地区定义")
