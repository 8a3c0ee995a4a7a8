"""The consolidation part's pages (included by landscape/urls.py)."""

from django.urls import path

from . import consolidation_views

urlpatterns = [
    path("landskab/dubletter/", consolidation_views.DuplicatesView.as_view(),
         name="landscape_duplicates"),
    path("landskab/kle-daekning/", consolidation_views.KleCoverageView.as_view(),
         name="kle_coverage"),
]
