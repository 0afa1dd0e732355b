"""退回补正 over HTTP: a reviewer returns a declaration to the declaring county for correction, and the county
resubmits it corrected (amended facts in full, files replacing the items they name). Both are workflow updates;
the resubmission is checked here first like a declaration (conditions attested, checklist met, the caller's own
uploads), since those rules are data that may change after the fact."""

from dataclasses import fields

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.access import (
    Place,
    acts_for,
    declarer_of,
    fetch_view,
    not_allowed,
    perform,
    require_authority,
    require_separation,
)
from api.deps import ApplicationId, CountyBureau, LevelOwner, SettingsDep, TemporalClient, Today
from api.errors import CONDITION_RULES, ON_ACT, documented
from api.submission import (
    TOO_LARGE,
    attestation_problems,
    check_county_title,  # the same rule as at declaration
    checklists,
    condition_book,
    current_materials,
    refusal,
    submitted_materials,
)
from contracts.application import ApplicationView, Institution, ResubmitAct
from contracts.corrections import CorrectionRequestAct
from schemas.fields import FORBID, Text2000, Text5000
from schemas.materials import ItemCode, MaterialRefCreate
from schemas.models import ActOutcome, InstitutionCreate
from services.refusals import Refusal
from state.declaration import Problem, declaration_problems
from state.domain import Act, Actor, InstitutionType, Level, Stage
from workflows.application import ApplicationWorkflow
from workflows.application_corrections import IDENTITY

router = APIRouter(prefix="/applications/{application_id}", tags=["acts"])


class CorrectionRequestCreate(BaseModel):
    model_config = FORBID
    reason: Text5000 = Field(description="what is wrong and how to correct it (退回补正意见)")
    items: list[ItemCode] = Field(
        default=[],
        max_length=50,
        description="checklist items (GET /materials/checklist) or condition codes to correct",
    )


class ResubmissionCreate(BaseModel):
    model_config = FORBID
    reason: Text2000 = Field(description="what was corrected (补正说明)")
    institution: InstitutionCreate = Field(description="the amended facts, in full (same institution and type)")
    materials: list[MaterialRefCreate] = Field(
        default=[], max_length=200, description="new files; each replaces every earlier file of its item"
    )


def _institution(given: InstitutionCreate) -> Institution:
    data = given.model_dump()
    data["type"] = InstitutionType(data["type"])
    return Institution(**{f.name: data[f.name] for f in fields(Institution) if f.name in data})


@router.post(
    "/correction-request",
    response_model=ActOutcome,
    summary="Return the declaration to the declaring county for correction (退回补正)",
    responses=documented(*ON_ACT, rules={422: ("correction_item_unknown",)}),
)
async def request_correction(
    application_id: ApplicationId,
    body: CorrectionRequestCreate,
    actor: LevelOwner,
    client: TemporalClient,
    settings: SettingsDep,
) -> ActOutcome:
    """By the review that has it: the county bureau while declared, the city reviewer while a city-level
    application is county-reviewed. The county has ``BIAOGAN_CORRECTION_WORKING_DAYS`` working days."""
    view = await fetch_view(client, application_id, actor)
    act = Act.county_request_correction if view.state == Stage.declared else Act.city_request_correction
    require_authority(act, actor, view)
    require_separation(act, actor, view)
    kind = view.institution.type
    known = {i.code for i in checklists(settings).checklist(kind, view.level)}
    known |= {c.code for c in condition_book(settings, view.county).applicable(kind, view.level, view.county)}
    unknown = [i for i in body.items if i not in known]
    if unknown:
        raise Refusal(
            422,
            f"not an item of this declaration's checklist or conditions: {', '.join(unknown)}",
            field="items",
            rule="correction_item_unknown",
        )
    request = CorrectionRequestAct(actor=actor, reason=body.reason, items=list(dict.fromkeys(body.items)))
    place, result = await perform(
        client,
        settings.database_url,
        application_id,
        actor,
        act,
        lambda h: h.execute_update(ApplicationWorkflow.request_correction, request),
    )
    return ActOutcome(id=application_id, state=result.state, allowed_acts=_for(actor, result.allowed_acts, place, view))


def _for(actor: Actor, acts: list[Act], place: Place, view: ApplicationView) -> list[Act]:
    return acts_for(actor, acts, place.level, place.county, declarer_of(view))


@router.post(
    "/resubmission",
    response_model=ActOutcome,
    summary="Resubmit the corrected declaration (补正后重新报送)",
    responses={
        **documented(
            *ON_ACT,
            rules={
                422: (
                    *CONDITION_RULES,
                    "identity_changed",
                    "material_unknown",
                    "material_type_not_accepted",
                    "material_missing",
                    "material_expired",
                )
            },
        ),
        **TOO_LARGE,
    },
)
async def resubmit(
    application_id: ApplicationId,
    body: ResubmissionCreate,
    actor: CountyBureau,
    client: TemporalClient,
    settings: SettingsDep,
    day: Today,
) -> ActOutcome:
    """The declaring county: the amended facts in full (every applicable condition attested again), and new files
    for the items to correct (every item the return named among the checklist's must have one); the other items'
    files stand. The application goes back to the review that returned it; both versions stay on record."""
    view = await fetch_view(client, application_id, actor)
    require_authority(Act.resubmit, actor, view)
    if view.state != Stage.returned or view.correction is None:
        raise not_allowed(view, actor, Act.resubmit)
    institution = _institution(body.institution)
    problems = [
        Problem(f"institution.{name}", "identity_changed", f"补正不能更换申报机构：{name} must stay the same")
        for name in IDENTITY
        if getattr(institution, name) != getattr(view.institution, name)
    ]
    if problems:
        raise refusal(422, problems)
    problems = declaration_problems(view.level, view.county, institution, day)
    problems += attestation_problems(settings, view.level, view.county, institution)
    if problems:
        raise refusal(422, problems)
    if view.level == Level.city:
        await check_county_title(settings.database_url, institution)
    given = {r.item for r in body.materials}
    on_checklist = {i.code for i in checklists(settings).checklist(institution.type, view.level)}
    owed = [i for i in view.correction.items if i in on_checklist and i not in given]
    if owed:
        raise refusal(
            422,
            [
                Problem(
                    "materials",
                    "correction_item_not_resupplied",
                    f"退回补正要求重新提交：{checklists(settings).title(i)}（{i}）",
                )
                for i in owed
            ],
        )
    standing = current_materials([a.materials for a in view.acts])
    carried = [m for m in standing if m.item not in given and m.item in on_checklist]
    materials = await submitted_materials(
        settings, actor, application_id, view.level, institution.type, body.materials, carried
    )
    act = ResubmitAct(actor=actor, reason=body.reason, institution=institution, materials=materials)
    place, result = await perform(
        client,
        settings.database_url,
        application_id,
        actor,
        Act.resubmit,
        lambda h: h.execute_update(ApplicationWorkflow.resubmit, act),
    )
    return ActOutcome(id=application_id, state=result.state, allowed_acts=_for(actor, result.allowed_acts, place, view))
