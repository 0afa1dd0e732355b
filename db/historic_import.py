"""Import of titles awarded before the system (e.g. the 2022 county-level results) from CSV.

The file has a header row with the columns ``institution_name, type, county, credit_code, level, document_no,
date, plaque_no`` (UTF-8, a BOM from Excel is fine). Every row is validated first; if any row is bad the
report lists each problem with its line number and NOTHING is written. Otherwise all rows are written in one
transaction, idempotently (a title already imported — same credit code, level and document number — is
skipped), so importing the same file twice is harmless.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from contracts.rules.institutions import HISTORIC_TITLE_ALREADY_HELD, HISTORIC_TITLE_TWICE_IN_FILE
from db import models
from db.queries.institutions import titles_held
from db.rounds import HistoricTitle
from db.session import get_engine, insert_ignore
from state import text
from state.calendar import TZ
from state.credit_code import CreditCodeError, validate_credit_code
from state.domain import COUNTIES, Act, InstitutionType, Level, Stage
from state.labels import level_title

COLUMNS = (
    "institution_name",
    "type",
    "county",
    "credit_code",
    "level",
    "document_no",
    "date",
    "plaque_no",
)
TYPE_ZH = {
    "公共就业服务机构": InstitutionType.public_agency,
    "乡镇街道基层平台": InstitutionType.township_platform,
    "村社区基层平台": InstitutionType.village_platform,
    "零工市场": InstitutionType.gig_market,
    "经营性人力资源服务机构": InstitutionType.hr_agency,
    "职业培训机构": InstitutionType.training,
}
LEVEL_ZH = {"县级": Level.county, "市级": Level.city}
# The bounds a declaration's fields have (schemas/models.py: the institution's name, the county-level title's document
# number, an award's plaque number): column -> (Chinese name, at most, required, a name).
TEXT_BOUNDS = {
    "institution_name": ("机构名称", 200, True, True),
    "document_no": ("评定文号", 100, True, False),
    "plaque_no": ("奖牌编号", 100, False, False),
}
EARLIEST = date(2000, 1, 1)

Progress = Callable[[int, int], None]  # (rows done, rows in all)


@dataclass(frozen=True)
class RowError:
    line: int  # the line of the file (the header is line 1)
    field: str
    message: str
    code: str = ""  # a stable code where the message is for users (Chinese)

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


@dataclass
class ImportReport:
    rows: int = 0
    written: int = 0
    skipped: int = 0  # already imported
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_row(line: int, raw: dict[str, str], today: date) -> tuple[dict[str, Any] | None, list[RowError]]:
    v = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    errors: list[RowError] = []

    def bad(name: str, message: str) -> None:
        errors.append(RowError(line, name, message))

    for name, (zh, most, required, names) in TEXT_BOUNDS.items():
        if len(v[name]) > most:
            errors.append(
                RowError(line, name, f"第{line}行{zh}超过{most}个字（共{len(v[name])}个字），无法导入", "text_too_long")
            )
        elif refused := text.problem(v[name], multiline=False, required=False, names=names):
            errors.append(RowError(line, name, f"第{line}行{zh}：{refused[1]}", refused[0]))
        elif required and v[name] and not text.visible(v[name]):
            errors.append(RowError(line, name, f"第{line}行{zh}不能只有空格或不可见字符", "text_blank"))
    if not v["institution_name"]:
        bad("institution_name", "required")
    kind = TYPE_ZH.get(v["type"]) or next((t for t in InstitutionType if t.value == v["type"]), None)
    if kind is None:
        bad(
            "type",
            f"unknown institution type {v['type']!r}; one of {', '.join(t.value for t in InstitutionType)}",
        )
    if v["county"] not in COUNTIES:
        bad("county", f"unknown county {v['county']!r}")
    code = v["credit_code"]
    try:
        code = validate_credit_code(code)
    except CreditCodeError as e:
        bad("credit_code", f"{e.message} ({e.message_zh})")
    level = LEVEL_ZH.get(v["level"]) or next((lv for lv in Level if lv.value == v["level"]), None)
    if level is None:
        bad("level", f"unknown level {v['level']!r}; county/县级 or city/市级")
    if not v["document_no"]:
        bad("document_no", "required (the document that awarded the title)")
    awarded_on = None
    try:
        if len(v["date"]) != 10:
            raise ValueError
        awarded_on = date.fromisoformat(v["date"])
    except ValueError:
        bad("date", f"invalid date {v['date']!r} (expected YYYY-MM-DD)")
    if awarded_on and not EARLIEST <= awarded_on <= today:
        bad("date", f"date {awarded_on} is not between {EARLIEST} and today ({today})")
    if errors:
        return None, errors
    assert kind is not None and level is not None and awarded_on is not None
    row = {
        "institution_name": v["institution_name"],
        "institution_type": kind.value,
        "county": v["county"],
        "credit_code": code,
        "level": level.value,
        "document_no": v["document_no"],
        "awarded_on": awarded_on,
        "plaque_no": v["plaque_no"],
    }
    return row, []


def validate_file(
    path: Path, today: date | None = None, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> tuple[list[dict[str, Any]], list[RowError]]:
    today = today or clock().astimezone(TZ).date()  # the date in Asia/Shanghai, whatever the host's zone
    rows: list[dict[str, Any]] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, str], int] = {}
    held_at: dict[tuple[str, str], int] = {}  # (credit code, level) -> its first line
    try:
        content = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowError(1, "file", "the file is not UTF-8 text")]
    reader = csv.DictReader(content.splitlines(keepends=True))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as e:
        return [], [_unreadable(reader.reader.line_num, e)]
    missing = [c for c in COLUMNS if c not in fieldnames]
    if missing:
        return [], [
            RowError(
                1,
                "header",
                f"missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}",
            )
        ]
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as e:  # e.g. a field over csv.field_size_limit(): the rest of the file is unread
            errors.append(_unreadable(reader.reader.line_num, e))
            break
        line = reader.line_num
        if not any((x or "").strip() for x in raw.values() if isinstance(x, str)):
            continue  # a blank line
        if None in raw:
            errors.append(RowError(line, "row", f"more values than the {len(COLUMNS)} columns"))
            continue
        nul = [k for k, x in raw.items() if isinstance(x, str) and "\x00" in x]
        if nul:  # PostgreSQL cannot store it; SQLite would, silently
            errors.append(RowError(line, nul[0], f"第{line}行含有空字符（NUL，0x00），无法导入", "nul_byte"))
            continue
        row, problems = _parse_row(line, raw, today)
        errors += problems
        if row:
            key = (row["credit_code"], row["level"], row["document_no"])
            if key in seen:
                errors.append(RowError(line, "row", f"the same title as line {seen[key]}"))
                continue
            if (first := held_at.get(key[:2])) is not None:  # one institution holds one title of a level
                errors.append(_twice(line, first, row))
                continue
            seen[key] = line
            held_at[key[:2]] = line
            rows.append({**row, "line": line})
    return rows, errors


def _twice(line: int, first: int, row: dict[str, Any]) -> RowError:
    level = Level(row["level"])
    message = HISTORIC_TITLE_TWICE_IN_FILE.say(
        line=line, first_line=first, credit_code=row["credit_code"], level_title=level_title(level)
    )
    return RowError(line, "credit_code", message, HISTORIC_TITLE_TWICE_IN_FILE.code)


def held_before(s: Session, rows: list[dict[str, Any]]) -> list[RowError]:
    """The rows whose institution already holds an unrevoked title of that level (an announced or awarded
    application, or another imported title); the same title imported again is not one (it is skipped)."""
    held = titles_held(s, [r["credit_code"] for r in rows])
    errors = []
    for r in rows:
        others = held.get((r["credit_code"], r["level"]), set()) - {r["document_no"]}
        if others:
            message = HISTORIC_TITLE_ALREADY_HELD.say(
                line=r["line"],
                credit_code=r["credit_code"],
                level_title=level_title(Level(r["level"])),
                held="（" + "、".join(sorted(others)) + "）" if others != {""} else "",
            )
            errors.append(RowError(r["line"], "credit_code", message, HISTORIC_TITLE_ALREADY_HELD.code))
    return errors


def _unreadable(line: int, e: csv.Error) -> RowError:
    if "field limit" in str(e):
        limit = csv.field_size_limit()
        return RowError(line, "row", f"第{line}行有字段超过 {limit} 个字符的上限，无法导入", "field_too_large")
    return RowError(line, "row", f"第{line}行不是有效的 CSV（{e}），无法导入", "csv_invalid")


def import_titles(path: str | Path, database_url: str, progress: Progress | None = None) -> ImportReport:
    """Validate every row, then write all of them in one transaction, or nothing if any row is bad."""
    rows, errors = validate_file(Path(path))
    report = ImportReport(rows=len(rows) + len({e.line for e in errors}), errors=errors)
    now = datetime.now(UTC)
    with Session(get_engine(database_url)) as s:
        held = held_before(s, rows)
        if held:
            report.errors = sorted([*errors, *held], key=lambda e: e.line)
        if report.errors:
            return report
        for i, row in enumerate(rows, 1):
            written = insert_ignore(
                s,
                HistoricTitle,
                {**{k: v for k, v in row.items() if k != "line"}, "source": Path(path).name, "imported_at": now},
                ["credit_code", "level", "document_no"],
            )
            report.written += written
            report.skipped += not written
            if progress:
                progress(i, len(rows))
        s.commit()
    return report


def county_title_of(database_url: str, credit_code: str) -> tuple[str, date] | None:
    """The institution's county-level title (document number, date): from the system's own records (an
    announced county-level application's joint document), else from an imported historic title."""
    with Session(get_engine(database_url)) as s:
        return county_title_in(s, credit_code)


# county_title_in's statements, built once (a city-level declaration reads them): the values travel as parameters.
# The institution's applications are found by credit code alone: with the level beside it in one statement,
# SQLite (no statistics) chose the level's index and read every county-level application.
_APPLICATIONS_OF = select(models.Application.id, models.Application.level, models.Application.state).where(
    models.Application.credit_code == bindparam("code")
)
_ANNOUNCED = (
    select(models.ApplicationEvent.details, models.ApplicationEvent.at)
    .where(
        col(models.ApplicationEvent.application_id).in_(bindparam("ids", expanding=True)),
        col(models.ApplicationEvent.act).in_([Act.co_sign, Act.announce]),  # by itself, or by its batch
        models.ApplicationEvent.state_after == Stage.announced,
    )
    .order_by(col(models.ApplicationEvent.at).desc())
)
_IMPORTED = (
    select(col(HistoricTitle.document_no), col(HistoricTitle.awarded_on))
    .where(
        HistoricTitle.credit_code == bindparam("code"),
        HistoricTitle.level == Level.county.value,
    )
    .order_by(col(HistoricTitle.awarded_on).desc())
)
_HELD = (Stage.announced, Stage.plaque_awarded)


def county_title_in(s: Session, credit_code: str) -> tuple[str, date] | None:
    """As ``county_title_of``, read through ``s``."""
    code = {"code": credit_code.strip().upper()}
    held_by = [
        i for i, level, state in s.exec(_APPLICATIONS_OF, params=code) if level == Level.county and state in _HELD
    ]
    held = s.exec(_ANNOUNCED, params={"ids": held_by}).first() if held_by else None
    if held and held[0].get("document_no"):
        at = held[1] if held[1].tzinfo else held[1].replace(tzinfo=UTC)
        return held[0]["document_no"], at.astimezone(TZ).date()
    title = s.exec(_IMPORTED, params=code).first()
    return (title[0], title[1]) if title else None
