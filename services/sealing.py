"""Documents sealed when first asked for and kept (奖牌证书, 备案表 as filed, 公示名单 as it stood, a 公布文件 of an
application announced by its own co-signatures): the first request
renders and seals (activities/sealing.py keeps it once), every later one serves the kept bytes, their SHA-256 as the
ETag."""

from collections.abc import Callable, Sequence
from datetime import date

from activities import sealing
from activities.sealing import ANNOUNCEMENT, CERTIFICATE, FILING_FORM, NOTICE_LIST
from services.context import Context
from services.declarations import store_for
from services.pdf import Pdf

__all__ = ["ANNOUNCEMENT", "CERTIFICATE", "FILING_FORM", "NOTICE_LIST", "sealed_as_it_stands", "sealed_once"]


def sealed_once(
    ctx: Context,
    purpose: str,
    subject: str,
    organs: Sequence[str],
    render: Callable[[], bytes],
    name: str,
    *,
    document_no: str | None = None,
    issued_on: date | None = None,
) -> Pdf:
    """The kept document of (purpose, subject); on the first request, ``render()`` sealed by ``organs`` and kept."""
    row = sealing.sealed_once(
        ctx.settings, purpose, subject, organs, render, document_no=document_no, issued_on=issued_on
    )
    return Pdf(store_for(ctx.settings).get(row.sha256), name, row.sha256)


def sealed_as_it_stands(ctx: Context, organs: Sequence[str], pdf: bytes, name: str, issued_on: date | None) -> Pdf:
    """A 公示名单, which changes while notices run: sealed once for each content it has (the same list, the same
    bytes)."""
    row = sealing.sealed_content(ctx.settings, NOTICE_LIST, organs, pdf, issued_on=issued_on)
    return Pdf(store_for(ctx.settings).get(row.sha256), name, row.sha256)
