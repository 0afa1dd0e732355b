"""验真 for anyone (no account): upload a PDF to check its electronic seals, or type a 文号 to ask whether such a
document was issued — the same check as POST /api/v1/public/verify (services/verification.py)."""

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response

from services import verification
from services.refusals import Refusal
from state.clock import SHANGHAI
from web.context import context_of
from web.forms import text
from web.refusals import explain
from web.render import page
from web.routes import page_router

router = page_router()
NO_STORE = {"Cache-Control": "no-store"}


def _when(checked: verification.Checked) -> list[tuple[str, str]]:
    """Each seal: the organ, and when it sealed (Asia/Shanghai, to the minute)."""
    out = []
    for seal in checked.seals:
        at = seal.signed_at.astimezone(SHANGHAI) if seal.signed_at else None
        said = f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}" if at else "未载明"
        out.append((seal.organ or "无法识别", said))
    return out


@router.get("/verify")
def verify_form(request: Request) -> Response:
    return page(request, "verify.html", {"values": {}, "errors": {}})


@router.post("/verify")
async def verify(request: Request) -> Response:
    ctx = context_of(request)
    form = await request.form()
    upload = form.get("file")
    number = text(form, "number")
    content = None
    if isinstance(upload, UploadFile) and (upload.filename or upload.size):
        content = await upload.read(ctx.settings.materials.material_max_bytes + 1)
    values = {"number": number}
    try:
        checked = await run_in_threadpool(verification.check, ctx, content, number)
    except Refusal as refusal:
        explained = explain(refusal)
        context = {"values": values, "errors": explained.fields, "explained": explained}
        response = page(request, "verify.html", context, refusal.status)
        response.headers.update(NO_STORE)
        return response
    context = {"values": values, "errors": {}, "checked": checked, "seals": _when(checked)}
    response = page(request, "verify.html", context)
    response.headers.update(NO_STORE)
    return response
