"""评定项目定义: the programs in force and their versions (services/programs.py, programs_cli.py)."""

from contracts.rules import rule

PROGRAM_UNKNOWN = rule("program_unknown", "没有此评定项目：{program_id}")
PROGRAM_REASON_REQUIRED = rule("program_reason_required", "发布评定项目定义须填写理由")
PROGRAM_LEVEL_UNKNOWN = rule("program_level_unknown", "本评定项目没有此级别：{level}（可选：{levels}）")
PROGRAM_NOT_RUNNABLE = rule("program_not_runnable", "评定项目“{title}”暂不能在本系统申报：{why}")
PROGRAM_COUNTY_UNKNOWN = rule("program_county_unknown", "县区“{county}”不在{city}的县区之列（{counties}）")
