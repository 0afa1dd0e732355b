"""Sample inputs for the documents: a city-level round in Linyi, 2026."""

from dataclasses import replace
from datetime import UTC, date, datetime

from documents import (
    CITY_ORGANS,
    Announcement,
    ApprovalSheet,
    AttestedCondition,
    Certificate,
    ChecklistEntry,
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
from documents.review_summary import ReviewSummary, SummaryRow
from documents.revocation import RevocationDecision

INSTITUTIONS = (
    ListedInstitution("兰山区零工市场", "零工市场", "兰山区", "市级"),
    ListedInstitution("沂水县公共就业和人才服务中心", "公共就业服务机构", "沂水县", "市级"),
    ListedInstitution("临沂鲁南人力资源服务有限公司", "经营性人力资源服务机构", "河东区", "市级"),
    ListedInstitution("费县职业技能培训学校", "职业培训机构", "费县", "市级"),
)

DECLARATION = DeclarationForm(
    number="兰山-2026-0007",
    declared_on=date(2026, 3, 2),
    level="市级",
    institution_name="兰山区零工市场",
    institution_type="零工市场",
    county="兰山区",
    credit_code="12371302MB2857341X",
    address="山东省临沂市兰山区金雀山路100号",
    person_in_charge="李明",
    contact_person="王芳",
    contact_phone="0539-8123456",
    premises_area_m2=620,
    staff_count=12,
    founded_on=date(2019, 5, 8),
    services="零工信息发布、供需对接、技能培训、权益维护、政策咨询",
    highlights="“15分钟零工服务圈”，线上小程序与线下驿站同步撮合",
    honours="2024年山东省充分就业社区",
    county_title_doc_number="兰人社字〔2025〕12号",
    county_title_on=date(2025, 12, 10),
    conditions=(
        AttestedCondition("有固定的服务场所、稳定专业的服务团队", "自有场所620㎡，专职人员12人"),
        AttestedCondition("近三年内无违法违纪行为，无诚信不良记录，无重大安全责任事故", "经核查，无上述情形"),
    ),
    materials=(
        Material(
            "营业执照或法人登记证书",
            "登记证书.pdf",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            245_760,
            datetime(2026, 3, 2, 6, 30, tzinfo=UTC),
        ),
        Material(
            "服务场所照片",
            "场所照片.zip",
            "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
            3_407_872,
        ),
    ),
    opinions=(
        DepartmentOpinion("兰山区人力资源社会保障局", "同意推荐。", date(2026, 3, 5)),
        DepartmentOpinion("兰山区发展改革局"),
        DepartmentOpinion("兰山区民政局"),
    ),
)

NOTICE = NoticeList(
    title="临沂市就业服务质量标杆机构拟评定名单公示",
    institutions=INSTITUTIONS,
    window_start=date(2026, 9, 28),
    window_end=date(2026, 10, 9),
    objection_phone="0539-8322113",
    objection_email="srlzybjyzdk@ly.shandong.cn",
    issuing_organ="临沂市人力资源和社会保障局",
    issued_on=date(2026, 9, 27),
    working_days=5,
)

ANNOUNCEMENT = Announcement(
    organs=CITY_ORGANS,
    doc_number="临人社字〔2026〕9号",
    title="关于公布2026年度临沂市市级就业服务质量标杆机构评定结果的通知",
    addressees="各县区人力资源社会保障局、发展改革局、民政局：",
    institutions=INSTITUTIONS,
    signed_on=date(2026, 12, 1),
    printed_by="临沂市人力资源和社会保障局办公室",
    copied_to="山东省人力资源和社会保障厅",
)

CERTIFICATE = Certificate(
    institution_name="兰山区零工市场",
    level="市级",
    year=2026,
    plaque_number="LY-SJ-2026-001",
    issued_on=date(2026, 12, 1),
)

APPROVAL_SHEET = ApprovalSheet(
    level="市级",
    institution_name="兰山区零工市场",
    facts=(("机构类型", "零工市场"), ("所在县区", "兰山区")),
    state="已公布",
    acts=(
        SheetAct(
            "2026年3月2日 14:30", "申报", "王芳", "县区人社局 兰山区人力资源社会保障局", details=(("面积", "620㎡"),)
        ),
        SheetAct("2026年3月9日 10:00", "县级审核", "李明", "县区人社局", "同意推荐。"),
    ),
    printed_at="2026年12月2日 09:00",
    scores=(SheetScore("张评", "2026年6月1日", "书面评审 88", "材料完整"),),
    notice="2026年9月28日至10月9日公示",
    objections=(SheetObjection("2026年9月30日", "场所面积不实", "不属实", "2026年10月8日"),),
    documents=(IssuedDocument("公布文件", "临人社字〔2026〕9号", "2026年12月1日"),),
)

# The same declaration printed before declaring: no number, no files, the checklist's items, blank opinion boxes.
DRAFT = replace(
    DECLARATION,
    number="",
    declared_on=None,
    draft=True,
    printed_on=date(2026, 3, 1),
    type_facts=(("服务场所面积（㎡）", "620"),),
    materials=(),
    opinions=(),
    to_attach=(
        ChecklistEntry("申报表（附件2，加盖县区人力资源社会保障、发展改革、民政部门公章）"),
        ChecklistEntry("诚信承诺书（申报单位盖章、负责人签字）"),
        ChecklistEntry("荣誉证书（市级及以上荣誉称号、项目奖励等）", required=False),
    ),
)

REVOCATION = RevocationDecision(
    organs=CITY_ORGANS,
    doc_number="临人社字〔2026〕14号",
    institution_name="临沂鲁南人力资源服务有限公司",
    county="河东区",
    level="市级",
    title_name="市级就业服务质量标杆机构",
    awarded_by="临人社字〔2026〕9号",
    awarded_on=date(2026, 12, 1),
    ground="机构注销",
    evidence="经市场监管部门核实，该机构已于2026年11月20日办理注销登记。",
    signed_on=date(2026, 12, 18),
    addressees="各县区人力资源社会保障局、发展改革局、民政局：",
    copied_to="山东省人力资源和社会保障厅",
)

REVIEW_SUMMARY = ReviewSummary(
    round_name="2026年度市级标杆机构评定",
    phase="已择优",
    methods=["书面评审（50%）", "现场答辩（30%）", "实地考察（20%）"],
    members=["王评审（市人社局）", "李委员（市发展改革委）", "赵委员（市民政局）"],
    rows=[
        SummaryRow(
            1,
            "兰山区零工市场",
            "兰山-2026-0003",
            {
                "王评审（市人社局）": {"书面评审（50%）": "92", "现场答辩（30%）": "90", "实地考察（20%）": "88"},
                "李委员（市发展改革委）": {"书面评审（50%）": "90", "现场答辩（30%）": "88", "实地考察（20%）": "91"},
                "赵委员（市民政局）": {"书面评审（50%）": "回避", "现场答辩（30%）": "回避", "实地考察（20%）": "回避"},
            },
            {"书面评审（50%）": "91.00", "现场答辩（30%）": "89.00", "实地考察（20%）": "89.50"},
            "90.10",
            "2/2",
            "名额内",
        ),
        SummaryRow(
            2,
            "沂水县公共就业和人才服务中心",
            "沂水-2026-0001",
            {
                "王评审（市人社局）": {"书面评审（50%）": "85", "现场答辩（30%）": "86", "实地考察（20%）": "84"},
                "李委员（市发展改革委）": {"书面评审（50%）": "87", "现场答辩（30%）": "85", "实地考察（20%）": "86"},
                "赵委员（市民政局）": {"书面评审（50%）": "86", "现场答辩（30%）": "84", "实地考察（20%）": "85"},
            },
            {"书面评审（50%）": "86.00", "现场答辩（30%）": "85.00", "实地考察（20%）": "85.00"},
            "85.50",
            "3/3",
            "名额外",
        ),
    ],
    recusals=["赵委员（市民政局）回避兰山区零工市场：曾为该机构提供咨询服务"],
    closing="评审组成员均已评分，评审自动结束",
)
