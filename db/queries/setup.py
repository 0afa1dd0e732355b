"""The first-run setup (开通检查): what a fresh install still lacks before its first notice can be published, read
from the database and the configuration: a 评定周期, its city-level and county-level 名额, the objection contacts the
公示 prints, and an account for each role the procedure needs. Each step links to the page where it is done."""

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from config import NoticeSettings
from db.rounds import Period, QuotaChange
from db.users import User
from state.domain import COUNTIES, Role

# The roles a procedure needs, in its order, and the words for each account.
NEEDED_ROLES: tuple[tuple[Role, str], ...] = (
    (Role.county_bureau, "县区人社局账号（申报、县级审核、县级公示）"),
    (Role.city_reviewer, "市人社局评审账号（市级评审、市级公示、催办）"),
    (Role.department, "会签部门账号（人社、发展改革、民政部门会签公布）"),
    (Role.inspector, "督查账号（撤销称号）"),
    (Role.supervisor, "监督/纪检账号（全程监督）"),
)


@dataclass(frozen=True)
class Step:
    key: str
    text: str
    done: bool
    link: str
    hint: str = ""  # what is still missing, when not done


def _quota_scopes(session: Session, level: str) -> set[str]:
    rows = session.exec(select(QuotaChange.scope).where(QuotaChange.level == level).distinct()).all()
    return set(rows)


def setup_steps(session: Session, notice: NoticeSettings) -> list[Step]:
    periods = session.exec(select(func.count()).select_from(Period)).one()
    city = _quota_scopes(session, "city")
    missing_counties = [c for c in COUNTIES if c not in _quota_scopes(session, "county")]
    contacts = [notice.objection_phone, notice.objection_email, notice.objection_address]
    enabled = session.exec(
        select(User.role, func.count()).where(col(User.disabled_at).is_(None)).group_by(col(User.role))
    ).all()
    accounts = {Role(role): count for role, count in enabled}
    steps = [
        Step("period", "设定评定周期（规划期）", periods > 0, "/quotas#periods", "尚未设定任何评定周期"),
        Step("city-quota", "设定市级名额", bool(city), "/quotas#city", "尚未设定市级名额"),
        Step(
            "county-quota",
            "设定各县区县级名额",
            not missing_counties,
            "/quotas#county",
            f"尚有{len(missing_counties)}个县区未设定名额：{'、'.join(missing_counties[:5])}"
            + ("等" if len(missing_counties) > 5 else ""),
        ),
        Step(
            "contacts",
            "设定公示的异议受理电话、邮箱或地址",
            any(c.strip() for c in contacts),
            "/notices",
            "公示页尚无异议受理联系方式，请由部署人员在服务配置中设定",
        ),
    ]
    for role, text in NEEDED_ROLES:
        steps.append(Step(f"role-{role.value}", f"开设{text}", accounts.get(role, 0) > 0, "/admin/users", "尚未开设"))
    return steps
