"""The procedure's printable documents as PDF bytes: 申报表, 公示名单, 公布文件, 奖牌证书, 审批单, 备案表.

Pure rendering: inputs are the frozen records in documents.models, output is bytes; the only I/O is
reading a font file. No database, no Temporal.

Fonts, both TrueType from Debian and embedded as subsets (every reader shows the same faces, and the ToUnicode
maps keep text extraction exact); GB/T 9704 asks for 小标宋 and 仿宋, neither free, so the closest that embed:
- AR PL UMing CN (fonts-arphic-uming), a Song (Ming) face: titles, drawn heavy for 小标宋, and the forms' text;
- AR PL UKai CN (fonts-arphic-ukai): the 公布文件's text, as 仿宋 (Song structure, thin even Kai-like strokes).
Noto CJK (fonts-noto-cjk) is CFF-based OpenType, which reportlab cannot embed; cwTeX's 仿宋 (fonts-cwtex-fs) lacks
the simplified characters. Without the UMing file the documents fall back to STSong-Light, PDF's standard Chinese
CID font: nothing is embedded and each reader substitutes its own face. No page starts in Helvetica.
"""

from documents.announcement import announcement
from documents.approval_sheet import approval_sheet
from documents.certificate import plaque_certificate
from documents.declaration import declaration_form
from documents.filing_form import FilingForm, filing_form
from documents.layout import chinese_date, fangsong, song
from documents.models import (
    CITY_ORGANS,
    COUNTY_DEPARTMENTS,
    Announcement,
    ApprovalSheet,
    AttestedCondition,
    Certificate,
    ChecklistEntry,
    ChecklistState,
    DeclarationForm,
    DepartmentOpinion,
    IssuedDocument,
    ListedInstitution,
    Material,
    NoticeList,
    ProgramForm,
    SheetAct,
    SheetObjection,
    SheetScore,
)
from documents.notice import notice_list, notice_lists, notice_window
from documents.process_record import ProcessEntry, ProcessRecord, process_record
from documents.program_form import program_form

__all__ = [
    "CITY_ORGANS",
    "COUNTY_DEPARTMENTS",
    "Announcement",
    "ApprovalSheet",
    "AttestedCondition",
    "Certificate",
    "ChecklistEntry",
    "ChecklistState",
    "DeclarationForm",
    "DepartmentOpinion",
    "FilingForm",
    "IssuedDocument",
    "ListedInstitution",
    "Material",
    "NoticeList",
    "ProgramForm",
    "ProcessEntry",
    "ProcessRecord",
    "SheetAct",
    "SheetObjection",
    "SheetScore",
    "announcement",
    "approval_sheet",
    "chinese_date",
    "declaration_form",
    "fangsong",
    "filing_form",
    "notice_list",
    "notice_lists",
    "notice_window",
    "plaque_certificate",
    "process_record",
    "program_form",
    "song",
]
