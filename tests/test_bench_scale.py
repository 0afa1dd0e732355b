"""bench/scale.py --quick runs on PostgreSQL as the README says: it seeds, measures every endpoint at both sizes,
prints a ratio line for each, and every request it made was accepted (it exits non-zero otherwise)."""

import re
import subprocess
import sys

from config import ROOT
from tests.conftest import POSTGRES_URL, _postgres_available


def test_the_scale_bench_quick_prints_its_ratios_and_its_requests_were_accepted():
    assert _postgres_available(), f"PostgreSQL is required at {POSTGRES_URL}"
    run = subprocess.run(
        [sys.executable, "bench/scale.py", "--quick", "--database-url", POSTGRES_URL],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    out = run.stdout
    assert run.returncode == 0, f"{out[-3000:]}\n{run.stderr[-3000:]}"
    assert "Scale on PostgreSQL: 200 vs 2,000 applications" in out
    ratios = re.findall(
        r"^  (.+?)\s+[\d.]+ms\s+[\d.]+ms\s+[\d.]+ms\s+[\d.]+ms  ratio\s+([\d.]+)× +([\d.]+)×", out, re.M
    )
    names = {name.strip() for name, _, _ in ratios}
    for wanted in (
        "API list, whole city, newest 50",
        "page search by credit code",
        "page /statistics",
        "page /titles",
        "API Attachment 4 (form.xlsx)",
        "API round ranking (12)",
        "PDF declaration (申报表)",
    ):
        assert wanted in names, out
    assert len(ratios) >= 30
    assert "NOT ACCEPTED" not in out
    assert re.search(r"accepted: \d+ measured requests, every one 2xx and checked", out)
