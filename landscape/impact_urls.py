"""The impact part's pages (included by landscape/urls.py)."""

from django.urls import path

from . import impact_views

urlpatterns = [
    path("landskab/konsekvens/", impact_views.ImpactHomeView.as_view(), name="impact_home"),
    path(
        "landskab/konsekvens/system/<uuid:uuid>/",
        impact_views.UsageImpactView.as_view(), name="impact_usage",
    ),
    path(
        "landskab/konsekvens/leverandoer/<uuid:uuid>/",
        impact_views.SupplierImpactView.as_view(), name="impact_supplier",
    ),
    path(
        "landskab/konsekvens/kontrakt/<uuid:uuid>/",
        impact_views.ContractImpactView.as_view(), name="impact_contract",
    ),
]
