"""Words of the domain shared by the machine, the workflows, the database and the API."""

from dataclasses import dataclass
from enum import Enum

from regions.catalog import DEPLOYMENT


class Stage(str, Enum):
    """Where an application stands; the same values name the machine's states and the DB column."""

    declared = "declared"
    county_reviewed = "county_reviewed"
    city_reviewed = "city_reviewed"
    publicized = "publicized"
    announced = "announced"
    plaque_awarded = "plaque_awarded"
    revoked = "revoked"
    rejected = "rejected"
    withdrawn = "withdrawn"
    returned = "returned"  # 退回补正: back with the declaring county to correct and resubmit


class Act(str, Enum):
    """Every act a person (or the system) performs on an application; the machine's events."""

    declare = "declare"
    county_review_pass = "county_review_pass"
    county_review_fail = "county_review_fail"
    city_review_pass = "city_review_pass"
    city_review_fail = "city_review_fail"
    publicize = "publicize"
    lodge_objection = "lodge_objection"
    dismiss_objection = "dismiss_objection"
    uphold_objection = "uphold_objection"
    close_notice = "close_notice"
    score = "score"  # a reviewer's scores in a competitive round (written review, defence, field inspection)
    co_sign = "co_sign"
    award = "award"
    revoke = "revoke"
    withdraw = "withdraw"
    county_request_correction = "county_request_correction"  # 退回补正, by the county at its review
    city_request_correction = "city_request_correction"  # 退回补正, by the city at its review
    resubmit = "resubmit"  # the declaring county's corrected declaration
    lapse_correction = "lapse_correction"  # not resubmitted in time: withdrawn
    # Not moves of the machine: remarks on the file.
    flag = "flag"  # e.g. the institution's county-level title was revoked
    replan_notice = "replan_notice"  # the notice window was recomputed on a newly loaded calendar
    correction_reminder = "correction_reminder"  # the correction's deadline draws near
    urge = "urge"  # 催办: the city bureau or a supervisor presses the party that owes the next act
    amend_score = "amend_score"  # 修改评分: a reviewer amends their own score sheet while the review is open
    announce = "announce"  # 公布: the batch's joint 公布文件, signed by its third department, announces it
    department_opinion = "department_opinion"  # 县区部门意见: the county's DRC or civil affairs on a declaration (会商)


class Level(str, Enum):
    county = "county"
    city = "city"


def type_key(kind: "InstitutionType | str") -> str:
    """An institution type's key: an InstitutionType's value (the first program's), or another program's key."""
    return kind.value if isinstance(kind, InstitutionType) else kind


class InstitutionType(str, Enum):
    public_agency = "public_agency"  # 公共就业服务机构 (county level and above)
    township_platform = "township_platform"  # 乡镇/街道基层公共就业服务平台
    village_platform = "village_platform"  # 村/社区基层公共就业服务平台
    gig_market = "gig_market"  # 零工市场
    hr_agency = "hr_agency"  # 经营性人力资源服务机构
    training = "training"  # 职业培训机构


class Role(str, Enum):
    county_bureau = "county_bureau"
    city_reviewer = "city_reviewer"
    department = "department"
    inspector = "inspector"
    supervisor = "supervisor"
    admin = "admin"
    public = "public"
    system = "system"


class Department(str, Enum):
    hrss = "hrss"  # 人力资源社会保障局
    drc = "drc"  # 发展改革委
    civil_affairs = "civil_affairs"  # 民政局


class RevocationReason(str, Enum):
    """The notice's five grounds for revocation (监督)."""

    false_materials = "false_materials"  # 申报材料虚假失实
    deregistered = "deregistered"  # 机构注销
    violation = "violation"  # 违法违规违纪
    below_standard = "below_standard"  # 就业服务工作被证实达不到标准
    other = "other"  # 其他应当撤销评定的情形


# The deployment's counties and zones in its documents' order, from its region file (regions/definitions).
COUNTIES: tuple[str, ...] = tuple(county.name for county in DEPLOYMENT.counties)


@dataclass(frozen=True)
class Actor:
    """Who performs an act. County users carry their county; department users their department."""

    user_id: str
    name: str
    role: Role
    county: str | None = None
    department: Department | None = None
    city: str = ""  # the city they work for (regions/); "" for the system, the public and province-level accounts


SYSTEM = Actor(user_id="system", name="系统", role=Role.system)

# The role that owns the procedure at each level: it publicizes, answers objections and awards plaques.
LEVEL_OWNER: dict[Level, Role] = {Level.county: Role.county_bureau, Level.city: Role.city_reviewer}

_FIXED_ROLES: dict[Act, Role] = {
    Act.declare: Role.county_bureau,
    Act.county_review_pass: Role.county_bureau,
    Act.county_review_fail: Role.county_bureau,
    Act.city_review_pass: Role.city_reviewer,
    Act.city_review_fail: Role.city_reviewer,
    Act.lodge_objection: Role.public,
    Act.close_notice: Role.system,
    Act.co_sign: Role.department,
    Act.revoke: Role.inspector,
    Act.withdraw: Role.county_bureau,
    Act.flag: Role.system,
    Act.replan_notice: Role.system,
    Act.county_request_correction: Role.county_bureau,
    Act.city_request_correction: Role.city_reviewer,
    Act.resubmit: Role.county_bureau,
    Act.lapse_correction: Role.system,
    Act.correction_reminder: Role.system,
    Act.urge: Role.city_reviewer,  # or a supervisor (URGERS)
    Act.announce: Role.system,  # done by the batch (workflows/announcement.py), not offered on the application
    Act.department_opinion: Role.department,  # the county's DRC or civil affairs (state/opinions.py)
}

# Who may urge (催办): the city bureau, and oversight.
URGERS: tuple[Role, ...] = (Role.city_reviewer, Role.supervisor)


def role_for(act: Act, level: Level) -> Role:
    """The one role that may perform ``act`` on an application of ``level``."""
    return _FIXED_ROLES.get(act) or LEVEL_OWNER[level]


# Separation of duties (职责分离): the account that declared an application may not also take these acts on it
# (accounts of one bureau are different people); what each act is, in the refusal's words. The workflow's validators
# check the reviews and findings (workflows/application_rules.py); every act here is refused by the API
# (services/access.py require_separation) and left out of the acts it offers (acts_for).
SEPARATED: dict[Act, str] = {
    Act.county_review_pass: "作县级审核",
    Act.county_review_fail: "作县级审核",
    Act.county_request_correction: "退回补正",  # refused by the services (services/access.py): the workflow never checked it
    Act.score: "评分",  # likewise: a county-level round's scorer is not who declared the candidate
    Act.uphold_objection: "作出异议调查核实结论",
    Act.dismiss_objection: "作出异议调查核实结论",
}


def separation_refusal(act: Act, actor: Actor, declarer_user_id: str | None) -> str | None:
    """Why the declaring account may not take ``act`` on its own declaration, in Chinese; None if it may. The same
    as a coded rule: ``state.authority.separation_refused``."""
    from state.authority import separation_refused  # it imports this module

    refused = separation_refused(act, actor, declarer_user_id)
    return refused.text if refused else None


def authority_refusal(act: Act, actor: Actor, level: Level, county: str) -> str | None:
    """Why ``actor`` may not perform ``act`` on an application of ``level`` in ``county``, in Chinese; None if
    they may. The same as a coded rule: ``state.authority.authority_refused``."""
    from state.authority import authority_refused  # it imports this module

    refused = authority_refused(act, actor, level, county)
    return refused.text if refused else None
