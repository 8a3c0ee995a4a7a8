"""The landscape's pages: its front page, then each part's own URLs."""

from django.urls import path

from . import (
    attestation_urls,
    consolidation_urls,
    impact_urls,
    map_urls,
    suppliers_urls,
    views,
)

urlpatterns = [
    path("landskab/", views.LandscapeHomeView.as_view(), name="landscape_home"),
    *impact_urls.urlpatterns,
    *map_urls.urlpatterns,
    *consolidation_urls.urlpatterns,
    *suppliers_urls.urlpatterns,
    *attestation_urls.urlpatterns,
]
