"""批量办理 from the workbench's 待办: the items ticked under one act, the act's fields given once (the opinion, the
document number, the award's date and each plaque's number), each application's act performed as the API's batch
performs it (services/batch.py: the single act's own service, one after another), and a page with each item's result, a
refusal said in Chinese beside the item and the others done regardless."""

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from db.preferences import OPINION_LENGTH, SavedOpinion, opinions_of, save_opinion, text_problem
from db.queries.batch import names_of
from services.batch import MAX_BATCH, batch_act, bodies, perform_batch
from services.refusals import Refusal
from state.labels import STAGES
from web.page_context import PageContext, PageSession
from web.page_router import page_router
from web.refusals import PageRefusal, explain
from web.render import page
from web.visitors import SignedIn

router = page_router()


@router.post("/batch-acts")
async def batch_acts(request: Request, actor: SignedIn, ctx: PageContext) -> Response:
    posted = await request.form()
    try:
        batch = batch_act(actor, str(posted.get("act", "")))
    except Refusal as refusal:
        raise PageRefusal(refusal, "批量办理") from None
    ids = [v for v in dict.fromkeys(posted.getlist("applications")) if isinstance(v, str) and v]
    context = {"batch": batch, "results": [], "names": {}, "error": "", "stages": STAGES}
    if not ids:
        context["error"] = "请勾选要办理的事项"
    elif len(ids) > MAX_BATCH:
        context["error"] = f"一次最多批量办理{MAX_BATCH}件"
    if context["error"]:
        return page(request, "batch_result.html", context, 422)
    fields = {k: str(posted.get(k, "")).strip() or None for k in batch.fields}
    own = {i: {k: str(posted.get(f"{k}-{i}", "")).strip() or None for k in batch.per_item} for i in ids}
    try:
        prepared = bodies(batch, ids, fields, own)
    except Refusal as r:
        context["error"] = r.message
        return page(request, "batch_result.html", context, 422)
    results = await perform_batch(ctx, actor, batch, prepared)

    def names() -> dict[str, str]:
        with ctx.session() as s:
            return names_of(s, actor.county, ids)

    context |= {
        "results": [(r, (explain(r.refusal).lines or [r.message]) if r.refusal else []) for r in results],
        "names": await run_in_threadpool(names),
        "done": sum(1 for r in results if r.ok),
    }
    return page(request, "batch_result.html", context)


# 常用意见: the signed-in user's saved opinions, read and added by web/static/batch.js beside each opinion field.


def _opinions(rows: list[SavedOpinion]) -> JSONResponse:
    return JSONResponse({"opinions": [{"id": o.id, "text": o.text} for o in rows]})


@router.get("/opinions")
def saved_opinions(actor: SignedIn, session: PageSession) -> Response:
    return _opinions(opinions_of(session, actor.user_id))


@router.post("/opinions")
async def add_opinion(request: Request, actor: SignedIn, session: PageSession) -> Response:
    text = str((await request.form()).get("text", "")).strip()
    problem = text_problem(text, "意见", OPINION_LENGTH, multiline=True)
    if problem:
        return JSONResponse({"message": problem[1], "rule": problem[0]}, status_code=422)
    return _opinions(await run_in_threadpool(save_opinion, session, actor.user_id, text))
