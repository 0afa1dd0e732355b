"""What a batch (批次公布, workflows/announcement.py) is given, asks of its applications and shows."""

from dataclasses import dataclass, field
from datetime import date, datetime

from state.domain import Actor, Department, Level, Stage


@dataclass(frozen=True)
class ProgramWords:
    """What another program calls its title and itself, for its 公布文件 (its definition's terms and level)."""

    full_title: str  # its level's full title, as its definition writes it
    product_name: str  # its terms.product_name
    title_word: str  # its terms.title_word


@dataclass(frozen=True)
class AnnouncementPlan:
    """A batch to form: the applications one joint 公布文件 announces, all of one level (and one county)."""

    announcement_id: str
    level: Level
    county: str | None  # the county of a county-level batch; None for the city's
    application_ids: list[str]
    actor: Actor  # who formed it (the level's owner, or the system for a round's selection)
    notice_closed_required: bool = True  # a batch formed by hand takes only applications whose notice has closed
    round_id: str = ""  # the round whose selection formed it
    # Another program's batch (its applications' program, services/announcements.py): its city, the departments that
    # issue at the level (lead first), its lead organ's 机关代字 and its words. Empty: the first program's, as before.
    city: str = ""
    departments: list[Department] = field(default_factory=list)
    document_prefix: str = ""
    words: ProgramWords | None = None


@dataclass(frozen=True)
class JoinAnnouncement:
    """An application is asked to join a batch (ApplicationWorkflow.join_announcement)."""

    announcement_id: str
    level: Level
    county: str | None
    notice_closed_required: bool = True


@dataclass(frozen=True)
class LeaveAnnouncement:
    announcement_id: str


@dataclass
class Member:
    """An application of a batch, as the batch lists it."""

    application_id: str
    institution_name: str
    institution_type: str
    county: str
    state: Stage
    notice_closed: bool
    objections: int = 0  # objections ever lodged against it
    left: bool = False  # rejected or withdrawn meanwhile: no longer announced by this batch


@dataclass(frozen=True)
class JoinBatch:
    """The activity that has every application of ``plan`` join (or none)."""

    plan: AnnouncementPlan


@dataclass(frozen=True)
class MembersRequest:
    application_ids: list[str]


@dataclass(frozen=True)
class AnnounceAct:
    """The batch announces one of its applications (ApplicationWorkflow.announce)."""

    announcement_id: str
    document_no: str
    signed_on: date
    sha256: str
    actor: Actor  # the department user whose signature completed the batch


@dataclass(frozen=True)
class AnnounceMembers:
    act: AnnounceAct
    application_ids: list[str]


@dataclass
class BatchSignature:
    department: Department
    actor: Actor
    signed_at: datetime


@dataclass(frozen=True)
class BatchSignAct:
    actor: Actor


@dataclass(frozen=True)
class FormationRequest:
    """Asked of the batch right after its start: wait until it is formed (or refused)."""


@dataclass(frozen=True)
class RenderAnnouncement:
    """The 公布文件 to render and keep (activities/announcement.py): returns its SHA-256."""

    level: Level
    county: str | None
    document_no: str
    signed_on: date
    members: list[Member]
    city: str = ""  # another program's batch: its city, departments and words (AnnouncementPlan)
    departments: list[Department] = field(default_factory=list)
    words: ProgramWords | None = None


@dataclass
class AnnouncementView:
    announcement_id: str
    level: Level
    county: str | None
    state: str  # forming, refused, formed, announced
    document_no: str | None
    members: list[Member]
    signatures: list[BatchSignature] = field(default_factory=list)
    sha256: str | None = None
    signed_on: date | None = None
    round_id: str = ""
    formed_at: datetime | None = None
