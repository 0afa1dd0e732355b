"""What each document shows, as small frozen records; callers map their own data into them.

Institution types and levels arrive as the notice's Chinese words ("零工市场", "市级"): this package
prints them, it does not translate them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar, dataclass_transform

_Record = TypeVar("_Record")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[_Record]) -> type[_Record]:
    """What every record here is: a frozen dataclass (declared once; mypy reads it as one through the transform)."""
    return dataclass(frozen=True)(cls)


CITY = "临沂市"
CITY_ORGANS: tuple[str, ...] = ("临沂市人力资源和社会保障局", "临沂市发展和改革委员会", "临沂市民政局")
COUNTY_DEPARTMENTS: tuple[str, ...] = ("县区人力资源社会保障局", "县区发展改革局", "县区民政局")


@record
class ListedInstitution:
    """One line of a 公示名单 or of the 公布文件's list."""

    name: str
    institution_type: str
    county: str
    level: str = ""


@record
class AttestedCondition:
    """A basic condition (评定基本条件) and what the declaring county states about it."""

    condition: str
    statement: str


@record
class Material:
    """One file of the declaration materials (申报材料); sha256 is the full hex digest (kept for the record, not
    printed: a clerk reads the file's name, size and when it was uploaded)."""

    title: str
    file_name: str
    sha256: str
    size_bytes: int
    uploaded_at: datetime | None = None


@record
class DepartmentOpinion:
    """A county department's opinion box; blank opinion and no date leave room to write and seal by hand."""

    department: str
    opinion: str = ""
    signed_on: date | None = None


@record
class ChecklistEntry:
    """An item of the 申报材料清单 a draft names: to be uploaded when declaring, required or not."""

    title: str
    required: bool = True


@record
class DeclarationForm:
    """申报表 (附件2). A draft is printed before declaring, to be sealed and signed: it has no number and no
    declaration date yet, names the checklist's items instead of uploaded files, and is marked 草稿（待盖章）."""

    number: (
        str  # the readable 申报编号 (兰山-2026-0007); empty: not assigned yet (a draft, or a moment after declaring)
    )
    declared_on: date | None
    level: str
    institution_name: str
    institution_type: str
    county: str
    credit_code: str
    address: str
    person_in_charge: str
    contact_person: str
    contact_phone: str
    premises_area_m2: float | None
    staff_count: int | None
    founded_on: date | None
    services: str
    highlights: str = ""
    honours: str = ""
    city_or_higher_honours: bool = False
    county_title_doc_number: str = ""
    county_title_on: date | None = None
    # The institution type's own facts (培训合格率, 经费纳入同级财政预算 …), each as (its words, its value).
    type_facts: Sequence[tuple[str, str]] = ()
    conditions: Sequence[AttestedCondition] = ()
    materials: Sequence[Material] = ()
    # Empty: the three county departments' boxes are printed blank, to be filled in and sealed.
    opinions: Sequence[DepartmentOpinion] = ()
    draft: bool = False
    to_attach: Sequence[ChecklistEntry] = ()  # a draft's 申报材料清单
    printed_on: date | None = None  # a draft's date


@record
class NoticeList:
    """公示名单, as published on the bureau's website during the notice window (公示期)."""

    title: str
    institutions: Sequence[ListedInstitution]
    window_start: date
    window_end: date
    objection_phone: str
    objection_email: str
    issuing_organ: str
    issued_on: date
    # Empty: a standard paragraph naming the count is used.
    intro: str = ""
    objection_address: str = ""
    working_days: int | None = None
    objection_receiver: str = ""  # who receives objections (the issuing organ); empty: not printed


@record
class Announcement:
    """联合公布文件 (GB/T 9704-2012 layout). organs: lead organ first. A "\n" in the title chooses where a
    long title breaks; without one it is split into lines of near-equal length."""

    organs: Sequence[str]
    doc_number: str
    title: str
    addressees: str
    institutions: Sequence[ListedInstitution]
    signed_on: date
    level: str = "市级"
    city: str = CITY  # the issuing city: a county's organ is named with it before (临沂市兰山区民政局)
    # Empty: standard paragraphs in the notice's words are used before and after the list.
    opening: Sequence[str] = ()
    closing: Sequence[str] = ()
    disclosure: str = "此件主动公开"
    # 版记: printed only when printed_by is given; printed_on defaults to signed_on.
    copied_to: str = ""
    printed_by: str = ""
    printed_on: date | None = None


@record
class Certificate:
    """奖牌证书 (附件3 style). Another program's names its own title and a line under the name (empty: the year)."""

    institution_name: str
    level: str
    year: int
    plaque_number: str
    issued_on: date
    issuing_departments: Sequence[str] = field(default=CITY_ORGANS)
    title: str = "就业服务质量标杆机构"
    line: str = ""


@record
class SheetAct:
    """One line of the 审批单's record: when, what, who in which role and unit, and the opinion given."""

    at: str
    act: str
    who: str
    role: str
    opinion: str = ""
    details: Sequence[tuple[str, str]] = ()


@record
class SheetScore:
    """A reviewer's score sheet in a round (评分)."""

    reviewer: str
    at: str
    parts: str
    opinion: str


@record
class SheetObjection:
    """An objection raised during the notice and what its investigation found (异议调查核实)."""

    lodged_at: str
    content: str
    finding: str
    found_at: str = ""


@record
class IssuedDocument:
    """A document issued for the application: its name, its number (文号 or 编号) and its date."""

    title: str
    number: str
    issued_on: str


@record
class ApprovalSheet:
    """审批单: the application's facts, every act and opinion with who, role, unit and when, the notice and its
    objections, and the documents issued; the sheet an office prints and files. Dates arrive written in Chinese."""

    level: str
    institution_name: str
    facts: Sequence[tuple[str, str]]
    state: str
    acts: Sequence[SheetAct]
    printed_at: str
    scores: Sequence[SheetScore] = ()
    notice: str = ""
    objections: Sequence[SheetObjection] = ()
    documents: Sequence[IssuedDocument] = ()
    title: str = ""  # another program's heading (its title); empty: the first program's


@record
class ChecklistState:
    """An item of another program's checklist on its 申报表: required or not, and whether a file was submitted."""

    title: str
    required: bool
    submitted: bool


@record
class ProgramForm:
    """Another program's 申报表, drawn from its definition: its title and the level's, the declaring county, the
    readable 申报编号, the type's fact table (label and value, the unit in the value), the applicable conditions with
    the county's attestations, the checklist, and the declaring county's bureau's opinion box. A draft is marked as
    the first program's is (documents/declaration.py)."""

    program_title: str
    level_title: str  # the level's full title, as the program's definition writes it
    level: str  # 市级
    county: str
    institution_name: str
    institution_type: str
    number: str
    declared_on: date | None
    facts: Sequence[tuple[str, str]]
    conditions: Sequence[AttestedCondition]
    materials: Sequence[ChecklistState]
    opinion: DepartmentOpinion
    draft: bool = False
    printed_on: date | None = None
