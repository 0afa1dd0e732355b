"""评定项目定义: the programs in force and one program's definition with its versions (signed in). Published only by
``biaogan programs publish``; the use cases are services/programs.py's."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.concurrency import run_in_threadpool

from api.deps import READERS, ServiceContext, role_in
from api.errors import documented
from contracts.rules import programs as rules
from schemas.programs import ProgramDetailOut, ProgramOut, ProgramsOut
from services import program_requirements, programs
from services.program_declarations import in_force
from services.refusals import Refusal
from state.domain import Actor, Role

router = APIRouter(tags=["programs"], responses=documented(401, 403))
ProgramReader = Annotated[Actor, Depends(role_in(*READERS, Role.admin))]


@router.get("/programs", response_model=ProgramsOut, summary="The programs in force, each with its version")
async def list_programs(actor: ProgramReader, ctx: ServiceContext) -> ProgramsOut:
    found = await run_in_threadpool(programs.in_force, ctx.database_url)
    return ProgramsOut(items=[ProgramOut.model_validate(programs.summary(p, row)) for p, row in found])


@router.get(
    "/programs/{program_id}",
    response_model=ProgramDetailOut,
    summary="A program's definition in force and every version, with what each changed",
    responses=documented(404, rules={404: ("program_unknown",)}),
)
async def get_program(
    program_id: Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="e.g. linyi-2026")],
    actor: ProgramReader,
    ctx: ServiceContext,
) -> ProgramDetailOut:
    return ProgramDetailOut.model_validate(await run_in_threadpool(programs.detail, ctx.database_url, program_id))


@router.get(
    "/programs/{program_id}/declaration-schema",
    summary="The institution part of a declaration into the program, as a JSON Schema (2020-12) from its fact table",
    responses=documented(404, rules={404: ("program_unknown",)}),
)
async def declaration_schema(
    program_id: Annotated[
        str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="a program's id (GET /api/v1/programs)")
    ],
    actor: ProgramReader,
    ctx: ServiceContext,
) -> dict[str, Any]:
    found = await run_in_threadpool(in_force, ctx.database_url, program_id)
    if found is None:
        raise Refusal(404, rules.PROGRAM_UNKNOWN, program_id=program_id)
    return program_requirements.declaration_schema(found.program, found.row.version)
