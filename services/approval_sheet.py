"""The 审批单's content from an application's view, through the reader's eyes, in Chinese: the institution's facts,
every act with who, role and unit, when and the opinion given (told as the detail page's timeline tells it,
services/narration.py), the reviewers' scores, the notice and its objections with findings, and the documents issued.
No ids, codes or English: details that are ids (an objection's or a round's) are left to the page."""

from collections.abc import Mapping
from datetime import datetime

import documents
from contracts.application import ApplicationView
from documents.layout import number
from services import narration, present
from services.opinions import recorded_texts
from state.clock import SHANGHAI
from state.domain import Actor, Department, Level
from state.labels import DEPARTMENTS_BY_LEVEL, LEVELS, SCORE_PARTS, STAGES, type_label

# The institution's facts as the 申报表 names them (a resubmission's changes are told with the same names).
FACT_TITLES = {
    "name": "机构名称",
    "type": "机构类型",
    "credit_code": "统一社会信用代码",
    "address": "机构地址",
    "person_in_charge": "负责人",
    "contact": "联系人",
    "phone": "联系电话",
    "premises_area_m2": "服务场所面积（㎡）",
    "staff_count": "工作人员数（人）",
    "founded_on": "成立日期",
    "services": "服务内容",
    "highlights": "工作亮点和品牌特色",
    "honours": "所获荣誉",
    "county_title_doc_no": "县级标杆机构称号文号",
    "county_title_date": "县级标杆机构称号日期",
    "training_pass_rate": "培训合格率（%）",
    "trainee_satisfaction": "学员整体满意率（%）",
    "assessments_last_3_years": "近三年历次办学质量督导评估等次",
}
# Details that are ids or codes: the sheet names what they point to elsewhere, or leaves them out.
LEFT_OUT = {"objection_id", "source_application_id", "round_id", "items", "deadline"}


def moment(value: datetime) -> str:
    local = present.local(value)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _facts(view: ApplicationView) -> list[tuple[str, str]]:
    i = view.institution
    facts = [
        ("申报级别", LEVELS[view.level]),
        ("机构名称", i.name),
        ("机构类型", type_label(i.type)),
        ("所在县区", view.county),
        ("统一社会信用代码", i.credit_code),
        ("机构地址", i.address),
        ("负责人", i.person_in_charge),
        ("联系人及电话", " ".join(p for p in (i.contact, i.phone) if p)),
        ("服务场所面积（㎡）", number(i.premises_area_m2) if i.premises_area_m2 is not None else ""),
        ("工作人员数（人）", str(i.staff_count) if i.staff_count is not None else ""),
        ("成立日期", narration.chinese_day(i.founded_on.isoformat()) if i.founded_on else ""),
        ("服务内容", i.services),
        ("工作亮点和品牌特色", i.highlights),
        ("所获荣誉", "、".join(i.honours)),
    ]
    if i.county_title_doc_no:
        held = narration.chinese_day(i.county_title_date.isoformat()) if i.county_title_date else ""
        facts.append(("县级标杆机构称号", f"{i.county_title_doc_no} {held}".strip()))
    names = DEPARTMENTS_BY_LEVEL[Level.county]
    recorded = recorded_texts(view)
    for d in Department:
        if recorded.get(d):
            facts.append((f"县区{names[d]}意见", recorded[d]))
    return [(k, v) for k, v in facts if v]


def _notice(view: ApplicationView) -> str:
    n = view.notice
    if n is None:
        return ""
    day = narration.chinese_day
    text = f"公示时间：{day(n.first_day.isoformat())}至{day(n.last_day.isoformat())}"
    if n.recorded_on:
        text += f"（于{day(n.recorded_on.isoformat())}补录）"
    return text + ("，公示期已满。" if view.notice_closed else "，公示期内。")


def _finding(upheld: bool | None, finding: str | None) -> str:
    if upheld is None:
        return "调查核实中"
    return f"{'属实' if upheld else '不属实'}：{finding}" if finding else ("属实" if upheld else "不属实")


def _documents(view: ApplicationView) -> list[documents.IssuedDocument]:
    day = narration.chinese_day
    out = []
    if view.announcement_doc_no:
        on = day(view.announced_on.isoformat()) if view.announced_on else ""
        alone = view.program is not None and view.program.own_facts and len(view.program.departments) == 1
        out.append(
            documents.IssuedDocument("公布文件" if alone else "公布文件（联合发文）", view.announcement_doc_no, on)
        )
    if view.plaque_no:
        on = day(view.awarded_on.isoformat()) if view.awarded_on else ""
        out.append(documents.IssuedDocument("奖牌", view.plaque_no, on))
    return out


def _parts(written: float | None, defence: float | None, field_inspection: float | None) -> str:
    given = {"written": written, "defence": defence, "field_inspection": field_inspection}
    return "，".join(f"{SCORE_PARTS[k]} {number(v)}" for k, v in given.items() if v is not None)


def _correction(details: dict[str, str], titles: Mapping[str, str]) -> list[tuple[str, str]]:
    """A return for correction's items by their titles, and its deadline as a day."""
    out = []
    if details.get("items"):
        out.append(("补正事项", "、".join(titles.get(code, "其他材料") for code in details["items"].split("、"))))
    if details.get("deadline"):
        out.append(("补正期限", narration.chinese_day(details["deadline"])))
    return out


def sheet(
    view: ApplicationView,
    reader: Actor,
    printed: datetime,
    titles: Mapping[str, str],
    number: str = "",
    *,
    facts: list[tuple[str, str]] | None = None,
    field_titles: Mapping[str, str] | None = None,
) -> documents.ApprovalSheet:
    """``titles``: the checklist items' and conditions' titles by code, which a return for correction names;
    ``number``: the readable 申报编号 the sheet is filed under; ``facts`` and ``field_titles``: another program's
    facts and their labels (services/program_documents.py), instead of the first program's."""
    detail = present.detail(view, reader)
    named = {**FACT_TITLES, **field_titles} if field_titles else FACT_TITLES
    entries = narration.timeline(detail.acts, view.level, moment, named, left_out=LEFT_OUT)
    return documents.ApprovalSheet(
        level=LEVELS[view.level],
        institution_name=view.institution.name,
        facts=([("申报编号", number)] if number else []) + (_facts(view) if facts is None else facts),
        state=STAGES[view.state],
        acts=[
            documents.SheetAct(
                e.at,
                e.act,
                e.who,
                e.role,
                e.reason,
                [d for d in e.details if d[0] != narration.OTHER] + _correction(a.details, titles),
            )
            for e, a in zip(entries, detail.acts, strict=True)
        ],
        scores=[
            documents.SheetScore(s.reviewer, moment(s.at), _parts(s.written, s.defence, s.field_inspection), s.opinion)
            for s in detail.scores
        ],
        notice=_notice(view),
        objections=[
            documents.SheetObjection(
                moment(o.lodged_at), o.content, _finding(o.upheld, o.finding), moment(o.found_at) if o.found_at else ""
            )
            for o in detail.objections
        ],
        documents=_documents(view),
        printed_at=moment(printed.astimezone(SHANGHAI)),
    )
