"""The pipeline diagram, generated from the machine itself (``biaogan diagram`` prints it for the README)."""

from statemachine.contrib.diagram import formatter

from state.machine import ApplicationMachine


def mermaid() -> str:
    return formatter.render(ApplicationMachine, "mermaid").strip()


if __name__ == "__main__":
    print(mermaid())
