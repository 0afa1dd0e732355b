"""Moved to services/present.py; kept for the modules of other areas that still import it from here."""

from services.present import detail, listing, local, notice, notice_of, page

__all__ = ["detail", "listing", "local", "notice", "notice_of", "page"]
