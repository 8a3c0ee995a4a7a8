"""The API's routes (prefix, viewset, basename), registered by each app from its
``AppConfig.ready()`` in the order of INSTALLED_APPS, so the root URLconf of the API
names no app."""

from __future__ import annotations

ROUTES: list[tuple[str, type, str]] = []


def register_routes(routes) -> None:
    """Serve each (prefix, viewset, basename) of `routes` under /api/v1/<prefix>/."""
    for route in routes:
        if route not in ROUTES:
            ROUTES.append(route)
