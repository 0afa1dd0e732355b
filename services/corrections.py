"""退回补正: a reviewer returns a declaration to the declaring county for correction, and the county resubmits it
corrected (amended facts in full, files replacing the items they name). Both are workflow updates (services/acts);
the resubmission is checked here first like a declaration (conditions attested, checklist met, the caller's own
uploads), since those rules are data that may change after the fact."""

from datetime import date

from fastapi.concurrency import run_in_threadpool

from contracts.application import ResubmitAct
from contracts.corrections import CorrectionRequestAct
from contracts.rules.applications import CORRECTION_ITEM_NOT_RESUPPLIED, CORRECTION_ITEM_UNKNOWN
from contracts.rules.engine import IDENTITY_CHANGED
from schemas.applications import CorrectionRequestCreate, ResubmissionCreate
from schemas.models import InstitutionCreate, ProgramInstitutionCreate
from services import acts
from services.access import declarer_of, fetch_view, not_allowed, require_authority, require_separation
from services.context import Context
from services.declarations import (
    attestation_problems,
    check_county_title,  # the same rule as at declaration
    checklists,
    condition_book,
    current_materials,
    institution_of,
    refusal,
    submitted_materials,
)
from services.program_declarations import amended, checklist_of, correctable_items, kept_version
from services.refusals import Refusal
from state.declaration import Problem, declaration_problems
from state.domain import Act, Actor, Level, Stage, type_key
from workflows.application_corrections import IDENTITY

IDENTITY_NAMES = {"credit_code": "统一社会信用代码", "type": "机构类型"}


async def request_correction(
    ctx: Context, actor: Actor, application_id: str, body: CorrectionRequestCreate
) -> acts.Done:
    """By the review that has it: the county bureau while declared, the city reviewer while a city-level
    application is county-reviewed. The county has ``BIAOGAN_CORRECTION_WORKING_DAYS`` working days."""
    view = await fetch_view(ctx, application_id, actor)
    act = Act.county_request_correction if view.state == Stage.declared else Act.city_request_correction
    require_authority(act, actor, view)
    require_separation(act, actor, view)
    kind = view.institution.type
    if view.program is not None and view.program.own_facts:  # another program: its version's checklist, conditions
        kept = await run_in_threadpool(kept_version, ctx.database_url, view.program)
        known = correctable_items(kept, type_key(kind), view.level)
    else:
        known = {i.code for i in checklists(ctx.settings).checklist(kind, view.level)}
        known |= {c.code for c in condition_book(ctx.settings, view.county).applicable(kind, view.level, view.county)}
    unknown = [i for i in body.items if i not in known]
    if unknown:
        raise Refusal(422, CORRECTION_ITEM_UNKNOWN, field="items", items="、".join(unknown))
    values = CorrectionRequestAct(actor=actor, reason=body.reason, items=list(dict.fromkeys(body.items)))
    return await acts.perform(ctx, actor, application_id, act, values, declarer_of(view))


async def resubmit(ctx: Context, actor: Actor, application_id: str, body: ResubmissionCreate, day: date) -> acts.Done:
    """The declaring county: the amended facts in full (every applicable condition attested again), and new files
    for the items to correct (every item the return named among the checklist's must have one); the other items'
    files stand. The application goes back to the review that returned it; both versions stay on record. Another
    program's application is read against the version it was declared under."""
    settings = ctx.settings
    view = await fetch_view(ctx, application_id, actor)
    require_authority(Act.resubmit, actor, view)
    if view.state != Stage.returned or view.correction is None:
        raise not_allowed(view, actor, Act.resubmit)
    own = view.program is not None and view.program.own_facts
    if own:
        assert view.program is not None
        if not isinstance(body.institution, ProgramInstitutionCreate):
            raise refusal(422, [Problem("institution.facts", "fact_required", "请按本评定项目的申报表逐项填报")])
        program = await run_in_threadpool(kept_version, ctx.database_url, view.program)
        institution, problems = amended(program, view.level, body.institution, day)
        book = checklist_of(program)
    else:
        if not isinstance(body.institution, InstitutionCreate):  # another program's facts for the first's
            wrong = IDENTITY_CHANGED.say(field_label="申报格式")
            raise refusal(422, [Problem("institution.facts", IDENTITY_CHANGED.code, wrong)])
        institution, problems = institution_of(body.institution), []
        book = checklists(settings)
    changed = [
        Problem(
            f"institution.{name}",
            IDENTITY_CHANGED.code,
            IDENTITY_CHANGED.say(field_label=IDENTITY_NAMES.get(name, name)),
        )
        for name in IDENTITY
        if type_key(getattr(institution, name)) != type_key(getattr(view.institution, name))
    ]
    if changed:
        raise refusal(422, changed)
    if not own:  # the first program's checks, as at its declaration
        problems = declaration_problems(view.level, view.county, institution, day)
        problems += attestation_problems(settings, view.level, view.county, institution)
    if problems:
        raise refusal(422, problems)
    if view.level == Level.city and not own:
        await check_county_title(settings.database_url, institution)
    given = {r.item for r in body.materials}
    on_checklist = {i.code for i in book.checklist(institution.type, view.level)}
    owed = [i for i in view.correction.items if i in on_checklist and i not in given]
    if owed:
        said = CORRECTION_ITEM_NOT_RESUPPLIED
        raise refusal(422, [Problem("materials", said.code, said.say(title=book.title(i), item=i)) for i in owed])
    standing = current_materials([a.materials for a in view.acts])
    carried = [m for m in standing if m.item not in given and m.item in on_checklist]
    materials = await submitted_materials(
        settings, actor, application_id, view.level, institution.type, body.materials, carried, book=book
    )
    values = ResubmitAct(actor=actor, reason=body.reason, institution=institution, materials=materials)
    return await acts.perform(ctx, actor, application_id, Act.resubmit, values, declarer_of(view))
