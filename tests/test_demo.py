"""``./run.sh demo`` walks a city-level application from declaration to plaque through a round of its own."""

from demo import run_demo
from tests.conftest import RunningWorker, settings_for, unique


async def test_the_demo_walks_a_round_selection_to_the_plaque(dev_env, sqlite_url, capsys):
    settings = settings_for(sqlite_url, unique("demo"))
    async with RunningWorker(dev_env.client, settings):
        await run_demo(settings, dev_env.client)
    said = capsys.readouterr().out
    assert "round closed: 1 of 1 chosen within the quota" in said
    assert "→ publicized" in said and "notice closed by the workflow" in said
    assert "Done: plaque_awarded, 10 acts on record" in said
