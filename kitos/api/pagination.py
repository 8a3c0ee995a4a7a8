"""API pagination: page numbers by default, a change-time cursor for sync clients.
(Its own module: DRF imports it while loading its settings.)"""

from __future__ import annotations

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 100
    max_page_size = 250
    page_size_query_param = "page_size"


class SyncCursorPagination(pagination.CursorPagination):
    """Stable paging for sync clients: by change time, then id; rows changed during the
    walk show up later, never twice on one walk."""

    page_size = 100
    max_page_size = 250
    page_size_query_param = "page_size"
    ordering = ("updated_at", "id")
    cursor_query_param = "cursor"


class HybridPagination(PageNumberPagination):
    """Page numbers by default; `?cursor=` (start with `?cursor=` empty or `?sync=1`)
    switches to cursor pagination ordered by change time."""

    def _use_cursor(self, request) -> bool:
        return "cursor" in request.query_params or request.query_params.get("sync") == "1"

    def paginate_queryset(self, queryset, request, view=None):
        if self._use_cursor(request):
            self._delegate = SyncCursorPagination()
            return self._delegate.paginate_queryset(queryset, request, view)
        self._delegate = None
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self._delegate is not None:
            return self._delegate.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        page_schema = super().get_paginated_response_schema(schema)
        page_schema["properties"]["next"]["description"] = (
            "Next page (page number or, with ?cursor=, an opaque cursor)."
        )
        # Cursor pages leave out the total: counting every row defeats a cheap sync walk.
        page_schema["required"] = [f for f in page_schema.get("required", []) if f != "count"]
        page_schema["properties"]["count"]["description"] = "Total rows (page-number mode only)."
        return page_schema

    def get_schema_operation_parameters(self, view):
        return super().get_schema_operation_parameters(view) + [
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "Cursor pagination for sync clients (ordered by change time); "
                "send an empty value to start.",
                "schema": {"type": "string"},
            },
        ]
