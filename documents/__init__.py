"""The procedure's printable documents as PDF bytes: 申报表, 公示名单, 公布文件, 标牌证书, 审批单.

Pure rendering: inputs are the frozen records in documents.models, output is bytes; the only I/O is
reading a font file. No database, no Temporal.

Font: AR PL UMing CN, a TrueType Song (Ming) face from Debian's fonts-arphic-uming
(/usr/share/fonts/truetype/arphic/uming.ttc), embedded as a subset. Embedding makes every reader and
pdftoppm show the same Song face a 公文 expects, and its ToUnicode map keeps text extraction exact.
Noto CJK (fonts-noto-cjk) is CFF-based OpenType, which reportlab cannot embed. Without the UMing file
the documents fall back to STSong-Light, PDF's standard Chinese CID font: nothing is embedded, text
still extracts, but each reader substitutes its own face (poppler picks Noto Sans CJK: a sans face).
"""

from documents.announcement import announcement
from documents.approval_sheet import approval_sheet
from documents.certificate import plaque_certificate
from documents.declaration import declaration_form
from documents.layout import chinese_date, song
from documents.models import (
    CITY_ORGANS,
    COUNTY_DEPARTMENTS,
    Announcement,
    ApprovalSheet,
    AttestedCondition,
    Certificate,
    DeclarationForm,
    DepartmentOpinion,
    IssuedDocument,
    ListedInstitution,
    Material,
    NoticeList,
    SheetAct,
    SheetObjection,
    SheetScore,
)
from documents.notice import notice_list, notice_window

__all__ = [
    "CITY_ORGANS",
    "COUNTY_DEPARTMENTS",
    "Announcement",
    "ApprovalSheet",
    "AttestedCondition",
    "Certificate",
    "DeclarationForm",
    "DepartmentOpinion",
    "IssuedDocument",
    "ListedInstitution",
    "Material",
    "NoticeList",
    "SheetAct",
    "SheetObjection",
    "SheetScore",
    "announcement",
    "approval_sheet",
    "chinese_date",
    "declaration_form",
    "notice_list",
    "notice_window",
    "plaque_certificate",
    "song",
]
