"""/api/v1/: every app contributes its `routes` (prefix, viewset, basename) through
kitos.api.registry from its AppConfig.ready()."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from .api.registry import ROUTES
from .api.views import ApiTokenViewSet, DeletionListView, OptionViewSet


class Router(DefaultRouter):
    include_format_suffixes = False


router = Router()
# Any segment: a malformed id reaches the view and gets the API's JSON 404.
router.lookup_value_regex = "[^/]+"
for prefix, viewset, basename in ROUTES:
    router.register(prefix, viewset, basename=basename)
router.register("tokens", ApiTokenViewSet, basename="apitoken")
router.register("options", OptionViewSet, basename="option")


class ThrottledSchemaView(SpectacularAPIView):
    throttle_scope = "schema"


urlpatterns = [
    path("v1/deletions/", DeletionListView.as_view(), name="api-deletions"),
    path("schema/", ThrottledSchemaView.as_view(), name="api-schema"),
    # The split view serves its start script from ?script instead of inline, so the
    # Content-Security-Policy needs no exception for the API docs.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="kitos/api_docs.html"
        ),
        name="api-docs",
    ),
]
urlpatterns += [path("v1/", include(router.urls))]
