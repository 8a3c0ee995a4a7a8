"""The map part's pages (included by landscape/urls.py)."""

from django.urls import path

from . import map_views

urlpatterns = [
    path("landskab/kort/", map_views.LandscapeMapView.as_view(), name="landscape_map"),
    path("landskab/kort/data/", map_views.LandscapeMapDataView.as_view(),
         name="landscape_map_data"),
    path("landskab/kort/svg/", map_views.LandscapeMapSvgView.as_view(),
         name="landscape_map_svg"),
]
