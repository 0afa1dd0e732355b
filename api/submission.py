"""Moved to services/declarations.py; kept for the modules of other areas that still import it from here."""

from services.declarations import OBJECTION_EVIDENCE, evidence_files, public_uploader

__all__ = ["OBJECTION_EVIDENCE", "evidence_files", "public_uploader"]
