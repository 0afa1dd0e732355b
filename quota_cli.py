"""``biaogan period define`` and ``biaogan quota set``: the admin's CLI to the same recorded workflows the API uses.

The admin is identified by their bearer token (``--token`` or ``BIAOGAN_TOKEN``), so every change is attributed.
"""

import argparse
import json
import os
import sys

from sqlmodel import Session

from config import get_settings
from db.schema import upgrade
from db.session import get_engine
from services.identity import actor_for_token
from state.domain import Actor, Level, Role


def _admin(token: str | None) -> Actor:
    settings = get_settings()
    if not token:
        sys.exit("error: give the admin's token with --token or BIAOGAN_TOKEN")
    upgrade(settings.database_url)
    with Session(get_engine(settings.database_url)) as s:
        actor = actor_for_token(s, token)
    if actor is None or actor.role != Role.admin:
        sys.exit("error: that token is not an admin's")
    return actor


def _refusal_text(e: Exception) -> str:
    cause = getattr(e, "cause", None) or e
    return getattr(cause, "message", None) or str(cause)


def define_period(args: argparse.Namespace) -> None:
    from clients.connection import run_with_client
    from clients.quota import define_period as define_via_workflow
    from contracts.quota import DefinePeriod

    actor = _admin(args.token or os.environ.get("BIAOGAN_TOKEN"))
    settings = get_settings()
    act = DefinePeriod(actor, args.name, args.start_year, args.end_year, args.reason)
    try:
        print(run_with_client(settings, lambda client: define_via_workflow(client, settings.task_queue, args.id, act)))
    except Exception as e:  # a refusal: its message, not a traceback
        sys.exit(f"error: {_refusal_text(e)}")


def set_quota(args: argparse.Namespace) -> None:
    from clients.connection import run_with_client
    from clients.quota import set_quota as set_via_workflow
    from contracts.quota import MAX_TOTAL, SetQuota

    actor = _admin(args.token or os.environ.get("BIAOGAN_TOKEN"))
    level = Level(args.level)
    if level == Level.city:
        if args.total is None:
            sys.exit("error: a city-level quota needs --total")
        totals = {"city": args.total}
    else:
        try:
            totals = json.loads(args.county_totals or "")
        except json.JSONDecodeError:
            sys.exit("error: a county-level quota needs --county-totals '{\"兰山区\": 12, ...}'")
    if not isinstance(totals, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_TOTAL for v in totals.values()
    ):
        sys.exit(f"error: 名额须为 0 至 {MAX_TOTAL} 的整数 (places are whole numbers 0..{MAX_TOTAL}; rule quota_total)")
    settings = get_settings()
    act = SetQuota(actor, totals, args.reason)
    try:
        result = run_with_client(
            settings, lambda client: set_via_workflow(client, settings.task_queue, args.period, level, act)
        )
    except Exception as e:  # a refusal: its message, not a traceback
        sys.exit(f"error: {_refusal_text(e)}")
    for scope, (old, new) in result.changed.items():
        print(f"{scope}: {old} → {new}")


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("period", help="define a period (规划期)").add_subparsers(dest="period_command", required=True)
    d = p.add_parser("define", help="define or correct a period (recorded)")
    d.add_argument("--id", required=True, help="e.g. 15th-fyp")
    d.add_argument("--name", required=True, help="e.g. 十五五")
    d.add_argument("--start-year", type=int, required=True)
    d.add_argument("--end-year", type=int, required=True)
    d.add_argument("--reason", required=True)
    d.add_argument("--token", help="the admin's bearer token (or BIAOGAN_TOKEN)")
    d.set_defaults(func=define_period)
    q = sub.add_parser("quota", help="set a period's quota").add_subparsers(dest="quota_command", required=True)
    s = q.add_parser("set", help="set the city-level total or the county-level split (recorded: who, old → new, why)")
    s.add_argument("--period", required=True)
    s.add_argument("--level", required=True, choices=["city", "county"])
    s.add_argument("--total", type=int, help="city level: the number of titles")
    s.add_argument("--county-totals", help='county level: JSON, e.g. \'{"兰山区": 12, "罗庄区": 8}\'')
    s.add_argument("--reason", required=True)
    s.add_argument("--token", help="the admin's bearer token (or BIAOGAN_TOKEN)")
    s.set_defaults(func=set_quota)
