"""The yearly filing (备案) of each county's county-level results with the province and the city (评定结果报省、市
备案): the draft generated from the records, filing it (once) and correcting it (new versions), each version's
delivery to both addressees, the city's board, and Attachment 4 as XLSX and CSV. The use cases are
services/filings.py's."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.concurrency import run_in_threadpool

from api.deps import CityReviewer, CountyBureau, Reader, ServiceContext
from api.errors import documented
from schemas.fields import County
from schemas.filings import (
    Accepted,
    BoardPublic,
    CorrectionCreate,
    DraftPublic,
    FiledPublic,
    FilingCreate,
    FilingPublic,
)
from services import filing_forms, filings
from services.pdf import PDF

router = APIRouter(prefix="/filings", tags=["filings"], responses=documented(401, 403, 404, 409, 503))

CountyPath = Annotated[County, Path(description="county or district (县区)")]
Year = Annotated[int, Path(ge=2022, le=2100, description="the year whose results are filed")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VersionQuery = Annotated[
    int | None, Query(ge=1, le=10_000, description="a recorded version; default the latest (or the draft)")
]


@router.get(
    "",
    response_model=BoardPublic,
    summary="The city's board: each county's filing for a year",
    responses=documented(401, 403),
)
def board(actor: Reader, ctx: ServiceContext, year: Annotated[int, Query(ge=2022, le=2100)]) -> BoardPublic:
    return filings.board(actor, ctx, year)


@router.get(
    "/{county}/{year}",
    response_model=FilingPublic,
    summary="One county's filing for a year",
    responses=documented(401, 403, 404, 503),
)
async def filing(county: CountyPath, year: Year, actor: Reader, ctx: ServiceContext) -> FilingPublic:
    return await filings.filing(actor, ctx, county, year)


@router.get(
    "/{county}/{year}/draft",
    response_model=DraftPublic,
    summary="The filing content generated from the records, to review",
    responses=documented(401, 403, 404),
)
def draft(county: CountyPath, year: Year, actor: Reader, ctx: ServiceContext) -> DraftPublic:
    return filings.draft(actor, ctx, county, year)


@router.post(
    "/{county}/{year}",
    status_code=201,
    response_model=FiledPublic,
    summary="File the reviewed draft (备案): delivered to the province and the city, each delivery recorded",
    responses=documented(401, 403, 404, 409, 503),
)
async def file(
    county: CountyPath, year: Year, body: FilingCreate, actor: CountyBureau, ctx: ServiceContext
) -> FiledPublic:
    return await filings.file(actor, ctx, county, year, body.digest, body.note)


@router.post(
    "/{county}/{year}/corrections",
    status_code=201,
    response_model=FiledPublic,
    summary="Correct the filing: a new version",
    responses=documented(401, 403, 404, 409, 503),
)
async def correct(
    county: CountyPath, year: Year, body: CorrectionCreate, actor: CountyBureau, ctx: ServiceContext
) -> FiledPublic:
    return await filings.correct(actor, ctx, county, year, body.digest, body.reason, body.note)


@router.post(
    "/{county}/{year}/start",
    status_code=202,
    response_model=Accepted,
    summary="Open a county's filing now (on demand)",
    responses=documented(401, 403, 409, 503),
)
async def start(county: CountyPath, year: Year, actor: CityReviewer, ctx: ServiceContext) -> Accepted:
    return Accepted(workflow_id=await filings.start(actor, ctx, county, year))


@router.post(
    "/{county}/{year}/replan",
    status_code=202,
    response_model=Accepted,
    summary="Recompute reminder dates (after a calendar was loaded)",
    responses=documented(401, 403, 404, 503),
)
async def replan(county: CountyPath, year: Year, actor: CityReviewer, ctx: ServiceContext) -> Accepted:
    return Accepted(workflow_id=await filings.replan(ctx, county, year))


def _form_response(form: filing_forms.Form, kind: str) -> Response:
    if kind == "xlsx":
        content, media = filing_forms.xlsx(form), XLSX
    else:
        content, media = filing_forms.csv_bytes(form), "text/csv; charset=utf-8"
    disposition = filing_forms.disposition(form.filename(kind))
    return Response(content, media_type=media, headers={"Content-Disposition": disposition})


@router.get(
    "/{county}/{year}/form.xlsx",
    response_class=Response,
    summary="Attachment 4 (备案表) as XLSX",
    responses={200: {"content": {XLSX: {}}, "description": "the form"}, **documented(401, 403, 404)},
)
def form_xlsx(
    county: CountyPath, year: Year, actor: Reader, ctx: ServiceContext, version: VersionQuery = None
) -> Response:
    return _form_response(filings.form(actor, ctx, county, year, version), "xlsx")


@router.get(
    "/{county}/{year}/form.csv",
    response_class=Response,
    summary="Attachment 4 (备案表) as CSV (UTF-8 with BOM)",
    responses={200: {"content": {"text/csv": {}}, "description": "the form"}, **documented(401, 403, 404)},
)
def form_csv(
    county: CountyPath, year: Year, actor: Reader, ctx: ServiceContext, version: VersionQuery = None
) -> Response:
    return _form_response(filings.form(actor, ctx, county, year, version), "csv")


@router.get(
    "/{county}/{year}/form.pdf",
    response_class=Response,
    summary="Attachment 4 (备案表) as PDF: a filed version sealed by the county bureau, kept and served the same",
    responses={200: {"content": {PDF: {}}, "description": "the form"}, **documented(401, 403, 404)},
)
async def form_pdf(
    county: CountyPath, year: Year, actor: Reader, ctx: ServiceContext, version: VersionQuery = None
) -> Response:
    pdf = await run_in_threadpool(filings.form_pdf, actor, ctx, county, year, version)
    return Response(pdf.content, media_type=PDF, headers=pdf.headers)
