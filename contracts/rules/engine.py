"""What the workflows and the machine refuse (state/, workflows/, activities/)."""

from contracts.rules import rule  # noqa: F401
