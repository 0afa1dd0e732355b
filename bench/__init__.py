"""Benchmarks (scripts: ``.venv/bin/python bench/<name>.py``; see bench/README.md)."""
