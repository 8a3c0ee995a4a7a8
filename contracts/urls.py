"""Contract and supplier pages."""

from django.urls import path

from . import detail_views, views

urlpatterns = [
    path("kontrakter/", views.ContractListView.as_view(), name="contract_list"),
    path("leverandoerer/", views.SupplierListView.as_view(), name="supplier_list"),
    path("kontrakter/udbudsplan/", views.ProcurementPlanView.as_view(), name="procurement_plan"),
    path(
        "kontrakter/<uuid:uuid>/", views.ContractDetailView.as_view(), name="contract_detail"
    ),
    path("kontrakter/ny/", detail_views.ContractCreateView.as_view(), name="contract_create"),
    path(
        "kontrakter/<uuid:uuid>/rediger/",
        detail_views.ContractUpdateView.as_view(),
        name="contract_update",
    ),
    path(
        "kontrakter/<uuid:uuid>/slet/",
        detail_views.ContractDeleteView.as_view(),
        name="contract_delete",
    ),
    path(
        "kontrakter/<uuid:uuid>/omkostninger/ny/",
        detail_views.CostLineCreateView.as_view(),
        name="costline_create",
    ),
    path(
        "kontrakter/<uuid:uuid>/beslutning/",
        detail_views.DeadlineDecisionCreateView.as_view(),
        name="deadlinedecision_create",
    ),
    path(
        "omkostningslinjer/<uuid:uuid>/rediger/",
        detail_views.CostLineUpdateView.as_view(),
        name="costline_update",
    ),
    path(
        "omkostningslinjer/<uuid:uuid>/slet/",
        detail_views.CostLineDeleteView.as_view(),
        name="costline_delete",
    ),
    path("leverandoerer/ny/", detail_views.SupplierCreateView.as_view(), name="supplier_create"),
    path(
        "leverandoerer/<uuid:uuid>/",
        detail_views.SupplierDetailView.as_view(),
        name="supplier_detail",
    ),
    path(
        "leverandoerer/<uuid:uuid>/rediger/",
        detail_views.SupplierUpdateView.as_view(),
        name="supplier_update",
    ),
    path(
        "leverandoerer/<uuid:uuid>/slet/",
        detail_views.SupplierDeleteView.as_view(),
        name="supplier_delete",
    ),
]
