"""The 公布文件 against GB/T 9704-2012, measured from the PDF's own geometry (pdfplumber, pdfium's glyph boxes),
and every document's fonts embedded."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from itertools import pairwise
from typing import Any

import pdfplumber
import pypdfium2
import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from documents import (
    Announcement,
    ListedInstitution,
    announcement,
    approval_sheet,
    declaration_form,
    notice_list,
    plaque_certificate,
)
from tests.documents.samples import ANNOUNCEMENT, APPROVAL_SHEET, CERTIFICATE, DECLARATION, DRAFT, NOTICE

MM = 72 / 25.4
PAGE_HEIGHT = 841.89
LEFT, TYPE_WIDTH = 28 * MM, 156 * MM
TYPE_TOP, TYPE_BOTTOM = 37 * MM, (37 + 225) * MM  # from the page's top, as pdfplumber measures
LINE = 225 * MM / 22
PITCH = TYPE_WIDTH / 28
CLOSING_MARKS = "，。、；：！？）》”’〕"
# Words a title must not be broken inside; the document module's own list is not consulted.
TITLE_WORDS = (
    "关于",
    "公布",
    "2026",
    "年度",
    "临沂市",
    "兰山区",
    "市级",
    "县级",
    "就业",
    "服务",
    "质量",
    "标杆",
    "机构",
)
TITLE_WORDS += ("评定", "结果", "通知", "撤销", "名单")

Char = dict[str, Any]


def pages(pdf: bytes) -> list[Any]:
    return list(pdfplumber.open(io.BytesIO(pdf)).pages)


def lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines by baseline, top to bottom, each left to right."""
    rows: dict[float, list[Char]] = {}
    for char in chars:
        rows.setdefault(round(char["bottom"], 1), []).append(char)
    return [sorted(row, key=lambda c: c["x0"]) for _, row in sorted(rows.items())]


def text(line: list[Char]) -> str:
    return "".join(c["text"] for c in line)


def cells(line: list[Char]) -> float:
    """How many of the 28 cells a line takes: a half-width character is half a cell."""
    return sum(0.5 if c["width"] < c["size"] * 0.75 else 1.0 for c in line)


def centre(line: list[Char]) -> float:
    return (line[0]["top"] + line[0]["bottom"]) / 2


def body(page: Any, size: float = 16) -> list[Char]:
    return [c for c in page.chars if "UKaiCN" in c["fontname"] and abs(c["size"] - size) < 0.1]


def paragraph_lines(pdf: bytes, paragraph: str) -> list[list[Char]]:
    """The lines of the first page whose text is a piece of paragraph, in order."""
    found = [line for line in lines(body(pages(pdf)[0])) if text(line) and text(line) in paragraph]
    assert "".join(text(line) for line in found) == paragraph
    return found


GRID_TEXT = "就业服务质量标杆机构评定" * 8  # 96 characters, no mark: 26 after the indent, then 28, 28, 14
AVOIDED = "一" * 25 + "二，" + "三" * 30  # the 27th character of the first line is "，"


class TestBodyGrid:
    def test_28_characters_a_line_across_the_156_mm_type_area(self) -> None:
        found = paragraph_lines(announcement(replace(ANNOUNCEMENT, opening=(GRID_TEXT,))), GRID_TEXT)
        assert [len(line) for line in found] == [26, 28, 28, 14]
        assert found[0][0]["x0"] == pytest.approx(LEFT + 2 * PITCH, abs=0.5)  # indented two characters
        for line in found[1:]:
            assert line[0]["x0"] == pytest.approx(LEFT, abs=0.5)
        for line in found[:-1]:
            assert line[-1]["x1"] == pytest.approx(LEFT + TYPE_WIDTH, abs=0.5)
        assert [centre(b) - centre(a) for a, b in pairwise(found)] == pytest.approx([LINE] * 3, abs=0.2)

    def test_a_closing_mark_takes_the_character_before_it_to_the_next_line(self) -> None:
        found = paragraph_lines(announcement(replace(ANNOUNCEMENT, opening=(AVOIDED,))), AVOIDED)
        assert text(found[0]) == "一" * 25 and text(found[1]).startswith("二，")
        assert found[0][-1]["x1"] == pytest.approx(LEFT + TYPE_WIDTH, abs=0.5)  # spread, not hanging

    def test_the_sample_bodys_full_lines_take_28_cells_and_no_line_starts_with_a_closing_mark(self) -> None:
        page_lines = [line for page in pages(announcement(ANNOUNCEMENT)) for line in lines(body(page))]
        starts = [line for line in page_lines if line[0]["x0"] == pytest.approx(LEFT, abs=0.5)]
        full = [line for line in starts if line[-1]["x1"] == pytest.approx(LEFT + TYPE_WIDTH, abs=0.5)]
        assert len(full) >= 3
        for line in full:
            after = text(page_lines[page_lines.index(line) + 1])
            if cells(line) < 28:  # a character went down with a closing mark, or a half-width run did not fit
                assert after[1:2] in CLOSING_MARKS or cells(line) == 27.5, (text(line), after)
            assert cells(line) >= 27, text(line)
        assert not [text(line) for line in page_lines if text(line)[0] in CLOSING_MARKS]

    def test_every_character_lies_inside_the_type_area(self) -> None:
        for pdf in (announcement(ANNOUNCEMENT), announcement(replace(ANNOUNCEMENT, opening=(AVOIDED,)))):
            for page in pages(pdf):
                for char in page.chars:
                    assert char["x0"] >= LEFT - 0.5 and char["x1"] <= LEFT + TYPE_WIDTH + 0.5, char["text"]


class TestTitle:
    @pytest.mark.parametrize(
        "title",
        [
            ANNOUNCEMENT.title,
            "关于公布2026年度临沂市兰山区县级就业服务质量标杆机构评定结果的通知",
            "关于撤销2026年度临沂市市级就业服务质量标杆机构评定结果的决定",
            "关于公布临沂市就业服务质量标杆机构名单的通知",
            "关于公布2026年度临沂市兰山区县级就业服务质量标杆机构评定结果和临沂市兰山区县级就业服务质量标杆机构名录的通知",
        ],
    )
    def test_lines_break_between_words(self, title: str) -> None:
        first = pages(announcement(replace(ANNOUNCEMENT, title=title)))[0]
        title_lines = lines([c for c in first.chars if abs(c["size"] - 22) < 0.1])
        assert "".join(text(line) for line in title_lines) == title
        assert len(title_lines) == (2 if len(title) < 40 else 3)
        breaks = [sum(len(text(line)) for line in title_lines[: i + 1]) for i in range(len(title_lines) - 1)]
        for word in TITLE_WORDS:
            start = title.find(word)
            while start >= 0:
                assert not any(start < cut < start + len(word) for cut in breaks), f"{word} split: {title_lines}"
                start = title.find(word, start + 1)
        widths = [line[-1]["x1"] - line[0]["x0"] for line in title_lines]
        assert max(widths) <= TYPE_WIDTH and max(widths) - min(widths) < TYPE_WIDTH / 2  # no ragged last line

    def test_one_blank_line_between_title_and_addressees(self) -> None:
        first = pages(announcement(ANNOUNCEMENT))[0]
        last_title_line = lines([c for c in first.chars if abs(c["size"] - 22) < 0.1])[-1]
        addressees = next(line for line in lines(body(first)) if text(line).startswith("各县区"))
        assert centre(addressees) - centre(last_title_line) == pytest.approx(2 * LINE, abs=1)

    def test_title_and_organ_mark_in_the_song_face_and_the_text_in_the_fangsong_stand_in(self) -> None:
        first = pages(announcement(ANNOUNCEMENT))[0]
        fonts = {c["fontname"].split("+")[-1] for c in first.chars if abs(c["size"] - 22) < 0.1 or c["size"] > 25}
        assert fonts == {"UMingCN-0"}  # 小标宋's stand-in: AR PL UMing, drawn heavy
        assert {c["fontname"].split("+")[-1] for c in first.chars if c["text"] == "各"} == {"UKaiCN-0"}  # 仿宋's


class TestPages:
    def test_page_number_dashes_lie_7_mm_below_the_type_area(self) -> None:
        document = pypdfium2.PdfDocument(announcement(ANNOUNCEMENT))
        dashes = 0
        for page in document:
            textpage = page.get_textpage()
            for i in range(textpage.count_chars()):
                if textpage.get_text_range(i, 1) == "—":
                    _, bottom, _, top = textpage.get_charbox(i, loose=False)  # the ink, from the bottom
                    assert pytest.approx(PAGE_HEIGHT - (bottom + top) / 2, abs=1 * MM) == (37 + 225) * MM + 7 * MM
                    dashes += 1
        assert dashes >= 4

    @pytest.mark.parametrize("count", [4, 16, 30])
    def test_the_colophon_ends_an_even_page_that_carries_no_number(self, count: int) -> None:
        listed = tuple(ListedInstitution(f"第{i}号测试机构", "职业培训机构", "费县") for i in range(count))
        all_pages = pages(announcement(replace(ANNOUNCEMENT, institutions=listed)))
        assert len(all_pages) % 2 == 0
        last = all_pages[-1]
        joined = "".join(text(line) for line in lines(last.chars))
        assert joined.startswith("抄送：山东省人力资源和社会保障厅。") and joined.endswith("2026年12月1日印发")
        assert "—" not in joined
        assert max(c["bottom"] for c in last.chars) <= TYPE_BOTTOM
        assert max(edge["bottom"] for edge in last.lines) == pytest.approx(TYPE_BOTTOM, abs=1)  # 末条分隔线
        numbered = [page for page in all_pages if any(c["text"] == "—" for c in page.chars)]
        body_pages = [page for page in all_pages if any("UKaiCN" in c["fontname"] for c in page.chars)][:-1]
        assert numbered == body_pages  # a blank page before the 版记, if any, is bare
        assert all(not page.chars for page in all_pages[len(body_pages) : -1])

    def test_colophon_defaults_the_printing_office_and_date(self) -> None:
        bare = replace(ANNOUNCEMENT, printed_by="", copied_to="")
        joined = "".join(text(line) for line in lines(pages(announcement(bare))[-1].chars))
        assert joined == "临沂市人力资源和社会保障局办公室2026年12月1日印发"


class TestSignatures:
    def _sealed(self, document: Announcement) -> tuple[Any, list[list[Char]], list[Any]]:
        page = next(p for p in pages(announcement(document)) if any(c["text"] == "盖" for c in p.chars))
        seals = sorted((curve for curve in page.curves if curve["width"] > 100), key=lambda c: c["top"])
        return page, lines(body(page)), seals

    def test_date_four_characters_in_and_the_last_organ_centred_over_it(self) -> None:
        _, text_lines, seals = self._sealed(ANNOUNCEMENT)
        date = next(line for line in text_lines if text(line) == "2026年12月1日")
        assert date[-1]["x1"] == pytest.approx(LEFT + TYPE_WIDTH - 4 * PITCH, abs=1 * MM)
        above = text_lines[text_lines.index(date) - 1]
        assert text(above) == "临沂市民政局"
        assert (above[0]["x0"] + above[-1]["x1"]) / 2 == pytest.approx((date[0]["x0"] + date[-1]["x1"]) / 2, abs=1)
        last_seal = seals[-1]
        assert (last_seal["x0"] + last_seal["x1"]) / 2 == pytest.approx((date[0]["x0"] + date[-1]["x1"]) / 2, abs=1)
        # the seal presses name and date, which lie below its centre
        assert last_seal["top"] < above[0]["top"] and date[-1]["bottom"] < last_seal["bottom"]
        assert (last_seal["top"] + last_seal["bottom"]) / 2 < centre(above)

    def test_the_first_seals_begin_within_a_line_of_the_text(self) -> None:
        _, text_lines, seals = self._sealed(ANNOUNCEMENT)
        assert len(seals) == 3
        first_top = seals[0]["top"]
        text_above = max(line[0]["bottom"] for line in text_lines if line[0]["bottom"] < first_top)
        assert 0 < first_top - text_above <= LINE
        assert all(seal["x0"] >= LEFT and seal["x1"] <= LEFT + TYPE_WIDTH for seal in seals)

    def test_a_county_documents_organs_carry_the_citys_name(self) -> None:
        county = replace(
            ANNOUNCEMENT,
            organs=("兰山区人力资源和社会保障局", "兰山区发展和改革局", "兰山区民政局"),
            level="县级",
        )
        all_text = "".join(text(line) for page in pages(announcement(county)) for line in lines(page.chars))
        for organ in ("临沂市兰山区人力资源和社会保障局", "临沂市兰山区发展和改革局", "临沂市兰山区民政局"):
            assert all_text.count(organ) == 2, organ  # the red mark and the signature


def every_pdf() -> Iterator[tuple[str, bytes]]:
    yield "announcement", announcement(ANNOUNCEMENT)
    yield "notice", notice_list(NOTICE)
    yield "certificate", plaque_certificate(CERTIFICATE)
    yield "declaration", declaration_form(DECLARATION)
    yield "declaration draft", declaration_form(DRAFT)
    yield "approval sheet", approval_sheet(APPROVAL_SHEET)


def test_every_font_in_every_document_is_embedded() -> None:
    for name, pdf in every_pdf():
        seen: set[str] = set()
        for page in PdfReader(io.BytesIO(pdf)).pages:
            fonts = page["/Resources"].get_object().get("/Font")
            assert fonts is not None, name
            for font in fonts.get_object().values():
                font = font.get_object()
                descendants = font.get("/DescendantFonts")
                described: DictionaryObject = descendants.get_object()[0].get_object() if descendants else font
                descriptor = described.get("/FontDescriptor")
                assert descriptor is not None, f"{name}: {font['/BaseFont']} is not embedded"
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()), font["/BaseFont"]
                seen.add(str(font["/BaseFont"]).split("+")[-1])
        assert seen and not any("Helvetica" in font for font in seen), (name, seen)
