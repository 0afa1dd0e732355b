"""The page routers, one module per area (web/app.py lists them); each is made by web.page_router.page_router."""

from web.page_router import page_router

__all__ = ["page_router"]  # for the modules that still import it from here
