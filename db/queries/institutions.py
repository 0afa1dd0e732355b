"""One institution (its 统一社会信用代码) at one level in the read model: its live applications and the titles it
holds (an announced or awarded application, or a title imported from before the system; revoked ones are not
held). What a declaration and the historic import are checked against."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from db.models import Application
from db.rounds import HistoricTitle
from programs.load import first_program_id
from state.domain import Level, Stage
from state.machine import FINAL_STAGES

TITLED = frozenset({Stage.announced, Stage.plaque_awarded})
CHUNK = 500  # credit codes per statement (a file of thousands of rows stays under any bound on parameters)


@dataclass(frozen=True)
class LiveApplication:
    application_id: str
    county: str
    number: str | None  # the 申报编号, once assigned
    state: Stage


@dataclass(frozen=True)
class Standing:
    live: list[LiveApplication]  # not final, not titled
    titled: bool


def standing_in(
    s: Session, credit_code: str, level: Level, other_than: str | None = None, program_id: str | None = None
) -> Standing:
    """The institution's applications of ``level`` (in ``program_id``, when given) other than ``other_than`` (the
    one being declared, when it is a retry) and whether it holds that level's title (the historic titles imported
    are the first program's)."""
    code = credit_code.strip().upper()
    wanted = select(Application.id, Application.county, Application.number, Application.state).where(
        Application.credit_code == code, Application.level == level
    )
    if program_id is not None:
        wanted = wanted.where(Application.program_id == program_id)
    rows = s.exec(wanted).all()
    live = [
        LiveApplication(i, county, number, Stage(state))
        for i, county, number, state in rows
        if i != other_than and Stage(state) not in FINAL_STAGES
    ]
    titled = any(a.state in TITLED for a in live) or (
        program_id in (None, first_program_id())
        and s.exec(
            select(HistoricTitle.id).where(HistoricTitle.credit_code == code, HistoricTitle.level == level.value)
        ).first()
        is not None
    )
    return Standing(live=[a for a in live if a.state not in TITLED], titled=titled)


def application_state(s: Session, application_id: str) -> tuple[Stage, str | None] | None:
    """An application's state and 申报编号 as the read model has them; None before its declaration is recorded."""
    row = s.exec(select(Application.state, Application.number).where(Application.id == application_id)).first()
    return (Stage(row[0]), row[1]) if row else None


def titles_held(s: Session, credit_codes: Iterable[str]) -> dict[tuple[str, str], set[str]]:
    """(credit code, level value) -> the documents of the titles held ("" for an announced application's, not read
    here), for each of ``credit_codes`` that holds a title at some level."""
    codes = sorted({c.strip().upper() for c in credit_codes})
    held: dict[tuple[str, str], set[str]] = {}
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        applications = select(Application.credit_code, Application.level).where(
            col(Application.credit_code).in_(chunk), col(Application.state).in_(TITLED)
        )
        for code, level in s.exec(applications).all():
            held.setdefault((code, Level(level).value), set()).add("")
        imported = select(HistoricTitle.credit_code, HistoricTitle.level, HistoricTitle.document_no).where(
            col(HistoricTitle.credit_code).in_(chunk)
        )
        for code, level, document_no in s.exec(imported).all():
            held.setdefault((code, level), set()).add(document_no)
    return held
