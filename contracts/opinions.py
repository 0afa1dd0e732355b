"""会商: a county department's opinion on a declaration (县区部门意见), given by the ``give_department_opinion``
update of ApplicationWorkflow (workflows/application_opinions.py)."""

from dataclasses import dataclass
from datetime import datetime

from state.domain import Actor, Department


@dataclass
class DepartmentOpinionAct:
    """The county's DRC or civil affairs records (or changes) its opinion: "agree" (同意) or "disagree" (不同意)."""

    actor: Actor
    opinion: str
    text: str


@dataclass
class DepartmentOpinion:
    """A department's opinion as it stands (the latest it recorded counts)."""

    department: Department
    agree: bool
    text: str
    by: Actor
    at: datetime
