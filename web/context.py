"""What a page hands the service it calls (services/): the Temporal client and the settings of the running app."""

from fastapi import Request

from services.context import Context


def context_of(request: Request) -> Context:
    return Context(request.app.state.temporal, request.app.state.settings)
