"""The yearly filing (备案) in pages: the city's board (/filings?year=…: every county's state, versions and 附件4),
and a county's filing (/filings/{county}/{year}: the draft the records give, the recorded versions, and for that
county's bureau the confirm and correction forms).

Every read and write is the service the API calls too (services/filings.py) with the signed-in user, so the scope
(a county user sees its own county; another county's filing is a 404) and the refusals are the API's."""

from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from schemas.filings import CorrectionCreate, FilingCreate
from services import filing_forms, filings
from services.refusals import Refusal, not_found
from services.roles import READERS, admit
from state.clock import SHANGHAI
from state.domain import COUNTIES, Actor, Role
from state.labels import FILING_ACTS
from web.context import context_of
from web.forms import field_errors
from web.page_calls import said
from web.refusals import Explained, PageRefusal
from web.render import page
from web.routes import page_router
from web.visitors import SignedIn

router = page_router()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST_YEAR, LAST_YEAR = 2022, 2100  # the API's bounds on a filing's year


def this_year() -> int:
    return datetime.now(SHANGHAI).year


def _year(value: str) -> int:
    """The year asked for, or this year; outside the API's bounds it is a 404 page, as an unknown address."""
    if not value:
        return this_year()
    if not value.isdigit() or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise PageRefusal(not_found(f"year {value!r}"))
    return int(value)


def require_reader(actor: Actor) -> None:
    try:
        admit(actor, *READERS)
    except Refusal as refusal:
        raise PageRefusal(refusal) from None


def _county(actor: Actor, county: str) -> str:
    require_reader(actor)
    if county not in COUNTIES:
        raise PageRefusal(not_found(county))
    return county


def xlsx_url(county: str, year: int, version: int | None = None) -> str:
    return f"/filings/{county}/{year}/form.xlsx" + (f"?version={version}" if version else "")


@router.get("/filings")
def board(request: Request, actor: SignedIn, year: str = "") -> Response:
    require_reader(actor)
    chosen = _year(year)
    ctx = context_of(request)
    try:
        answer = filings.board(actor, ctx, chosen)
    except Refusal as refusal:
        raise PageRefusal(refusal) from None
    versions = filings.versions_of_year(ctx, chosen)
    rows = [
        {
            "row": row,
            "versions": [
                {"v": v, "kind": FILING_ACTS["correct" if v.kind == "correction" else "file"]}
                for v in versions.get(row.county, [])
            ],
            "href": f"/filings/{row.county}/{chosen}",
            "xlsx": xlsx_url(row.county, chosen),
        }
        for row in answer.counties
    ]
    context = {
        "year": chosen,
        "years": list(range(FIRST_YEAR, this_year() + 2)),
        "board": answer,
        "rows": rows,
        "actor": actor,
    }
    return page(request, "filings.html", context)


async def filing_page(
    request: Request,
    actor: Actor,
    county: str,
    year: int,
    *,
    explained: Explained | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
    done: str = "",
) -> Response:
    try:
        ctx = context_of(request)
        filing = await filings.filing(actor, ctx, county, year)
        draft = await run_in_threadpool(filings.draft, actor, ctx, county, year)
    except Refusal as refusal:
        raise PageRefusal(refusal) from None
    context: dict[str, Any] = {
        "county": county,
        "year": year,
        "filing": filing,
        "draft": draft,
        "versions": [
            {
                "v": v,
                "kind": FILING_ACTS["correct" if v.kind == "correction" else "file"],
                "xlsx": xlsx_url(county, year, v.version),
            }
            for v in reversed(filing.versions)
        ],
        "draft_xlsx": xlsx_url(county, year) if not filing.versions else None,
        "own": actor.role == Role.county_bureau and actor.county == county,  # whose forms these are: the API decides
        "explained": explained,
        "errors": errors or {},
        "values": values or {},
        "done": FILING_ACTS.get(done, ""),
        "actor": actor,
    }
    return page(request, "filing.html", context, status)


@router.get("/filings/{county}/{year}")
async def filing(
    request: Request,
    county: str,
    year: str,
    actor: SignedIn,
    done: str = "",
) -> Response:
    chosen = _year(year)
    return await filing_page(request, actor, _county(actor, county), chosen, done=done)


async def _write(
    request: Request,
    actor: Actor,
    county: str,
    year: str,
    act: str,
) -> Response:
    county, chosen = _county(actor, county), _year(year)
    posted = await request.form()
    values = {k: v for k, v in posted.items() if isinstance(v, str) and k != "csrf_token"}
    ctx = context_of(request)
    try:
        admit(actor, Role.county_bureau)  # as the API's routes admit (CountyBureau), before anything
        if act == "file":
            filed = FilingCreate.model_validate({"digest": values.get("digest", ""), "note": values.get("note", "")})
            await filings.file(actor, ctx, county, chosen, filed.digest, filed.note)
        else:
            fixed = CorrectionCreate.model_validate({k: values.get(k, "") for k in ("digest", "note", "reason")})
            await filings.correct(actor, ctx, county, chosen, fixed.digest, fixed.reason, fixed.note)
    except ValidationError as e:
        return await filing_page(request, actor, county, chosen, errors=field_errors(e), values=values, status=422)
    except Refusal as refusal:
        explained = said(refusal)
        return await filing_page(
            request,
            actor,
            county,
            chosen,
            explained=explained,
            errors=explained.fields,
            values=values,
            status=refusal.status,
        )
    return RedirectResponse(f"/filings/{county}/{chosen}?done={act}", status_code=303)


@router.post("/filings/{county}/{year}")
async def confirm(
    request: Request,
    county: str,
    year: str,
    actor: SignedIn,
) -> Response:
    """备案: the county bureau sends back the digest of the draft it reviewed (POST /api/v1/filings/{county}/{year})."""
    return await _write(request, actor, county, year, "file")


@router.post("/filings/{county}/{year}/corrections")
async def correct(
    request: Request,
    county: str,
    year: str,
    actor: SignedIn,
) -> Response:
    """更正: a new version of the draft as the records now stand, with the reason."""
    return await _write(request, actor, county, year, "correct")


@router.get("/filings/{county}/{year}/form.xlsx")
def form_xlsx(request: Request, county: str, year: str, actor: SignedIn, version: str = "") -> Response:
    """附件4 as the API writes it: the latest version (or ?version=N), the draft while nothing is filed."""
    county, chosen = _county(actor, county), _year(year)
    if version and not (version.isdigit() and 1 <= int(version) <= 10_000):
        raise PageRefusal(not_found(f"version {version!r}"))
    try:
        form = filings.form(actor, context_of(request), county, chosen, int(version) if version else None)
    except Refusal as refusal:
        raise PageRefusal(refusal) from None
    disposition = filing_forms.disposition(form.filename("xlsx"))
    return Response(filing_forms.xlsx(form), media_type=XLSX, headers={"Content-Disposition": disposition})
