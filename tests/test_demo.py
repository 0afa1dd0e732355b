"""``./run.sh demo`` walks a city-level application from declaration to plaque through a round of its own, on a
time-skipping server of its own where the notice's 5 working days pass."""

from config import Settings
from demo import on_time_skipping_server


async def test_the_demo_walks_a_round_selection_past_the_notice_to_the_plaque(tmp_path, capsys):
    await on_time_skipping_server(Settings(data_dir=tmp_path))
    said = capsys.readouterr().out
    assert "time-skipping test server" in said
    assert "round closed: 1 of 1 chosen within the quota" in said
    assert "→ publicized" in said and "the notice's timer fired" in said
    assert "notice closed by the workflow" in said
    assert "Done: plaque_awarded, 10 acts on record" in said
    for organ in ("兰山区发展和改革局（演示）", "兰山区民政局（演示）"):
        assert f"opinion of {organ}: agree" in said  # 会商: both agree before the county review passes
    for organ in ("临沂市人力资源和社会保障局（演示）", "临沂市发展和改革委员会（演示）", "临沂市民政局（演示）"):
        assert organ in said  # the co-signing departments by their Chinese names
    assert "hrss" not in said and "civil_affairs" not in said
    assert not list(tmp_path.glob("*.db"))  # its read model was its own, in a temporary directory
