"""Sample inputs for the second program's documents (南昌市市级创业孵化基地认定, programs/definitions/
nanchang-incubator-2024.toml): its 申报表 and its 公布文件, drawn as the service draws them, from its definition.

The 公布文件 names 南昌's organs, which only its region file (tests/region_files/jiangxi.toml) defines: call
``announcement()`` with that file's directory in BIAOGAN_REGIONS_DIR."""

from datetime import date

import documents
from activities.announcement import document_for
from contracts.announcement import Member, ProgramWords, RenderAnnouncement
from contracts.application import Institution
from programs import evaluate
from programs.load import DEFINITIONS, read
from services.program_documents import attested, fact_lines, level_of
from state.domain import Department, Level, Stage
from state.labels import learn_type_labels, type_label

PROGRAM = read(DEFINITIONS / "nanchang-incubator-2024.toml").program
learn_type_labels({t.key: t.label for t in PROGRAM.institution_types})  # as a worker learns them from the database
COUNTY = "东湖区"
ATTESTED = "经东湖区人社局实地核实，符合该项条件"

INSTITUTION = Institution(
    name="南昌青创孵化运营有限公司",
    type="social_base",
    credit_code="91360102MA38T4QX2K",
    address="江西省南昌市东湖区青山南路88号",
    contact="李四",
    phone="0791-86123456",
    attestations={c.code: ATTESTED for c in evaluate.conditions(PROGRAM, "social_base", "city")},
    facts={
        "base_name": "东湖青年创业孵化基地",
        "county_title_doc_no": "东湖人社字〔2023〕12号",
        "legal_person": True,
        "incubation_main_business": True,
        "years_operating": 3,
        "incubation_area_m2": 1600,
        "area_in_use_pct": 80,
        "incubated_entities": 20,
        "jobs_created": 150,
        "success_rate_pct": 55,
        "exit_rate_pct": 65,
    },
)

DECLARATION = documents.ProgramForm(
    program_title=PROGRAM.title,
    level_title=level_of(PROGRAM, Level.city).full_title,
    level=level_of(PROGRAM, Level.city).label,
    county=COUNTY,
    institution_name=INSTITUTION.name,
    institution_type=type_label(INSTITUTION.type),
    number="东湖-2026-0003",
    declared_on=date(2026, 5, 6),
    facts=fact_lines(PROGRAM, INSTITUTION),
    conditions=attested(PROGRAM, INSTITUTION, Level.city),
    materials=[
        documents.ChecklistState(item.title, item.required, True)
        for item in evaluate.checklist(PROGRAM, "social_base", "city")
    ],
    opinion=documents.DepartmentOpinion("东湖区人力资源和社会保障局", "经审核，材料真实，同意推荐", date(2026, 5, 8)),
)

MEMBERS = [
    Member(f"A{n:020x}", name, kind, county, Stage.publicized, notice_closed=True)
    for n, (name, kind, county) in enumerate(
        (
            ("东湖青年创业孵化基地", "social_base", "东湖区"),
            ("红谷滩大学生创业孵化基地", "student_base", "红谷滩区"),
            ("青山湖区返乡创业孵化园", "social_base", "青山湖区"),
        ),
        1,
    )
]


def announcement() -> documents.Announcement:
    """The city-level batch's 公布文件, as activities/announcement.py draws it for this program's batch."""
    level = level_of(PROGRAM, Level.city)
    return document_for(
        RenderAnnouncement(
            level=Level.city,
            county=None,
            document_no="洪人社字〔2026〕3号",
            signed_on=date(2026, 6, 18),
            members=MEMBERS,
            city="南昌市",
            departments=[Department(d) for d in PROGRAM.issuing.get("city", [])],
            words=ProgramWords(level.full_title, PROGRAM.terms.product_name, PROGRAM.terms.title_word),
        )
    )
