"""Data protection pages."""

from django.urls import path

from . import register_views, views

urlpatterns = [
    path(
        "databehandleraftaler/<uuid:uuid>/",
        views.AgreementDetailView.as_view(),
        name="agreement_detail",
    ),
    # The record of processing activities (article 30) and KL's standard activities
    path("fortegnelse/", register_views.RegisterHomeView.as_view(), name="register_home"),
    path(
        "organisationer/<slug:slug>/fortegnelse/",
        register_views.RegisterView.as_view(),
        name="register",
    ),
    path(
        "organisationer/<slug:slug>/fortegnelse/excel/",
        register_views.RegisterExportView.as_view(),
        name="register_export",
    ),
    path(
        "organisationer/<slug:slug>/fortegnelse/kl-standard/",
        register_views.RegisterAdoptView.as_view(),
        name="register_adopt",
    ),
    # The chain from a contract, a system usage or a processing activity
    path(
        "kontrakter/<uuid:uuid>/kaede/",
        register_views.ContractChainView.as_view(),
        name="contract_chain",
    ),
    path(
        "systemanvendelser/<uuid:uuid>/kaede/",
        register_views.UsageChainView.as_view(),
        name="usage_chain",
    ),
    path(
        "behandlingsaktiviteter/<uuid:uuid>/kaede/",
        register_views.ActivityChainView.as_view(),
        name="activity_chain",
    ),
]
