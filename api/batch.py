"""Moved to services/batch.py; kept for the modules of other areas that still import it from here."""

from services.batch import BATCH_ACTS

__all__ = ["BATCH_ACTS"]
