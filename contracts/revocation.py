"""What a revocation (撤销) carries: the inspector's proposal, the co-signatures of the three departments of the
level that announced the title, and the decision (撤销决定) the third signature issues (workflows/revocation.py)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from contracts.application import SubmittedMaterial
from state.domain import Actor, Department, Level, RevocationReason


class RevocationState(str, Enum):
    """Where a proposal stands (labels: state.labels.REVOCATION_STATES)."""

    pending = "pending"  # 待会签
    revoked = "revoked"  # 已撤销
    declined = "declined"  # 已否决


class SubjectKind(str, Enum):
    application = "application"  # a title awarded through the system (ApplicationWorkflow)
    historic = "historic"  # a title imported from before the system (db/rounds.py HistoricTitle)


@dataclass
class RevocationSubject:
    """The title a proposal would revoke, as the decision names it."""

    kind: SubjectKind
    subject_id: str  # the application's id, or the historic title's row id
    level: Level
    county: str
    institution_name: str
    institution_type: str
    credit_code: str
    announcement_doc_no: str  # the 公布文件 that awarded the title
    announced_on: date | None
    contact: str = ""  # the institution's contact on record (name)
    phone: str = ""
    email: str = ""  # when the contact on record is an e-mail address


@dataclass
class Proposal:
    """An inspector's proposal to revoke a title on one of the notice's five grounds."""

    proposal_id: str
    subject: RevocationSubject
    ground: RevocationReason
    evidence: str
    proposer: Actor
    files: list[SubmittedMaterial] = field(default_factory=list)
    # A title of another program (services/revocations.py): its city, the departments that decide at the level (lead
    # first), the lead organ's 机关代字 and the title's name. Empty: the first program's three departments, as before.
    city: str = ""
    departments: list[Department] = field(default_factory=list)
    document_prefix: str = ""
    title_name: str = ""


@dataclass
class CoSignature:
    department: Department
    actor: Actor
    signed: bool  # False: declined (不同意), which ends the proposal
    reason: str
    at: datetime


@dataclass
class RevocationSignAct:
    """A department's word on a proposal: ``sign`` (同意) or ``decline`` (不同意, a reason required)."""

    actor: Actor
    signed: bool
    reason: str = ""


@dataclass
class RevocationView:
    """A proposal as it stands (the workflow's query, the read model's row, the activities' input)."""

    proposal: Proposal
    proposed_at: datetime
    state: RevocationState
    signatures: list[CoSignature] = field(default_factory=list)
    document_no: str | None = None
    decided_on: date | None = None  # 成文日期: the day of the third signature (Asia/Shanghai)
    document_sha256: str | None = None


@dataclass
class RevokeByDecision:
    """The issuing organs' decision, sent to the ApplicationWorkflow whose title it revokes."""

    workflow_id: str
    actor: Actor  # the proposing inspector, on whose proposal the organs decided
    ground: RevocationReason
    evidence: str
    proposal_id: str
    document_no: str
    decided_on: date
    document_sha256: str
    files: list[SubmittedMaterial] = field(default_factory=list)
