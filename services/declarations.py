"""What a declaration (or a resubmission) must carry beyond its facts: the declaring county's statement for every
applicable condition, and the checklist's files, uploaded by the caller. Checked by the API before the act is sent
(the data files can change; a workflow replaying an old declaration must not re-judge it)."""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from config import Settings
from contracts.application import Institution, SubmittedMaterial
from contracts.rules.applications import (
    COUNTY_TITLE_MISMATCH,
    COUNTY_TITLE_NOT_ON_RECORD,
    EVIDENCE_UNKNOWN,
    MATERIAL_EXPIRED,
    MATERIAL_UNKNOWN,
    MATERIALS_TOO_LARGE,
    TOO_MANY_EVIDENCE_FILES,
)
from db.historic_import import county_title_in, county_title_of
from db.materials import Material, claim
from db.queries import standards
from db.queries.institutions import Standing, standing_in
from db.queries.materials import uploaded_by
from db.session import get_engine
from db.standards import CountyConditionVersion
from programs.load import first_program_id
from schemas.materials import MaterialRefCreate
from schemas.models import InstitutionCreate
from services.refusals import Refusal
from state import conditions, materials
from state.declaration import Problem
from state.domain import Actor, InstitutionType, Level, Role
from storage import BlobStore, open_store

DECLARATION = "declaration"  # the purpose of a county bureau's upload through POST /materials
OBJECTION_EVIDENCE = "objection_evidence"  # the public's images for an objection
REVOCATION_EVIDENCE = "revocation_evidence"  # an inspector's upload through POST /materials
EVIDENCE_TITLES = {OBJECTION_EVIDENCE: "异议证据材料", REVOCATION_EVIDENCE: "撤销依据材料"}


def public_uploader(application_id: str) -> Actor:
    """Who the public's evidence for an objection to ``application_id`` belongs to (the objection may use it)."""
    return Actor(user_id=f"public:{application_id}", name="社会公众", role=Role.public)


@dataclass(frozen=True)
class OnRecord:
    """What a declaration is checked against in the read model, read together (one trip to a thread, one session):
    the declaring county's own conditions, the institution's county-level title (asked for a city-level one
    only), the caller's uploads among those it names, and the institution's other applications and title at the
    declared level (services/institution_claims.py)."""

    county_conditions: dict[str, CountyConditionVersion]
    county_title: tuple[str, date] | None
    uploads: dict[str, Material]
    standing: Standing


def _read_on_record(
    database_url: str,
    county: str,
    level: Level,
    institution: Institution,
    material_ids: list[str],
    owner_user_id: str,
    application_id: str,
) -> OnRecord:
    title_of = institution.credit_code if level == Level.city else None
    with Session(get_engine(database_url)) as s:
        return OnRecord(
            county_conditions=standards.current(s, county),
            county_title=county_title_in(s, title_of) if title_of is not None else None,
            uploads=uploaded_by(s, material_ids, owner_user_id),
            standing=standing_in(s, institution.credit_code, level, application_id, first_program_id()),
        )


async def on_record(
    settings: Settings,
    actor: Actor,
    level: Level,
    county: str,
    institution: Institution,
    refs: Sequence[MaterialRefCreate],
    application_id: str,
) -> OnRecord:
    ids = list(dict.fromkeys(r.material_id for r in refs))
    return await run_in_threadpool(
        _read_on_record, settings.database_url, county, level, institution, ids, actor.user_id, application_id
    )


def condition_book(
    settings: Settings, county: str | None = None, standing: dict[str, CountyConditionVersion] | None = None
) -> conditions.ConditionBook:
    """The notice's conditions (the file) and the counties' own as last set (the read model, db/standards.py): of
    ``county`` alone when given (one small read; the declaration, its documents and the pages ask for one), or
    ``standing``, as already read."""
    if standing is None:
        with Session(get_engine(settings.database_url)) as s:
            standing = standards.current(s, county)
    own = {
        c: [conditions.county_condition(x["code"], x["text"], x["types"]) for x in v.conditions]
        for c, v in standing.items()
    }
    return conditions.load(settings.materials.conditions_file).with_counties(own)


def condition_texts(settings: Settings, kind: InstitutionType, level: Level, county: str) -> dict[str, str]:
    """Each code's text for a declaration's documents: the conditions that apply now, and every code the county
    ever set (a condition retired since the declaration attested it keeps its words)."""
    with Session(get_engine(settings.database_url)) as s:
        ever = standards.texts_ever(s, county)
    return {**ever, **{c.code: c.text for c in condition_book(settings, county).applicable(kind, level, county)}}


def checklists(settings: Settings) -> materials.Checklists:
    return materials.load(settings.materials.materials_checklist)


def store_for(settings: Settings) -> BlobStore:
    return open_store(settings.blobs, settings.material_store_dir())


def attestation_problems(
    settings: Settings,
    level: Level,
    county: str,
    institution: Institution,
    standing: dict[str, CountyConditionVersion] | None = None,
) -> list[Problem]:
    """Every applicable condition (basic, the level's, the county's) the declaring county has not attested
    (``standing``: the county's own conditions, when already read)."""
    return condition_book(settings, county, standing).attestation_problems(
        institution.type, level, county, institution.attestations
    )


def refusal(status: int, problems: Sequence[Problem], **extra: Any) -> Refusal:
    return Refusal(
        status,
        "; ".join(p.message for p in problems),
        field=problems[0].field,
        rule=problems[0].code,
        problems=[{"field": p.field, "rule": p.code, "message": p.message} for p in problems],
        **extra,
    )


def _uploads(database_url: str, ids: list[str], owner_user_id: str) -> dict[str, Material]:
    with Session(get_engine(database_url)) as s:
        return uploaded_by(s, ids, owner_user_id)


async def submitted_materials(
    settings: Settings,
    actor: Actor,
    application_id: str,
    level: Level,
    institution_type: InstitutionType | str,
    refs: Sequence[MaterialRefCreate],
    carried: Sequence[SubmittedMaterial] = (),
    uploads: dict[str, Material] | None = None,
    book: materials.Checklists | None = None,
) -> list[SubmittedMaterial]:
    """The files ``refs`` names, as the act will record them; refused when one is not the caller's upload (422),
    when the checklist is not met by them and ``carried`` together (422, naming each missing item), or when they
    are too large together (413). The uploads are then marked as referenced by ``application_id``. ``book``: the
    checklist of the application's program, when not the first program's (the file in settings).
    ``uploads``: the caller's uploads among ``refs``, when already read (OnRecord)."""
    ids = list(dict.fromkeys(r.material_id for r in refs))
    rows = (
        uploads if uploads is not None else await run_in_threadpool(_uploads, settings.database_url, ids, actor.user_id)
    )
    unknown = [
        Problem(f"materials[{n}].material_id", MATERIAL_UNKNOWN.code, MATERIAL_UNKNOWN.say(material_id=r.material_id))
        for n, r in enumerate(refs)
        if r.material_id not in rows or rows[r.material_id].purpose != DECLARATION
    ]
    if unknown:
        raise refusal(422, unknown)
    attached = [materials.Attached(c.item, c.material_id, c.content_type) for c in carried]
    attached += [materials.Attached(r.item, r.material_id, rows[r.material_id].content_type) for r in refs]
    book = book or checklists(settings)
    problems = book.problems(institution_type, level, attached)
    if problems:
        missing = [p.message for p in problems if p.code == "material_missing"]
        raise refusal(422, problems, missing=missing or None)
    sizes = {c.material_id: c.size for c in carried} | {i: rows[i].size for i in ids}
    limit = settings.materials.materials_max_application_bytes
    if sum(sizes.values()) > limit:
        raise refusal(
            413,
            [
                Problem(
                    "materials",
                    MATERIALS_TOO_LARGE.code,
                    MATERIALS_TOO_LARGE.say(total=sum(sizes.values()), limit=limit),
                )
            ],
        )
    claimed = dict(rows)
    unclaimed = [i for i in ids if rows[i].application_id is None]
    if unclaimed:  # a write, only while some upload is not yet referenced (referenced ones never expire)
        fresh = await run_in_threadpool(claim, settings.database_url, unclaimed, actor.user_id, application_id)
        claimed |= {m.id: m for m in fresh}
        expired = [i for i in unclaimed if i not in {m.id for m in fresh}]
        if expired:
            message = MATERIAL_EXPIRED.say(materials="、".join(expired))
            raise refusal(422, [Problem("materials", MATERIAL_EXPIRED.code, message)])
    return [
        SubmittedMaterial(
            item=r.item,
            material_id=r.material_id,
            sha256=claimed[r.material_id].sha256,
            size=claimed[r.material_id].size,
            content_type=claimed[r.material_id].content_type,
            filename=claimed[r.material_id].filename,
            uploader_id=claimed[r.material_id].owner_user_id,
            uploader_name=claimed[r.material_id].owner_name,
            uploaded_at=claimed[r.material_id].uploaded_at,
            title=book.title(r.item),
        )
        for r in refs
    ]


def current_materials(acts_materials: Sequence[Sequence[SubmittedMaterial]]) -> list[SubmittedMaterial]:
    """The files that stand after a sequence of submissions (oldest first): a later submission's files for an item
    replace every earlier file of that item."""
    standing: dict[str, list[SubmittedMaterial]] = {}
    for submitted in acts_materials:
        fresh: dict[str, list[SubmittedMaterial]] = {}
        for m in submitted:
            fresh.setdefault(m.item, []).append(m)
        standing.update(fresh)
    return [m for files in standing.values() for m in files]


async def evidence_files(
    settings: Settings,
    ids: Sequence[str],
    owner_user_id: str,
    purpose: str,
    application_id: str,
    max_files: int | None = None,
) -> list[SubmittedMaterial]:
    """The evidence uploads ``ids`` (of ``owner_user_id``, for ``purpose``) as the act will record them, marked as
    referenced; 422 for an unknown one, anyone else's, or more than ``max_files``."""
    ids = list(dict.fromkeys(ids))
    if max_files is not None and len(ids) > max_files:
        message = TOO_MANY_EVIDENCE_FILES.say(limit=max_files, given=len(ids))
        raise refusal(422, [Problem("evidence", TOO_MANY_EVIDENCE_FILES.code, message)])
    rows = await run_in_threadpool(_uploads, settings.database_url, ids, owner_user_id)
    unknown = [i for i in ids if i not in rows or rows[i].purpose != purpose]
    if unknown:
        message = EVIDENCE_UNKNOWN.say(materials="、".join(unknown))
        raise refusal(422, [Problem("evidence", EVIDENCE_UNKNOWN.code, message)])
    fresh = [i for i in ids if rows[i].application_id is None]
    if fresh:
        claimed = {
            m.id for m in await run_in_threadpool(claim, settings.database_url, fresh, owner_user_id, application_id)
        }
        expired = [i for i in fresh if i not in claimed]
        if expired:
            message = MATERIAL_EXPIRED.say(materials="、".join(expired))
            raise refusal(422, [Problem("evidence", MATERIAL_EXPIRED.code, message)])
    return [
        SubmittedMaterial(
            item=purpose,
            material_id=i,
            sha256=rows[i].sha256,
            size=rows[i].size,
            content_type=rows[i].content_type,
            filename=rows[i].filename,
            uploader_id=rows[i].owner_user_id,
            uploader_name=rows[i].owner_name,
            uploaded_at=rows[i].uploaded_at,
            title=EVIDENCE_TITLES[purpose],
        )
        for i in ids
    ]


async def check_county_title(database_url: str, institution: Institution) -> None:
    """A city-level candidate must already hold the county-level title, on record here: an announced county-level
    application of this system or an imported historic title; the declared document must be that one."""
    refused = county_title_refusal(
        institution, await run_in_threadpool(county_title_of, database_url, institution.credit_code)
    )
    if refused is not None:
        raise refused


def county_title_refusal(institution: Institution, held: tuple[str, date] | None) -> Refusal | None:
    """check_county_title's verdict on the title ``held`` on record (county_title_of's answer)."""
    if held is None:
        return Refusal(
            422, COUNTY_TITLE_NOT_ON_RECORD, field="institution.credit_code", credit_code=institution.credit_code
        )
    doc_no, awarded_on = held
    if (institution.county_title_doc_no, institution.county_title_date) != (doc_no, awarded_on):
        return Refusal(
            422,
            COUNTY_TITLE_MISMATCH,
            field="institution.county_title_doc_no",
            declared=f"{institution.county_title_doc_no}，{institution.county_title_date}",
            on_record=f"{doc_no}，{awarded_on}",
        )
    return None


def institution_of(given: InstitutionCreate) -> Institution:
    """The declared facts as the workflow records them."""
    data = given.model_dump()
    data["type"] = InstitutionType(data["type"])
    return Institution(**{f.name: data[f.name] for f in fields(Institution) if f.name in data})
