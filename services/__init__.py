"""The use cases, one module per area: the one place each is carried out, under both the API and the pages.

A service function takes who is acting (``state.domain.Actor``), a ``services.context.Context`` (the Temporal client
and the settings), and plain values or contract dataclasses; it admits the caller (role, county, department),
runs the pre-checks, calls Temporal through ``clients/``, makes the read-model writes the use needs, and raises
``services.refusals.Refusal`` (a status and a rule of ``contracts.rules``) for every refusal. It knows nothing of
HTTP requests, forms or templates: ``api/routes`` and ``web/routes`` parse, call one service, and render.
"""
