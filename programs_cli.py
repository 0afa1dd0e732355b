"""``biaogan programs``: the definitions of the 评定 programs (programs/definitions/*.toml).

biaogan programs schema                          the JSON Schema of a definition
biaogan programs check FILE                      validate FILE and say what it would change against the version in force
biaogan programs publish FILE --reason …         record FILE as the program's next version (the admin's token:
                                                 --token or BIAOGAN_TOKEN); the same content again changes nothing
A file with a mistake is refused by both, naming the file, the line and the key, with a non-zero exit.
"""

import argparse
import json
import os
import sys
from pathlib import Path

from config import get_settings


def schema(args: argparse.Namespace) -> None:
    from programs.model import Program

    print(json.dumps(Program.model_json_schema(), ensure_ascii=False, indent=2))


def _refused(e: Exception) -> None:
    from programs.load import DefinitionError

    if isinstance(e, DefinitionError):
        for problem in e.problems:
            print(problem.said, file=sys.stderr)
        sys.exit(f"定义有误（{len(e.problems)}处），未予采用")
    raise e


def _said_changes(found: list, program: object) -> list[str]:
    from programs.words import path_words, value_words
    from services.programs import KINDS

    out = []
    for c in found:
        where = f"{c.path}（{path_words(c.loc, program)}）"  # type: ignore[arg-type]
        if c.kind == "added":
            out.append(f"  {KINDS[c.kind]} {where}：{value_words(c.after, program)}")  # type: ignore[arg-type]
        elif c.kind == "removed":
            out.append(f"  {KINDS[c.kind]} {where}（原为：{value_words(c.before, program)}）")  # type: ignore[arg-type]
        else:
            before, after = value_words(c.before, program), value_words(c.after, program)  # type: ignore[arg-type]
            out.append(f"  {KINDS[c.kind]} {where}：{before} → {after}")
    return out


def check(args: argparse.Namespace) -> None:
    from db.schema import upgrade
    from services.programs import check as check_file

    settings = get_settings()
    upgrade(settings.database_url)
    try:
        checked = check_file(settings.database_url, Path(args.file))
    except Exception as e:
        _refused(e)
        return
    program = checked.definition.program
    print(f"{args.file}：定义有效。评定项目 {program.id}（{program.title}）")
    if checked.in_force is None:
        print("尚无现行版本：发布后为第1版")
    elif not checked.changes:
        print(f"与现行第{checked.in_force.version}版相同，无改动")
    else:
        print(f"与现行第{checked.in_force.version}版相比，{len(checked.changes)}处改动：")
        print("\n".join(_said_changes(checked.changes, program)))


def publish(args: argparse.Namespace) -> None:
    from db.schema import upgrade
    from services.programs import publish as publish_file
    from services.refusals import Refusal

    settings = get_settings()
    upgrade(settings.database_url)
    by = _admin_name(settings.database_url, args.token or os.environ.get("BIAOGAN_TOKEN"))
    try:
        published = publish_file(settings.database_url, Path(args.file), by, args.reason)
    except Refusal as e:
        sys.exit(f"{e.message}（{e.extra.get('rule')}）")
    except Exception as e:
        _refused(e)
        return
    row = published.version
    if not published.new:
        print(f"{args.file}：与现行第{row.version}版内容相同，已在施行，未新增版本")
        return
    print(f"已发布评定项目 {row.program_id} 第{row.version}版（SHA-256 {row.sha256}）")
    if row.version > 1:
        print(f"{len(published.changes)}处改动：")
        print("\n".join(_said_changes(published.changes, published.program)))


def _admin_name(database_url: str, token: str | None) -> str:
    from sqlmodel import Session

    from db.session import get_engine
    from services.identity import actor_for_token
    from state.domain import Role

    if not token:
        sys.exit("请用 --token 或 BIAOGAN_TOKEN 给出系统管理员的令牌")
    with Session(get_engine(database_url)) as s:
        actor = actor_for_token(s, token)
    if actor is None or actor.role != Role.admin:
        sys.exit("该令牌不是系统管理员的令牌")
    return actor.name


def add_commands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("programs", help="评定项目定义: schema, check, publish").add_subparsers(
        dest="programs_command", required=True
    )
    p.add_parser("schema", help="print the JSON Schema of a definition").set_defaults(func=schema)
    c = p.add_parser("check", help="validate a definition and say what it would change")
    c.add_argument("file")
    c.set_defaults(func=check)
    u = p.add_parser("publish", help="record a definition as its program's next version")
    u.add_argument("file")
    u.add_argument("--reason", required=True)
    u.add_argument("--token", help="the admin's token (else BIAOGAN_TOKEN)")
    u.set_defaults(func=publish)
