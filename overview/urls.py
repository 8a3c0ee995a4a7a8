"""The pages that look across every app: home, dashboard, my page, search."""

from django.urls import path

from kitos.views import ActiveOrganisationRedirectView

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "oversigt/",
        ActiveOrganisationRedirectView.as_view(route="dashboard"),
        name="dashboard_active",
    ),
    path(
        "organisationer/<slug:slug>/oversigt/", views.DashboardView.as_view(), name="dashboard"
    ),
    path("min-side/", views.MyPageView.as_view(), name="my_page"),
    path("soeg/", views.SearchView.as_view(), name="search"),
]
