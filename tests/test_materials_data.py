"""The checklist and the conditions are data (state/data), read and checked by state.materials / state.conditions;
files are told by their bytes; the file store is content-addressed."""

import hashlib
import json
from pathlib import Path

import pytest

from state import conditions, materials
from state.domain import InstitutionType, Level
from storage import BlobCorrupt, BlobMissing, FileBlobStore
from tests.samples import jpeg, pdf, png

NOTICE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "notice-2022-12-01.txt"
BASIC = [
    "basic_1_law_abiding",
    "basic_2_sound_institution",
    "basic_3_facilities",
    "basic_4_complete_functions",
    "basic_5_standard_management",
    "basic_6_employment_effect",
]


def test_a_file_is_told_by_its_bytes():
    assert materials.sniff(pdf()) == materials.PDF
    assert materials.sniff(png()) == materials.PNG
    assert materials.sniff(jpeg()) == materials.JPEG
    for other in (b"", b"PDF-1.4", b"GIF89a", b"<html>%PDF-", b"PK\x03\x04", "申报表".encode()):
        assert materials.sniff(other) is None


def test_the_checklist_depends_on_type_and_level():
    book = materials.load()
    city_gig = {i.code: i for i in book.checklist(InstitutionType.gig_market, Level.city)}
    assert (
        city_gig["gig_market_area_proof"].title == "零工市场场地面积证明" and city_gig["gig_market_area_proof"].required
    )
    assert city_gig["county_title_document"].required and not city_gig["honours"].required
    assert "盖章" in city_gig["declaration_form"].title or "公章" in city_gig["declaration_form"].title
    assert city_gig["premises_photos"].accepts == (materials.JPEG, materials.PNG)
    assert "training_pass_rate_proof" not in city_gig
    county_training = {i.code: i for i in book.checklist(InstitutionType.training, Level.county)}
    city_training = {i.code: i for i in book.checklist(InstitutionType.training, Level.city)}
    assert (
        not county_training["training_pass_rate_proof"].required and city_training["training_pass_rate_proof"].required
    )
    assert "county_title_document" not in county_training
    for kind in InstitutionType:
        for level in Level:
            required = {i.code for i in book.checklist(kind, level) if i.required}
            assert {"declaration_form", "integrity_pledge", "registration_certificate", "premises_photos"} <= required


def test_the_integrity_pledge_is_an_upload_every_declaration_needs():
    book = materials.load()
    pledge = {i.code: i for i in book.checklist(InstitutionType.hr_agency, Level.county)}["integrity_pledge"]
    assert pledge.title.startswith("诚信承诺书") and "盖章" in pledge.title and "签字" in pledge.title
    assert pledge.accepts == (materials.PDF, materials.JPEG, materials.PNG) and pledge.required
    attached = [
        materials.Attached(code, f"M{n}", materials.PDF if code != "premises_photos" else materials.PNG)
        for n, code in enumerate(("declaration_form", "registration_certificate", "premises_photos"))
    ]
    problems = book.problems(InstitutionType.hr_agency, Level.county, attached)
    missing = [p.message for p in problems if p.code == "material_missing"]
    assert missing == ["缺少必需材料：诚信承诺书（申报单位盖章、负责人签字）"]
    pledged = [*attached, materials.Attached("integrity_pledge", "M9", materials.JPEG)]
    assert book.problems(InstitutionType.hr_agency, Level.county, pledged) == []


def test_missing_items_wrong_types_and_unknown_items_are_named():
    book = materials.load()
    attached = [
        materials.Attached("declaration_form", "M1", materials.PDF),
        materials.Attached("premises_photos", "M2", materials.PDF),  # photos are images
        materials.Attached("no_such_item", "M3", materials.PDF),
    ]
    problems = book.problems(InstitutionType.gig_market, Level.city, attached)
    codes = [p.code for p in problems]
    assert codes.count("material_type_not_accepted") == 1 and codes.count("material_item_unknown") == 1
    missing = [p.message for p in problems if p.code == "material_missing"]
    assert "缺少必需材料：零工市场场地面积证明" in missing
    assert not any("declaration_form" in m for m in missing)


def test_a_malformed_checklist_file_is_refused(tmp_path):
    bad = tmp_path / "materials.json"
    bad.write_text(json.dumps({"items": [{"code": "a", "title": "甲", "accepts": ["text/html"]}]}))
    with pytest.raises(materials.ChecklistFileError, match="accepts"):
        materials.load(bad)
    bad.write_text(json.dumps({"items": [{"code": "a", "title": "甲"}], "rules": [{"required": ["b"]}]}))
    with pytest.raises(materials.ChecklistFileError, match="not listed"):
        materials.load(bad)


def test_the_basic_conditions_apply_to_every_type_and_level():
    book = conditions.load()
    for kind in InstitutionType:
        for level in Level:
            codes = [c.code for c in book.applicable(kind, level, "兰山区")]
            assert [c for c in codes if c.startswith("basic_") and c != "basic_3_information_system"] == BASIC
    public = [c.code for c in book.applicable(InstitutionType.public_agency, Level.county)]
    township = [c.code for c in book.applicable(InstitutionType.township_platform, Level.county)]
    village = [c.code for c in book.applicable(InstitutionType.village_platform, Level.county)]
    assert "basic_3_information_system" in public and "basic_3_information_system" in township
    assert "basic_3_information_system" not in village  # 乡镇(街道)及以上 only


def test_the_city_level_adds_its_conditions_by_type():
    book = conditions.load()
    gig = [c.code for c in book.applicable(InstitutionType.gig_market, Level.city)]
    assert gig[-3:] == ["city_1_county_title", "city_2_leading_level", "city_5_gig_market"]
    assert not [c for c in book.applicable(InstitutionType.gig_market, Level.county) if c.kind != "basic"]
    texts = {c.code: c.text for c in book.applicable(InstitutionType.training, Level.city)}
    assert "培训合格率和学员整体满意率均不低于95%" in texts["city_6_training"]


def test_the_conditions_are_the_notice_words():
    book = conditions.load()
    every = {c.code: c for kind in InstitutionType for level in Level for c in book.applicable(kind, level)}
    assert "遵纪守法,诚信服务" in every["basic_1_law_abiding"].text
    assert "固定的服务场所、稳定专业的服务团队" in every["basic_2_sound_institution"].text
    assert "山东省公共就业和人才服务信息系统" in every["basic_3_information_system"].text
    assert "无违法违纪行为,无诚信不良记录,无重大安全责任事故" in every["basic_5_standard_management"].text
    if NOTICE.exists():
        notice = NOTICE.read_text(encoding="utf-8")
        for condition in every.values():
            assert condition.text in notice, condition.code


def test_a_county_adds_its_own_conditions_for_its_county_level():
    own = conditions.county_condition("lanshan_1_brand", "具有区级就业服务品牌", [t.value for t in InstitutionType])
    book = conditions.load().with_counties({"兰山区": [own]})
    assert "lanshan_1_brand" in [c.code for c in book.applicable(InstitutionType.hr_agency, Level.county, "兰山区")]
    assert "lanshan_1_brand" not in [c.code for c in book.applicable(InstitutionType.hr_agency, Level.county, "罗庄区")]
    assert "lanshan_1_brand" not in [c.code for c in book.applicable(InstitutionType.hr_agency, Level.city, "兰山区")]
    attested = {c.code: "符合" for c in book.applicable(InstitutionType.hr_agency, Level.county, "兰山区")}
    assert book.attestation_problems(InstitutionType.hr_agency, Level.county, "兰山区", attested) == []
    attested["lanshan_1_brand"] = "  "
    (problem,) = book.attestation_problems(InstitutionType.hr_agency, Level.county, "兰山区", attested)
    assert problem.code == "attestation_missing" and problem.field.endswith("lanshan_1_brand")
    assert problem.message == "缺少评定条件的核实说明：具有区级就业服务品牌"  # its words, not its code
    only_gig = conditions.county_condition("lanshan_2_gig", "零工市场设有区级服务站点", ["gig_market"])
    book = conditions.load().with_counties({"兰山区": [only_gig]})
    assert "lanshan_2_gig" in [c.code for c in book.applicable(InstitutionType.gig_market, Level.county, "兰山区")]
    assert "lanshan_2_gig" not in [c.code for c in book.applicable(InstitutionType.training, Level.county, "兰山区")]


def test_a_conditions_file_listing_counties_is_refused(tmp_path):
    """A county's own conditions are data the county sets (CountyStandardsWorkflow), never the repo's file."""
    data = json.loads(conditions.DEFAULT_FILE.read_text(encoding="utf-8"))
    assert "counties" not in data
    data["counties"] = {"兰山区": [{"code": "lanshan_1_brand", "text": "具有区级就业服务品牌", "types": "*"}]}
    bad = tmp_path / "conditions.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(conditions.ConditionsFileError, match="/api/v1/counties/"):
        conditions.load(bad)


def test_the_store_keeps_each_content_once_under_its_digest(tmp_path):
    store = FileBlobStore(tmp_path)
    data = pdf("one")
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert (tmp_path / sha[:2] / sha[2:4] / sha).read_bytes() == data
    assert store.put(data) == sha and store.exists(sha) and store.get(sha) == data
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1
    (tmp_path / sha[:2] / sha[2:4] / sha).write_bytes(b"tampered")
    with pytest.raises(BlobCorrupt):
        store.get(sha)
    assert not store.delete(sha, unless_newer_than=3600)  # just written: kept
    assert store.delete(sha) and not store.exists(sha)
    with pytest.raises(BlobMissing):
        store.get(sha)
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")
