"""办理过程's renderer: a long history runs on over pages, the table's head on each page, the pages numbered; its
text reads back in Chinese exactly as given."""

import io

import pdfplumber

import documents

ENTRIES = [
    documents.ProcessEntry(f"2026年5月{1 + i % 28}日 09:{i % 60:02d}", "县级审核通过", "张三（县区人社局·兰山区）",
                           f"第{i + 1}次办理：材料齐全，同意上报；办理后状态：县级审核通过")
    for i in range(120)
]  # fmt: skip


def test_a_long_history_breaks_across_numbered_pages_with_the_head_on_each():
    record = documents.ProcessRecord(
        title="兰山区人力资源市场零工驿站申报办理过程",
        facts=[("申报编号", "兰山-2026-0001"), ("办理状态", "已授牌")],
        entries=ENTRIES,
        packed="打包人：李四（县区人社局·兰山区）　打包时间：2026年12月7日 14:30",
    )
    with pdfplumber.open(io.BytesIO(documents.process_record(record))) as pdf:
        pages = [p.extract_text() or "" for p in pdf.pages]
    assert len(pages) >= 3
    for n, text in enumerate(pages, 1):
        assert "序号" in text and "办理人" in text and f"第{n}页" in text
    whole = "".join(pages)
    assert "第1次办理" in whole and "第120次办理" in whole and "打包人：李四" in whole.replace("\n", "")
    assert pages[0].startswith("兰山区人力资源市场零工驿站申报办理过程")


def test_a_history_without_events_says_so():
    record = documents.ProcessRecord(title="某机构申报办理过程", facts=[], entries=[], packed="打包人：李四")
    with pdfplumber.open(io.BytesIO(documents.process_record(record))) as pdf:
        assert "（无记录）" in (pdf.pages[0].extract_text() or "")
