"""The page routers' maker. Every one is made by ``page_router``, so that every page resolves its visitor and every
POST is checked for its CSRF token before the route runs."""

from fastapi import APIRouter, Depends

from web.visitors import resolve


def page_router() -> APIRouter:
    return APIRouter(dependencies=[Depends(resolve)])
