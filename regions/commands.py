"""``biaogan regions schema`` (the region file's JSON Schema) and ``biaogan regions check FILE`` (a summary)."""

import argparse
import json
import sys
from pathlib import Path

from regions.loader import RegionError, load_file
from regions.model import Province


def summary(province: Province) -> str:
    """What a region file defines, in Chinese: each city, its counties and zones, its organs' 机关代字."""
    lines = [f"{province.province}：{len(province.cities)} 个城市"]
    for city in province.cities:
        zones = city.zones()
        counties = [c for c in city.counties if c.kind != "功能区"]
        lines.append(
            f"{city.name}（简称{city.short}）：{len(counties)} 个县区、{len(zones)} 个功能区；"
            f"牵头机关 {city.hrss.name}，机关代字 {city.hrss.code}"
        )
        lines.append("  县区：" + "、".join(c.name for c in counties))
        if zones:
            lines.append("  功能区：" + "、".join(c.name for c in zones))
        lines.append("  机关代字：" + "、".join(f"{c.name} {c.hrss.code}" for c in city.counties))
    return "\n".join(lines)


def schema(_: argparse.Namespace) -> None:
    print(json.dumps(Province.model_json_schema(), ensure_ascii=False, indent=2))


def check(args: argparse.Namespace) -> None:
    try:
        province = load_file(Path(args.file))
    except RegionError as e:
        print(str(e), file=sys.stderr)
        raise SystemExit(1) from e
    print(summary(province))
    print("检查通过")


def add_commands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    r = sub.add_parser("regions", help="region files (province, cities, counties, organs)")
    rs = r.add_subparsers(dest="regions_command", required=True)
    rs.add_parser("schema", help="print the region file's JSON Schema").set_defaults(func=schema)
    c = rs.add_parser("check", help="validate a region file and print what it defines")
    c.add_argument("file")
    c.set_defaults(func=check)
