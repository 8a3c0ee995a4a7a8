"""Portfolio pages: systems in use, the catalog and integrations."""

from django.urls import path

from . import detail_views, views

urlpatterns = [
    path("systemanvendelser/", views.SystemUsageListView.as_view(), name="systemusage_list"),
    path("it-systemer/", views.ItSystemListView.as_view(), name="itsystem_list"),
    path("integrationer/", views.IntegrationListView.as_view(), name="integration_list"),
    path("snitflader/", views.InterfaceListView.as_view(), name="interface_list"),
    path("snitflader/ny/", detail_views.InterfaceCreateView.as_view(), name="interface_create"),
    path(
        "snitflader/<uuid:uuid>/",
        detail_views.InterfaceDetailView.as_view(),
        name="interface_detail",
    ),
    path(
        "snitflader/<uuid:uuid>/rediger/",
        detail_views.InterfaceUpdateView.as_view(),
        name="interface_update",
    ),
    path(
        "snitflader/<uuid:uuid>/slet/",
        detail_views.InterfaceDeleteView.as_view(),
        name="interface_delete",
    ),
    path(
        "systemanvendelser/ny/",
        detail_views.SystemUsageCreateView.as_view(),
        name="systemusage_create",
    ),
    path(
        "systemanvendelser/<uuid:uuid>/",
        detail_views.SystemUsageDetailView.as_view(),
        name="systemusage_detail",
    ),
    path(
        "systemanvendelser/<uuid:uuid>/rediger/",
        detail_views.SystemUsageUpdateView.as_view(),
        name="systemusage_update",
    ),
    path(
        "systemanvendelser/<uuid:uuid>/slet/",
        detail_views.SystemUsageDeleteView.as_view(),
        name="systemusage_delete",
    ),
    path(
        "systemanvendelser/<uuid:uuid>/journalperioder/ny/",
        detail_views.JournalPeriodCreateView.as_view(),
        name="usagejournalperiod_create",
    ),
    path(
        "journalperioder/<uuid:uuid>/rediger/",
        detail_views.JournalPeriodUpdateView.as_view(),
        name="usagejournalperiod_update",
    ),
    path(
        "journalperioder/<uuid:uuid>/slet/",
        detail_views.JournalPeriodDeleteView.as_view(),
        name="usagejournalperiod_delete",
    ),
    path("it-systemer/ny/", detail_views.ItSystemCreateView.as_view(), name="itsystem_create"),
    path(
        "it-systemer/<uuid:uuid>/",
        detail_views.ItSystemDetailView.as_view(),
        name="itsystem_detail",
    ),
    path(
        "it-systemer/<uuid:uuid>/rediger/",
        detail_views.ItSystemUpdateView.as_view(),
        name="itsystem_update",
    ),
    path(
        "it-systemer/<uuid:uuid>/slet/",
        detail_views.ItSystemDeleteView.as_view(),
        name="itsystem_delete",
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
