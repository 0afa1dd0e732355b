"""The pictures in docs/images that README.md shows.

- pdf-*.png: the first page of each printable document (申报表, 公示名单, 公布文件, 奖牌证书, 撤销决定, 评审汇总表), rendered from the sample
  inputs of tests/documents/samples.py with ``pdftoppm -png -r 50`` (poppler-utils); those the organs issue sealed as
  the service seals them (the development provider's test seals, made in a scratch directory); pdf-program-*.png: the
  second program's (南昌市市级创业孵化基地认定) 申报表 and 公布文件, from tests/documents/program_samples.py, with
  南昌's region file (tests/region_files/jiangxi.toml) in BIAOGAN_REGIONS_DIR for its organs;
- page-*.png: screenshots the browser tests took (tests/web/screenshots, by the ``shot`` helper), shrunk to 800 px
  wide with a 256-colour palette. Run the browser tests first:

    .venv/bin/python -m pytest -q tests/web/test_statistics.py tests/web/test_filing_board.py \\
        tests/web/test_document_links.py tests/web/test_walk.py tests/web/test_announcement_pages.py \\
        tests/web/test_program_declaration.py
    .venv/bin/python scripts/docs_images.py
"""

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import documents  # noqa: E402
from documents.review_summary import review_summary  # noqa: E402
from documents.revocation import revocation_decision  # noqa: E402
from regions.catalog import DIRECTORY_VARIABLE  # noqa: E402
from seals.provider import DevSealProvider  # noqa: E402
from tests.documents import program_samples, samples  # noqa: E402

IMAGES = ROOT / "docs" / "images"
SCREENSHOTS = ROOT / "tests" / "web" / "screenshots"
NANCHANG = ROOT / "tests" / "region_files" / "jiangxi.toml"
PAGES = {  # the screenshot -> the picture in docs/images
    "statistics": "page-statistics",
    "filing-board": "page-filing-board",
    "filing-county-draft": "page-filing-county",
    "application-documents": "page-application-documents",
    "walk-city-phone-notices": "page-phone-notices",
    "walk-city-phone-workbench": "page-phone-workbench",
    "walk-city-phone-round": "page-phone-round",
    "walk-city-round-selected": "page-round-panel",
    "announcements": "page-announcements",
    "verify-valid": "page-verify",
    "program-declaration-form": "page-program-declaration",
    "program-notices": "page-program-notices",
}
WIDTH = 800
PHONE_WIDTH = 375  # phone screenshots (a 375 px screen at device scale 2) are shown at the phone's own width


def sealed(provider: DevSealProvider, organs: Sequence[str], pdf: bytes) -> bytes:
    for organ in organs:
        pdf = provider.seal_pdf(organ, pdf)
    return pdf


def pdfs() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        seals = DevSealProvider(Path(scratch))
        regions = Path(scratch) / "regions"
        regions.mkdir()
        shutil.copy(NANCHANG, regions / NANCHANG.name)
        os.environ[DIRECTORY_VARIABLE] = str(regions)  # 南昌's organs, for the second program's 公布文件
        program_announcement = program_samples.announcement()
        rendered = {
            "pdf-declaration": documents.declaration_form(samples.DECLARATION),
            "pdf-notice-list": sealed(seals, [samples.NOTICE.issuing_organ], documents.notice_list(samples.NOTICE)),
            "pdf-announcement": sealed(
                seals, samples.ANNOUNCEMENT.organs, documents.announcement(samples.ANNOUNCEMENT)
            ),
            "pdf-certificate": sealed(
                seals,
                samples.CERTIFICATE.issuing_departments[:1],
                documents.plaque_certificate(samples.CERTIFICATE),
            ),
            "pdf-revocation": sealed(seals, samples.REVOCATION.organs, revocation_decision(samples.REVOCATION)),
            "pdf-review-summary": review_summary(samples.REVIEW_SUMMARY),
            "pdf-program-declaration": documents.program_form(program_samples.DECLARATION),
            "pdf-program-announcement": sealed(
                seals, program_announcement.organs, documents.announcement(program_announcement)
            ),
        }
        for name, content in rendered.items():
            pdf = Path(scratch) / f"{name}.pdf"
            pdf.write_bytes(content)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(IMAGES / name)],
                check=True,
            )
            print(f"• {IMAGES / name}.png")


def screenshots() -> None:
    for shot, name in PAGES.items():
        source = SCREENSHOTS / f"{shot}.png"
        if not source.exists():
            print(f"• {source} missing: run the browser tests first", file=sys.stderr)
            continue
        with Image.open(source) as image:
            image = image.convert("RGB")
            width = PHONE_WIDTH if "phone" in name else WIDTH
            if image.width > width:
                image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
            image.quantize(colors=256).save(IMAGES / f"{name}.png", optimize=True)
        print(f"• {IMAGES / name}.png")


if __name__ == "__main__":
    IMAGES.mkdir(parents=True, exist_ok=True)
    pdfs()
    screenshots()
