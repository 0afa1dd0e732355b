"""The page routers. Every one is made by ``page_router``, so that every page resolves its visitor and every POST
is checked for its CSRF token before the route runs."""

from fastapi import APIRouter, Depends

from web.visitors import resolve


def page_router() -> APIRouter:
    return APIRouter(dependencies=[Depends(resolve)])


def _routers() -> list[APIRouter]:
    from web.routes import (
        acts,
        admin_users,
        applications,
        batch,
        corrections,
        declare,
        historic_titles,
        home,
        login,
        notifications,
        public,
        quotas,
        rounds,
        score_amendments,
        standards,
    )
    from web.routes.documents import router as documents_router
    from web.routes.filings import router as filings_router
    from web.routes.statistics import router as statistics_router

    # declare before applications: /applications/new is not an application's id
    return [
        home.router,
        login.router,
        public.router,
        declare.router,
        applications.router,
        acts.router,
        score_amendments.router,
        batch.router,
        corrections.router,
        notifications.router,
        documents_router,
        filings_router,
        statistics_router,
        rounds.router,
        quotas.router,
        standards.router,
        admin_users.router,
        historic_titles.router,
    ]


ROUTERS = _routers()
