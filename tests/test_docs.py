"""The README is the manual: its pipeline diagram is the machine's own."""

from pathlib import Path

from state.diagram import mermaid

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_diagram_is_generated_from_the_machine():
    assert mermaid() in README.read_text(encoding="utf-8"), "run `./run.sh diagram` and paste it into README.md"
