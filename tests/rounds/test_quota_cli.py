"""The admin's CLI sets quotas through the same recorded QuotaWorkflow as the API: attributed, old → new, why."""

import asyncio
import os
import sys
from pathlib import Path

from sqlmodel import Session, select

from config import ROOT
from db.rounds import QuotaChange
from db.schema import upgrade
from db.session import get_engine
from services.identity import create_user
from tests.api.conftest import temporal_address
from tests.conftest import RunningWorker, settings_for, unique

BIAOGAN = str(Path(sys.executable).parent / "biaogan")


async def biaogan(env: dict, *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        BIAOGAN, *args, env={**os.environ, **env}, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode, out.decode(), err.decode()


async def test_period_and_quota_from_the_cli_are_recorded_and_attributed(dev_env, tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(db)
    settings = settings_for(db, unique("cli"), temporal_address=temporal_address(dev_env))
    admin = create_user(db, "市人社局管理员", "admin")
    bureau = create_user(db, "兰山区人社局", "county_bureau", "兰山区")
    env = {
        "PYTHONPATH": str(ROOT),  # this checkout's code, whatever checkout the venv's editable install points at
        "DATABASE_URL": db,
        "BIAOGAN_TEMPORAL_ADDRESS": settings.temporal_address,
        "BIAOGAN_TASK_QUEUE": settings.task_queue,
    }
    period = unique("p")
    async with RunningWorker(dev_env.client, settings):
        rc, out, err = await biaogan(
            env,
            "period",
            "define",
            "--id",
            period,
            "--name",
            "十五五",
            "--start-year",
            "2026",
            "--end-year",
            "2030",
            "--reason",
            "规划期",
            "--token",
            admin,
        )
        assert rc == 0, err
        rc, out, err = await biaogan(
            env,
            "quota",
            "set",
            "--period",
            period,
            "--level",
            "city",
            "--total",
            "9",
            "--reason",
            "通知：市级9家",
            "--token",
            admin,
        )
        assert rc == 0, err
        assert "city: None → 9" in out
        rc, out, err = await biaogan(
            env,
            "quota",
            "set",
            "--period",
            period,
            "--level",
            "city",
            "--total",
            "10",
            "--reason",
            "增补1家",
            "--token",
            admin,
        )
        assert rc == 0 and "city: 9 → 10" in out, err
        rc, _, err = await biaogan(
            env,
            "quota",
            "set",
            "--period",
            period,
            "--level",
            "city",
            "--total",
            "3",
            "--reason",
            "越权",
            "--token",
            bureau,
        )
        assert rc != 0 and "not an admin" in err
    with Session(get_engine(db)) as s:
        rows = s.exec(select(QuotaChange).where(QuotaChange.period_id == period).order_by(QuotaChange.id)).all()
    assert [(r.old_total, r.new_total, r.reason) for r in rows] == [(None, 9, "通知：市级9家"), (9, 10, "增补1家")]
    assert {r.actor_name for r in rows} == {"市人社局管理员"}
