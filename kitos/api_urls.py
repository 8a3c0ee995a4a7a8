"""/api/v1/: every app contributes its `routes` (prefix, viewset, basename)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from contracts.api.views import routes as contract_routes
from gdpr.api.views import routes as gdpr_routes
from portfolio.api.views import routes as portfolio_routes
from roles.api.views import routes as roles_routes

from .api.views import ApiTokenViewSet, DeletionListView


class Router(DefaultRouter):
    include_format_suffixes = False


router = Router()
# Any segment: a malformed id reaches the view and gets the API's JSON 404.
router.lookup_value_regex = "[^/]+"
for prefix, viewset, basename in [
    *roles_routes,
    *portfolio_routes,
    *contract_routes,
    *gdpr_routes,
]:
    router.register(prefix, viewset, basename=basename)
router.register("tokens", ApiTokenViewSet, basename="apitoken")


class ThrottledSchemaView(SpectacularAPIView):
    throttle_scope = "schema"


urlpatterns = [
    path("v1/deletions/", DeletionListView.as_view(), name="api-deletions"),
    path("schema/", ThrottledSchemaView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
urlpatterns += [path("v1/", include(router.urls))]
