"""Where a key path sits in a definition's TOML text: the reader shared with the region files (``tomlpath``)."""

from tomlpath import line_map, line_of

__all__ = ["line_map", "line_of"]
