"""The versions of each program's definition (评定项目定义): immutable, numbered from 1, each with the file's bytes as
published (as text), their SHA-256, who published it, when and why. The highest number is the version in force."""

import hashlib
from datetime import UTC, datetime

from sqlalchemy import Connection, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from db.session import session_for
from programs.load import SEED, read

SEEDED_BY = "系统"
SEEDED_REASON = "首次启动：载入临沂市就业服务质量标杆机构评定的定义"


class ProgramVersion(SQLModel, table=True):
    __tablename__ = "program_version"

    program_id: str = Field(primary_key=True)
    version: int = Field(primary_key=True)
    sha256: str = Field(index=True)
    content: str
    published_by: str
    published_at: datetime
    reason: str


def in_force(database_url: str, program_id: str) -> ProgramVersion | None:
    with session_for(database_url) as s:
        return _latest(s, program_id)


def _latest(s: Session, program_id: str) -> ProgramVersion | None:
    return s.exec(
        select(ProgramVersion)
        .where(col(ProgramVersion.program_id) == program_id)
        .order_by(col(ProgramVersion.version).desc())
        .limit(1)
    ).first()


def all_in_force(database_url: str) -> list[ProgramVersion]:
    """The version in force of every program, by program id."""
    with session_for(database_url) as s:
        newest = (
            select(col(ProgramVersion.program_id), func.max(ProgramVersion.version).label("v"))
            .group_by(col(ProgramVersion.program_id))
            .subquery()
        )
        rows = s.exec(
            select(ProgramVersion).join(
                newest,
                (col(ProgramVersion.program_id) == newest.c.program_id) & (col(ProgramVersion.version) == newest.c.v),
            )
        ).all()
    return sorted(rows, key=lambda r: r.program_id)


def versions(database_url: str, program_id: str) -> list[ProgramVersion]:
    """Every version of ``program_id``, the first first."""
    with session_for(database_url) as s:
        return list(
            s.exec(
                select(ProgramVersion)
                .where(col(ProgramVersion.program_id) == program_id)
                .order_by(col(ProgramVersion.version))
            ).all()
        )


def record(
    database_url: str, program_id: str, content: str, published_by: str, reason: str, at: datetime
) -> tuple[ProgramVersion, bool]:
    """The next version of ``program_id`` with ``content``, and True; or the version in force, and False, when it has
    the same bytes already. Two publishers at once: the second to write numbers its version after the first's."""
    sha = hashlib.sha256(content.encode("utf-8")).hexdigest()
    for _ in range(5):
        with session_for(database_url) as s:
            latest = _latest(s, program_id)
            if latest is not None and latest.sha256 == sha:
                return latest, False
            row = ProgramVersion(
                program_id=program_id,
                version=(latest.version if latest else 0) + 1,
                sha256=sha,
                content=content,
                published_by=published_by,
                published_at=at,
                reason=reason,
            )
            s.add(row)
            try:
                s.commit()
            except IntegrityError:
                s.rollback()
                continue
            s.refresh(row)
            return row, True
    raise RuntimeError(f"could not number a new version of {program_id!r}")


def seed(connection: Connection) -> None:
    """Where no program has a version yet (a new database), the Linyi definition becomes version 1."""
    if connection.execute(select(func.count()).select_from(ProgramVersion)).scalar_one():
        return
    definition = read(SEED, "programs/definitions/" + SEED.name)
    connection.execute(
        ProgramVersion.__table__.insert().values(  # type: ignore[attr-defined]
            program_id=definition.program.id,
            version=1,
            sha256=definition.sha256,
            content=definition.content,
            published_by=SEEDED_BY,
            published_at=datetime.now(UTC),
            reason=SEEDED_REASON,
        )
    )


def version(database_url: str, program_id: str, number: int) -> ProgramVersion | None:
    with session_for(database_url) as s:
        return s.get(ProgramVersion, (program_id, number))


def learn_type_labels(database_url: str) -> None:
    """Every program in force teaches state.labels its types' Chinese (a worker renders other programs' documents)."""
    from programs.load import parse
    from state.labels import learn_type_labels as learn

    for row in all_in_force(database_url):
        learn({t.key: t.label for t in parse(row.content, row.program_id).program.institution_types})
