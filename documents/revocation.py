"""撤销决定: the issuing organs' decision revoking a title, in the GB/T 9704-2012 layout of the 公布文件
(documents/announcement.py): 版头 with the organs and the 文号, the title, the body naming the institution, the title
and the document that awarded it, the ground and the evidence, the organs' signatures and seal places, 成文日期, and
the 版记 at the foot of an even page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer
from reportlab.platypus.flowables import TopPadder

from documents.announcement import TITLE_SIZE, _Blank, _render, organ_full_name
from documents.gongwen import LINE, Colophon, GridText, RedHead, Signatures
from documents.layout import Heading, chinese_date
from documents.models import CITY, record


@record
class RevocationDecision:
    """What the decision says. ``level`` and ``ground`` arrive in the notice's Chinese words (市级, 机构注销)."""

    organs: Sequence[str]  # lead organ first
    doc_number: str
    institution_name: str
    county: str
    level: str
    title_name: str  # 市级就业服务质量标杆机构
    awarded_by: str  # the 公布文件's 文号 that awarded the title
    awarded_on: date | None
    ground: str
    evidence: str
    signed_on: date
    addressees: str = ""
    city: str = CITY  # the deciding city: a county's organ is named with it before
    disclosure: str = "此件主动公开"
    copied_to: str = ""


def revocation_decision(document: RevocationDecision) -> bytes:
    """The decision as PDF bytes (same input, same bytes)."""
    _, body_pages = _render(_body(document), numbered=None)
    story = _body(document)
    story += [PageBreak()] + ([_Blank(), PageBreak()] if body_pages % 2 == 0 else [])
    story.append(TopPadder(_colophon(document)))
    pdf, _ = _render(story, numbered=body_pages, title=f"{document.doc_number} {decision_title(document)}")
    return pdf


def decision_title(document: RevocationDecision) -> str:
    return f"关于撤销{document.institution_name}{document.title_name}称号的决定"


def _body(document: RevocationDecision) -> list[Flowable]:
    organs = [organ_full_name(name, document.city) for name in document.organs]
    awarded = f"{document.awarded_by}文件" + (f"（{chinese_date(document.awarded_on)}）" if document.awarded_on else "")
    evidence = document.evidence.strip()
    evidence += "" if evidence.endswith(("。", "！", "；")) else "。"
    paragraphs = [
        (
            f"{document.institution_name}（{document.county}）经{awarded}公布为{document.title_name}。"
            f"经核查，该机构存在“{document.ground}”情形：{evidence}"
        ),
        (
            "根据《关于开展就业服务质量标杆机构评定工作的通知》关于对出现申报材料虚假失实、机构注销、发生违法违规违纪问题、"
            "就业服务工作被证实达不到标准以及产生其他应当撤销评定情形的予以撤销的规定，经"
            f"{'、'.join(organs)}研究，决定撤销{document.institution_name}{document.title_name}称号，收回其奖牌和证书。"
        ),
    ]
    closing = "请有关单位据此做好相关工作。"
    return [
        RedHead(organs, document.doc_number),
        Heading(decision_title(document), TITLE_SIZE, line=LINE, space_after=LINE),
        *([GridText(document.addressees, indent=0)] if document.addressees else []),
        *[GridText(text) for text in paragraphs],
        KeepTogether(
            [
                GridText(closing),
                Signatures(organs, chinese_date(document.signed_on)),
                GridText(f"（{document.disclosure}）") if document.disclosure else Spacer(1, 0),
            ]
        ),
    ]


def _colophon(document: RevocationDecision) -> Colophon:
    printed_by = f"{organ_full_name(document.organs[0], document.city)}办公室"
    return Colophon(document.copied_to, printed_by, chinese_date(document.signed_on))
