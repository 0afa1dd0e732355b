"""Moved to services/filing_forms.py (the pages use it too, and the pages do not import the API); kept for the
modules that still import it from here (web/routes/applications.py)."""

from services.filing_forms import COLUMNS, TITLE, TYPE_ZH, Form, Table, csv_bytes, disposition, tables_xlsx, xlsx

__all__ = ["COLUMNS", "TITLE", "TYPE_ZH", "Form", "Table", "csv_bytes", "disposition", "tables_xlsx", "xlsx"]
