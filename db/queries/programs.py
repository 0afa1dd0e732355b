"""The programs applications were declared into, as the read model keeps them (migration 0028)."""

from sqlmodel import Session, col, select

from db.models import Application


def programs_of(s: Session, application_ids: list[str]) -> dict[str, tuple[str, int, str]]:
    """Each application's (program id, version, city); the ids not yet projected are left out."""
    rows = s.exec(
        select(Application.id, Application.program_id, Application.program_version, Application.city).where(
            col(Application.id).in_(application_ids)
        )
    ).all()
    return {i: (program_id, version, city) for i, program_id, version, city in rows}
