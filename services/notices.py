"""What anyone may see or do without an account: what is under public notice now (公示), the directory of titles,
objecting (异议) to an application under notice, and following an objection by its receipt. Under both
api/routes/public.py and web/routes/public.py."""

from datetime import UTC, datetime

from fastapi.concurrency import run_in_threadpool
from temporalio.service import RPCError

from clients.application import handle_for
from contracts.application import ObjectionAct, ViewRequest
from contracts.rules.administration import borrowed
from db.models import Application
from db.queries.applications import one_under_notice, under_notice
from db.queries.titles import Title, directory
from db.receipts import ReceiptView, issue_receipt, objection_by_receipt
from services.access import narrowed
from services.context import Context
from services.declarations import OBJECTION_EVIDENCE, evidence_files, public_uploader
from services.refusals import Refusal, from_temporal
from state.domain import Actor, Role, Stage
from workflows.application import ApplicationWorkflow

MAX_NOTICES = 1000
PUBLIC = Actor(user_id="public", name="public", role=Role.public)  # api.access.PUBLIC: anyone, without an account


def notices(ctx: Context, limit: int = MAX_NOTICES) -> list[Application]:
    """Everything under public notice now (公示名单)."""
    with ctx.session() as s:
        return under_notice(s, datetime.now(UTC), limit)


def one_notice(ctx: Context, application_id: str) -> Application | None:
    """The application, if it is under notice now (else it is not public: answered like an unknown one)."""
    with ctx.session() as s:
        return one_under_notice(s, application_id, datetime.now(UTC))


def titles(ctx: Context) -> list[Title]:
    """Every title awarded (and revoked), for the public directory."""
    with ctx.session() as s:
        return directory(s)


def objection(ctx: Context, receipt: str) -> ReceiptView | None:
    """An objection as its receipt shows it to whoever lodged it."""
    return objection_by_receipt(ctx.database_url, receipt)


def _not_under_notice() -> Refusal:
    return Refusal(404, borrowed("not_under_notice"))


async def lodge_objection(
    ctx: Context,
    application_id: str,
    name: str,
    contact: str,
    content: str,
    network: str,
    evidence: list[str],
) -> str:
    """Object to an application under notice: the objection's id. ``evidence``: the uploads the objector named,
    taken (as the materials area keeps them) once the application is known to be under notice; ``network`` is where
    the objection comes from, for the workflow's cap on pending objections per network."""
    handle = handle_for(ctx.client, application_id)
    try:
        view = await handle.query(ApplicationWorkflow.view, ViewRequest())
    except RPCError as e:
        refusal = from_temporal(e, f"application {application_id!r}")
        raise (_not_under_notice() if refusal.status == 404 else refusal) from None
    if view.state != Stage.publicized:  # only what is (or was just) on the notice board is public
        raise _not_under_notice()
    files = await evidence_files(
        ctx.settings,
        evidence,
        public_uploader(application_id).user_id,
        OBJECTION_EVIDENCE,
        application_id,
        ctx.settings.materials.objection_evidence_max_files,
    )
    act = ObjectionAct(name=name, contact=contact, content=content, evidence=files, network=network)
    try:
        result = await handle.execute_update(ApplicationWorkflow.lodge_objection, act)
    except Exception as e:
        refusal = from_temporal(e, f"application {application_id!r}")
        if refusal.status == 404:
            raise _not_under_notice() from None
        raise narrowed(refusal, PUBLIC, view.level, view.county) from None
    assert result.objection_id is not None
    return result.objection_id


async def receipt_for(ctx: Context, objection_id: str, application_id: str) -> str:
    """The receipt an objector keeps to follow their objection."""
    return await run_in_threadpool(issue_receipt, ctx.database_url, objection_id, application_id)
