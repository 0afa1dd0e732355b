"""What a declaration (or a resubmission) must carry beyond its facts: the declaring county's statement for every
applicable condition, and the checklist's files, uploaded by the caller. Checked by the API before the act is sent
(the data files can change; a workflow replaying an old declaration must not re-judge it)."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from api.errors import Refusal
from api.material_schemas import MaterialRefCreate
from config import Settings
from contracts.application import Institution, SubmittedMaterial
from db.materials import Material, claim, expire_unreferenced
from db.queries.materials import uploaded_by
from db.session import get_engine
from state import conditions, materials
from state.declaration import Problem
from state.domain import Actor, InstitutionType, Level
from storage import BlobStore, file_store

DECLARATION = "declaration"  # the purpose of an upload through POST /materials
SWEEP_EVERY = timedelta(minutes=10)
_last_sweep: dict[str, datetime] = {}


def condition_book(settings: Settings) -> conditions.ConditionBook:
    return conditions.load(settings.materials.conditions_file)


def checklists(settings: Settings) -> materials.Checklists:
    return materials.load(settings.materials.materials_checklist)


def store_for(settings: Settings) -> BlobStore:
    return file_store(settings.material_store_dir())


def attestation_problems(settings: Settings, level: Level, county: str, institution: Institution) -> list[Problem]:
    """Every applicable condition (basic, the level's, the county's) the declaring county has not attested."""
    return condition_book(settings).attestation_problems(institution.type, level, county, institution.attestations)


def refusal(status: int, problems: Sequence[Problem], **extra: object) -> Refusal:
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
    institution_type: InstitutionType,
    refs: Sequence[MaterialRefCreate],
    carried: Sequence[SubmittedMaterial] = (),
) -> list[SubmittedMaterial]:
    """The files ``refs`` names, as the act will record them; refused when one is not the caller's upload (422),
    when the checklist is not met by them and ``carried`` together (422, naming each missing item), or when they
    are too large together (413). The uploads are then marked as referenced by ``application_id``."""
    ids = list(dict.fromkeys(r.material_id for r in refs))
    rows = await run_in_threadpool(_uploads, settings.database_url, ids, actor.user_id)
    unknown = [
        Problem(f"materials[{n}].material_id", "material_unknown", f"没有您上传的此文件：{r.material_id}")
        for n, r in enumerate(refs)
        if r.material_id not in rows or rows[r.material_id].purpose != DECLARATION
    ]
    if unknown:
        raise refusal(422, unknown)
    attached = [materials.Attached(c.item, c.material_id, c.content_type) for c in carried]
    attached += [materials.Attached(r.item, r.material_id, rows[r.material_id].content_type) for r in refs]
    book = checklists(settings)
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
                    "materials_too_large",
                    f"申报材料合计 {sum(sizes.values())} 字节，超过上限 {limit} 字节",
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
            message = f"文件已过期，请重新上传：{'、'.join(expired)}"
            raise refusal(422, [Problem("materials", "material_expired", message)])
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


async def sweep_lazily(settings: Settings, now: datetime | None = None) -> None:
    """Expire unreferenced uploads, at most every SWEEP_EVERY per database (called on upload)."""
    now = now or datetime.now(UTC)
    last = _last_sweep.get(settings.database_url)
    if last is not None and now - last < SWEEP_EVERY:
        return
    _last_sweep[settings.database_url] = now
    older_than = timedelta(hours=settings.materials.material_unreferenced_hours)
    await run_in_threadpool(expire_unreferenced, settings.database_url, store_for(settings), now, older_than)
