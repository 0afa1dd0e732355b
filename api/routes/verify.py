"""验真 (no account needed): a PDF's seals checked and what the system knows of it, or whether a 文号 was issued
(services/verification.py)."""

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import WithJsonSchema

from api.deps import ServiceContext
from api.errors import documented
from api.too_large import TOO_LARGE
from schemas.verification import Verified
from services import verification

router = APIRouter(prefix="/public", tags=["public"])


@router.post(
    "/verify",
    response_model=Verified,
    summary="验真: check a PDF's electronic seals (pyHanko's validator) and what the system knows of it by its "
    "SHA-256; or, with a 文号, whether such a document was issued (multipart: `file` and/or `number`)",
    responses={
        **documented(
            rules={
                422: ("verify_nothing", "verify_empty", "verify_not_pdf", "verify_number_too_long"),
            }
        ),
        **TOO_LARGE,
    },
)
async def verify(
    ctx: ServiceContext,
    file: Annotated[UploadFile | None, File(description="the PDF to check")] = None,
    number: Annotated[
        # the bound is the service's own (a longer one: 422 verify_number_too_long), stated here for the document
        Annotated[str, WithJsonSchema({"type": "string", "maxLength": verification.NUMBER_MAX})] | None,
        Form(description="a 文号 (or a plaque's number) to look up"),
    ] = None,
) -> Verified:
    content = None
    if file is not None:
        content = await file.read(ctx.settings.materials.material_max_bytes + 1)
    checked = await run_in_threadpool(verification.check, ctx, content, number)
    answer = asdict(checked)
    if checked.valid is None:  # only a 文号 was asked about: it holds when the system issued one of that number
        answer["valid"] = bool(checked.issued)
    return Verified.model_validate(answer)
