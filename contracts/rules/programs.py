"""评定项目定义: the programs in force and their versions (services/programs.py, programs_cli.py)."""

from contracts.rules import rule

PROGRAM_UNKNOWN = rule("program_unknown", "没有此评定项目：{program_id}")
PROGRAM_REASON_REQUIRED = rule("program_reason_required", "发布评定项目定义须填写理由")
