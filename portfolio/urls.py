"""Portfolio pages."""

from django.urls import path  # noqa: F401 - the portal's pages add their routes here

from . import views  # noqa: F401

urlpatterns = []


# Lists (kitos/lists.py).
urlpatterns += [
    path("systemer/", views.SystemUsageListView.as_view(), name="usage_list"),
    path("systemer/katalog/", views.ItSystemListView.as_view(), name="system_list"),
    path("integrationer/", views.IntegrationListView.as_view(), name="integration_list"),
]

# Detail pages and forms (kitos/detail.py).
from . import detail_views  # noqa: E402

urlpatterns += [
    path(
        "systemanvendelser/ny/",
        detail_views.SystemUsageCreateView.as_view(),
        name="usage_create",
    ),
    path(
        "systemanvendelser/<uuid:uuid>/",
        detail_views.SystemUsageDetailView.as_view(),
        name="usage_detail",
    ),
    path(
        "systemanvendelser/<uuid:uuid>/rediger/",
        detail_views.SystemUsageUpdateView.as_view(),
        name="usage_update",
    ),
    path(
        "systemanvendelser/<uuid:uuid>/slet/",
        detail_views.SystemUsageDeleteView.as_view(),
        name="usage_delete",
    ),
    path("it-systemer/ny/", detail_views.ItSystemCreateView.as_view(), name="system_create"),
    path(
        "it-systemer/<uuid:uuid>/",
        detail_views.ItSystemDetailView.as_view(),
        name="system_detail",
    ),
    path(
        "it-systemer/<uuid:uuid>/rediger/",
        detail_views.ItSystemUpdateView.as_view(),
        name="system_update",
    ),
    path(
        "it-systemer/<uuid:uuid>/slet/",
        detail_views.ItSystemDeleteView.as_view(),
        name="system_delete",
    ),
    path(
        "integrationer/ny/",
        detail_views.IntegrationCreateView.as_view(),
        name="integration_create",
    ),
    path(
        "integrationer/<uuid:uuid>/",
        detail_views.IntegrationDetailView.as_view(),
        name="integration_detail",
    ),
    path(
        "integrationer/<uuid:uuid>/rediger/",
        detail_views.IntegrationUpdateView.as_view(),
        name="integration_update",
    ),
    path(
        "integrationer/<uuid:uuid>/slet/",
        detail_views.IntegrationDeleteView.as_view(),
        name="integration_delete",
    ),
]
