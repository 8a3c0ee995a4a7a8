"""The attestation part's pages (included by landscape/urls.py)."""

from django.urls import path

from . import attestation_views as views

urlpatterns = [
    path("landskab/attestering/", views.AttestationCampaignListView.as_view(),
         name="attestationcampaign_list"),
    path("landskab/attestering/ny/", views.AttestationCampaignCreateView.as_view(),
         name="attestationcampaign_create"),
    path("landskab/attestering/mine/", views.MyAttestationsView.as_view(),
         name="my_attestations"),
    path("landskab/attestering/attesteringer/", views.AttestationListView.as_view(),
         name="attestation_list"),
    path("landskab/attestering/attesteringer/<uuid:uuid>/",
         views.AttestationDetailView.as_view(), name="attestation_detail"),
    path("landskab/attestering/<uuid:uuid>/", views.AttestationCampaignDetailView.as_view(),
         name="attestationcampaign_detail"),
    path("landskab/attestering/<uuid:uuid>/rediger/",
         views.AttestationCampaignUpdateView.as_view(), name="attestationcampaign_update"),
    path("landskab/attestering/<uuid:uuid>/aabn/",
         views.AttestationCampaignOpenView.as_view(), name="attestationcampaign_open"),
    path("landskab/attestering/<uuid:uuid>/luk/",
         views.AttestationCampaignCloseView.as_view(), name="attestationcampaign_close"),
    path("landskab/attestering/<uuid:uuid>/naeste/",
         views.AttestationCampaignNextView.as_view(), name="attestationcampaign_next"),
]
