"""The printable documents: rendered from sample data, read back with pypdf."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date

import pytest
from pypdf import PdfReader

from documents import (
    Announcement,
    DeclarationForm,
    ListedInstitution,
    announcement,
    chinese_date,
    declaration_form,
    layout,
    notice_list,
    notice_window,
    plaque_certificate,
)
from tests.documents.samples import ANNOUNCEMENT, CERTIFICATE, DECLARATION, INSTITUTIONS, NOTICE

MM = 72 / 25.4
A4_POINTS = (595.28, 841.89)


def read(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in read(pdf).pages]


def flat(text: str) -> str:
    """Wrapped lines joined back: long phrases may break anywhere in a CJK paragraph."""
    return "".join(text.split())


@dataclass
class Shown:
    text: str
    fill: tuple[float, ...]
    x: float


def shown_text(pdf: bytes, page: int = 0) -> tuple[list[Shown], list[tuple[tuple[float, ...], float, float, float]]]:
    """Each text run with the fill colour in force, and each straight stroked line as (colour, x0, x1, y)."""
    black: tuple[float, ...] = (0.0,)
    state = {"fill": black, "stroke": black}
    stack: list[dict[str, tuple[float, ...]]] = []
    runs: list[Shown] = []
    lines: list[tuple[tuple[float, ...], float, float, float]] = []
    path: list[tuple[float, float]] = []
    origin = [0.0, 0.0]

    def before(op: bytes, args: list[object], cm: list[float], tm: list[float]) -> None:
        nonlocal path
        numbers = tuple(float(a) for a in args if isinstance(a, (int, float)))
        if op == b"q":
            stack.append(dict(state))
        elif op == b"Q":
            state.update(stack.pop())
        elif op in (b"rg", b"g", b"k"):
            state["fill"] = numbers
        elif op in (b"RG", b"G", b"K"):
            state["stroke"] = numbers
        elif op == b"m":
            origin[:] = [cm[4], cm[5]]
            path = [(numbers[0], numbers[1])]
        elif op == b"l":
            path.append((numbers[0], numbers[1]))
        elif op == b"S" and len(path) == 2 and path[0][1] == path[1][1]:
            lines.append((state["stroke"], origin[0] + path[0][0], origin[0] + path[1][0], origin[1] + path[0][1]))

    def text(chunk: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if chunk.strip():
            runs.append(Shown(chunk.strip(), state["fill"], cm[4] + tm[4]))

    read(pdf).pages[page].extract_text(visitor_operand_before=before, visitor_text=text)
    return runs, lines


def is_red(colour: tuple[float, ...]) -> bool:
    return len(colour) == 3 and colour[0] > 0.6 and colour[1] < 0.2 and colour[2] < 0.2


def test_chinese_dates_use_arabic_numerals_without_leading_zeros() -> None:
    assert chinese_date(date(2026, 12, 1)) == "2026年12月1日"
    assert chinese_date(date(2026, 1, 5)) == "2026年1月5日"
    assert notice_window(date(2026, 9, 28), date(2026, 10, 9)) == "2026年9月28日至2026年10月9日"


class TestDeclarationForm:
    def test_carries_the_institutions_facts(self) -> None:
        text = "\n".join(pages_text(declaration_form(DECLARATION)))
        joined = flat(text)
        assert "市级就业服务质量标杆机构申报表" in joined
        assert "附件2" in joined
        for label in (
            "机构名称",
            "机构类型",
            "所在县区",
            "统一社会信用代码",
            "地址",
            "负责人",
            "联系人",
            "联系电话",
            "服务场所面积（㎡）",
            "工作人员数",
            "成立日期",
            "服务内容",
            "特色亮点",
            "所获荣誉",
            "县级标杆称号文号及日期",
        ):
            assert label in joined, label
        for value in (
            "兰山区零工市场",
            "零工市场",
            "兰山区",
            "12371302MB2857341X",
            "山东省临沂市兰山区金雀山路100号",
            "李明",
            "王芳",
            "0539-8123456",
            "620",
            "12人",
            "2019年5月8日",
            "零工信息发布、供需对接",
            "2024年山东省充分就业社区",
            "兰人社字〔2025〕12号",
            "2025年12月10日",
        ):
            assert value in joined, value

    def test_lists_conditions_materials_and_opinions_with_seal_places(self) -> None:
        pdf = declaration_form(DECLARATION)
        pages = pages_text(pdf)
        text = "\n".join(pages)
        joined = flat(text)
        assert "有固定的服务场所、稳定专业的服务团队" in joined
        assert "自有场所620㎡，专职人员12人" in joined
        assert "营业执照或法人登记证书" in joined and "登记证书.pdf" in joined
        assert "9f86d081884c7d65" not in joined and "SHA" not in joined  # no hash: what a clerk reads instead
        assert "上传时间" in joined and "2026年3月2日14:30" in joined  # 06:30 UTC, in Beijing time
        assert "240.0KB" in joined and "3.2MB" in joined
        for department in ("兰山区人力资源社会保障局意见", "兰山区发展改革局意见", "兰山区民政局意见"):
            assert department in joined
        assert joined.count("（盖章）") == 4  # the three departments' and the declaring unit's
        assert "同意推荐。" in joined and "2026年3月5日" in joined
        assert text.count("年\u3000月\u3000日") == 3  # two departments have not signed yet, nor has the unit
        for page in pages:  # the footer on every page
            assert "申报编号：兰山-2026-0007" in page and "申报日期：2026年3月2日" in page
        assert "草稿" not in joined and "待盖章" not in joined  # a declared form is no draft

    def test_blank_opinions_name_the_three_county_departments(self) -> None:
        county_level = replace(
            DECLARATION, level="县级", county_title_doc_number="", county_title_on=None, opinions=(), materials=()
        )
        joined = flat("".join(pages_text(declaration_form(county_level))))
        assert "县级就业服务质量标杆机构申报表" in joined
        for department in ("县区人力资源社会保障局意见", "县区发展改革局意见", "县区民政局意见"):
            assert department in joined
        assert joined.count("（盖章）") == 4
        assert "县级标杆称号文号及日期" not in joined  # a county-level declaration holds no such title yet

    def test_user_text_is_printed_literally(self) -> None:
        odd = replace(DECLARATION, honours="A&B <省级> 荣誉\n第二行")
        joined = flat("".join(pages_text(declaration_form(odd))))
        assert "A&B<省级>荣誉第二行" in joined


class TestNoticeList:
    def test_lists_the_institutions_and_the_window(self) -> None:
        pages = pages_text(notice_list(NOTICE))
        text = "\n".join(pages)
        joined = flat(text)
        assert "临沂市就业服务质量标杆机构拟评定名单公示" in joined
        for column in ("序号", "机构名称", "机构类型", "所在县区", "级别"):
            assert column in joined
        for item in INSTITUTIONS:
            assert item.name in joined and item.institution_type in joined and item.county in joined
        assert "拟评定以下4家机构" in joined
        assert "公示时间：2026年9月28日至2026年10月9日（5个工作日）" in joined

    def test_says_how_to_object_and_who_issues_it(self) -> None:
        joined = flat("\n".join(pages_text(notice_list(NOTICE))))
        assert "以书面形式实名提出" in joined
        assert "异议受理电话：0539-8322113" in joined
        assert "电子邮箱：srlzybjyzdk@ly.shandong.cn" in joined
        assert joined.endswith("临沂市人力资源和社会保障局2026年9月27日")

    def test_intro_given_by_the_caller_replaces_the_standard_one(self) -> None:
        joined = flat("".join(pages_text(notice_list(replace(NOTICE, intro="经市级评审，现将拟评定名单公示如下。")))))
        assert "经市级评审，现将拟评定名单公示如下。" in joined and "拟评定以下4家机构" not in joined


class TestAnnouncement:
    def test_carries_number_title_addressees_list_seals_and_date(self) -> None:
        pdf = announcement(ANNOUNCEMENT)
        pages = pages_text(pdf)
        joined = flat("\n".join(pages))
        assert "临人社字〔2026〕9号" in joined
        assert "关于公布2026年度临沂市市级就业服务质量标杆机构评定结果的通知" in joined
        assert "各县区人力资源社会保障局、发展改革局、民政局：" in joined
        for item in INSTITUTIONS:
            assert item.name in joined and item.institution_type in joined and item.county in joined
        for organ in ANNOUNCEMENT.organs:
            assert joined.count(organ) >= 2, organ  # in the red mark and over its seal
        assert joined.count("（盖章）") == 3
        assert "2026年12月1日" in joined
        assert "（此件主动公开）" in joined
        assert "抄送：山东省人力资源和社会保障厅" in joined and "2026年12月1日印发" in joined
        numbers = [p.split("\n")[0].strip() for p in pages]
        assert numbers[:2] == ["— 1 —", "— 2 —"]
        assert numbers[-1].startswith("抄送") and len(pages) % 2 == 0  # the 版记's page is even and bare

    def test_the_organ_mark_and_separator_are_red_and_the_rest_is_not(self) -> None:
        runs, lines = shown_text(announcement(ANNOUNCEMENT))
        red = [run.text for run in runs if is_red(run.fill)]
        assert red == [*ANNOUNCEMENT.organs, "文件"]  # stacked, lead organ first
        number = next(run for run in runs if "〔2026〕" in run.text)
        assert not is_red(number.fill)
        red_rules = [line for line in lines if is_red(line[0])]
        assert len(red_rules) == 1
        _, x0, x1, _ = red_rules[0]
        assert x0 == pytest.approx(28 * MM, abs=0.5) and x1 - x0 == pytest.approx(156 * MM, abs=0.5)

    def test_page_is_a4_with_the_gb9704_left_margin(self) -> None:
        reader = read(announcement(ANNOUNCEMENT))
        box = reader.pages[0].mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(A4_POINTS, abs=0.1)
        runs, _ = shown_text(announcement(ANNOUNCEMENT))
        addressees = next(run for run in runs if run.text.startswith("各县区"))
        assert addressees.x == pytest.approx(28 * MM, abs=0.5)

    def test_county_level_document_carries_the_countys_bureaus(self) -> None:
        county = Announcement(
            organs=("兰山区人力资源和社会保障局", "兰山区发展和改革局", "兰山区民政局"),
            doc_number="兰人社字〔2026〕3号",
            title="关于公布2026年度兰山区县级就业服务质量标杆机构评定结果的通知",
            addressees="各街道人力资源和社会保障服务中心：",
            institutions=(ListedInstitution("银雀山街道基层公共就业服务平台", "公共就业服务机构", "兰山区"),),
            signed_on=date(2026, 11, 20),
            level="县级",
        )
        pdf = announcement(county)
        runs, _ = shown_text(pdf)
        # a county's organs are named with the city first: 临沂市兰山区民政局
        assert [run.text for run in runs if is_red(run.fill)] == [f"临沂市{organ}" for organ in county.organs] + [
            "文件"
        ]
        joined = flat("".join(pages_text(pdf)))
        assert "兰人社字〔2026〕3号" in joined and "2026年11月20日" in joined
        assert "决定评定以下1家机构为县级就业服务质量标杆机构" in joined
        assert "临沂市兰山区人力资源和社会保障局办公室2026年11月20日印发" in joined

    def test_a_single_organ_and_a_long_list(self) -> None:
        many = tuple(ListedInstitution(f"第{i}号测试机构", "职业培训机构", "费县") for i in range(1, 31))
        single = replace(ANNOUNCEMENT, organs=("临沂市人力资源和社会保障局",), institutions=many, printed_by="")
        pdf = announcement(single)
        runs, _ = shown_text(pdf)
        assert [run.text for run in runs if is_red(run.fill)] == ["临沂市人力资源和社会保障局", "文件"]
        joined = flat("".join(pages_text(pdf)))
        assert all(f"第{i}号测试机构" in joined for i in range(1, 31))
        assert joined.count("（盖章）") == 1


class TestPlaqueCertificate:
    def test_carries_level_name_year_number_departments_and_date(self) -> None:
        pdf = plaque_certificate(CERTIFICATE)
        reader = read(pdf)
        assert len(reader.pages) == 1
        box = reader.pages[0].mediabox
        assert float(box.width) > float(box.height)  # landscape
        joined = flat(reader.pages[0].extract_text())
        for value in (
            "就业服务质量标杆机构",
            "市级",
            "兰山区零工市场",
            "2026年度",
            "奖牌编号：LY-SJ-2026-001",
            "临沂市人力资源和社会保障局",
            "临沂市发展和改革委员会",
            "临沂市民政局",
            "2026年12月1日",
        ):
            assert value in joined, value
        runs, _ = shown_text(pdf)
        assert any(run.text == "就业服务质量标杆机构" and is_red(run.fill) for run in runs)

    def test_a_long_name_still_fits(self) -> None:
        long_name = "临沂市" + "某" * 30 + "人力资源服务有限公司"
        joined = flat(
            read(plaque_certificate(replace(CERTIFICATE, institution_name=long_name))).pages[0].extract_text()
        )
        assert long_name in joined


def test_same_input_same_bytes() -> None:
    assert announcement(ANNOUNCEMENT) == announcement(ANNOUNCEMENT)
    assert declaration_form(DECLARATION) == declaration_form(DECLARATION)


def test_the_song_face_is_embedded() -> None:
    # fonts-arphic-uming is one of the system packages scripts/system-packages.sh installs.
    assert layout.song() == layout.EMBEDDED_FONT, "fonts-arphic-uming is not installed"
    page = read(notice_list(NOTICE)).pages[0]
    fonts = page["/Resources"]["/Font"]  # type: ignore[index]
    descriptors = [font.get_object().get("/FontDescriptor") for font in fonts.values()]
    assert any("/FontFile2" in descriptor.get_object() for descriptor in descriptors if descriptor is not None)


def test_without_the_font_file_the_standard_cid_font_keeps_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layout, "FONT_FILES", (("/nonexistent/uming.ttc", 0),))
    layout.song.cache_clear()
    try:
        assert layout.song() == layout.STANDARD_FONT
        joined = flat("".join(pages_text(announcement(ANNOUNCEMENT))))
        assert "临人社字〔2026〕9号" in joined and "兰山区零工市场" in joined
    finally:
        layout.song.cache_clear()


def test_declaration_form_requires_no_optional_fields() -> None:
    minimal = DeclarationForm(
        number="费县-2026-0001",
        declared_on=date(2026, 3, 1),
        level="县级",
        institution_name="测试机构",
        institution_type="职业培训机构",
        county="费县",
        credit_code="91371300MA3C000000",
        address="费县",
        person_in_charge="甲",
        contact_person="乙",
        contact_phone="1",
        premises_area_m2=100.5,
        staff_count=3,
        founded_on=date(2020, 1, 1),
        services="培训",
    )
    joined = flat("".join(pages_text(declaration_form(minimal))))
    assert "测试机构" in joined and "100.5" in joined and "（未填写）" in joined and "（无）" in joined
