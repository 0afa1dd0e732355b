"""Handles on application workflows: the API and the web pages reach ApplicationWorkflow only through these."""

from temporalio.client import Client, WorkflowHandle

from contracts.application import ApplicationOutcome, ApplicationView, ViewRequest
from state.domain import Department
from workflows.application import ApplicationWorkflow, workflow_id_for


def handle_for(client: Client, application_id: str) -> WorkflowHandle[ApplicationWorkflow, ApplicationOutcome]:
    return client.get_workflow_handle_for(ApplicationWorkflow.run, workflow_id_for(application_id))


async def query_view(client: Client, application_id: str, department: Department | None) -> ApplicationView:
    return await handle_for(client, application_id).query(ApplicationWorkflow.view, ViewRequest(department=department))
