"""The register of document numbers, as an activity: a workflow that issues a document draws its number here
(the number is then in the workflow's history; a replay never draws again)."""

from temporalio import activity

from contracts.register import DrawNumber
from db.document_register import draw_number


class RegisterActivities:
    def __init__(self, database_url: str):
        self.database_url = database_url

    @activity.defn
    def draw_document_number(self, r: DrawNumber) -> str:
        """Idempotent by ``r.key``: a retried draw returns the number first drawn."""
        return draw_number(self.database_url, r.prefix, r.year, r.key, r.purpose)
