"""Data protection pages: data assets, processing activities, agreements, the
article 30 register and the chain."""

from django.urls import path

from kitos.views import ActiveOrganisationRedirectView

from . import detail_views, gap_views, kle_views, register_views, views

urlpatterns = [
    path(
        "databehandleraftaler/<uuid:uuid>/",
        views.AgreementDetailView.as_view(),
        name="dataprocessingagreement_detail",
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
    path("dataaktiver/", views.DataAssetListView.as_view(), name="dataasset_list"),
    path(
        "behandlingsaktiviteter/",
        views.ProcessingActivityListView.as_view(),
        name="processingactivity_list",
    ),
    path(
        "databehandleraftaler/",
        views.AgreementListView.as_view(),
        name="dataprocessingagreement_list",
    ),
    path(
        "databehandleraftaler/ny/",
        detail_views.AgreementCreateView.as_view(),
        name="dataprocessingagreement_create",
    ),
    path(
        "databehandleraftaler/<uuid:uuid>/rediger/",
        detail_views.AgreementUpdateView.as_view(),
        name="dataprocessingagreement_update",
    ),
    path(
        "databehandleraftaler/<uuid:uuid>/slet/",
        detail_views.AgreementDeleteView.as_view(),
        name="dataprocessingagreement_delete",
    ),
    path(
        "databehandleraftaler/<uuid:uuid>/underdatabehandlere/ny/",
        detail_views.SubProcessorCreateView.as_view(),
        name="subprocessor_create",
    ),
    path(
        "underdatabehandlere/<uuid:uuid>/rediger/",
        detail_views.SubProcessorUpdateView.as_view(),
        name="subprocessor_update",
    ),
    path(
        "underdatabehandlere/<uuid:uuid>/slet/",
        detail_views.SubProcessorDeleteView.as_view(),
        name="subprocessor_delete",
    ),
    path(
        "databehandleraftaler/<uuid:uuid>/tilsyn/ny/",
        detail_views.OversightRecordCreateView.as_view(),
        name="oversightrecord_create",
    ),
    path(
        "tilsyn/<uuid:uuid>/rediger/",
        detail_views.OversightRecordUpdateView.as_view(),
        name="oversightrecord_update",
    ),
    path(
        "tilsyn/<uuid:uuid>/slet/",
        detail_views.OversightRecordDeleteView.as_view(),
        name="oversightrecord_delete",
    ),
    path("dataaktiver/ny/", detail_views.DataAssetCreateView.as_view(), name="dataasset_create"),
    path(
        "dataaktiver/<uuid:uuid>/",
        detail_views.DataAssetDetailView.as_view(),
        name="dataasset_detail",
    ),
    path(
        "dataaktiver/<uuid:uuid>/rediger/",
        detail_views.DataAssetUpdateView.as_view(),
        name="dataasset_update",
    ),
    path(
        "dataaktiver/<uuid:uuid>/slet/",
        detail_views.DataAssetDeleteView.as_view(),
        name="dataasset_delete",
    ),
    path(
        "behandlingsaktiviteter/ny/",
        detail_views.ProcessingActivityCreateView.as_view(),
        name="processingactivity_create",
    ),
    path(
        "behandlingsaktiviteter/<uuid:uuid>/",
        detail_views.ProcessingActivityDetailView.as_view(),
        name="processingactivity_detail",
    ),
    path(
        "behandlingsaktiviteter/<uuid:uuid>/rediger/",
        detail_views.ProcessingActivityUpdateView.as_view(),
        name="processingactivity_update",
    ),
    path(
        "behandlingsaktiviteter/<uuid:uuid>/slet/",
        detail_views.ProcessingActivityDeleteView.as_view(),
        name="processingactivity_delete",
    ),
    path(
        "mangler/",
        ActiveOrganisationRedirectView.as_view(route="gap_overview"),
        name="gap_overview_active",
    ),
    path(
        "organisationer/<slug:slug>/mangler/",
        gap_views.GapOverviewView.as_view(),
        name="gap_overview",
    ),
    path(
        "organisationer/<slug:slug>/mangler/<slug:key>/",
        gap_views.GapRuleView.as_view(),
        name="gap_rule",
    ),
    # KLE browsing: the catalog's and the processing activities' taxonomy.
    path("kle/", kle_views.KleListView.as_view(), name="kle_list"),
    path("kle/<str:number>/", kle_views.KleDetailView.as_view(), name="kle_detail"),
]
