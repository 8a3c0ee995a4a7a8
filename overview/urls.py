"""The pages that look across every app: home, dashboard, my page, search."""

from django.urls import path

from kitos.views import ActiveOrganisationRedirectView

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("start/", views.StartView.as_view(), name="start"),
    path(
        "oversigt/",
        ActiveOrganisationRedirectView.as_view(route="dashboard"),
        name="dashboard_active",
    ),
    path(
        "organisationer/<slug:slug>/oversigt/", views.DashboardView.as_view(), name="dashboard"
    ),
    path(
        "organisationer/<slug:slug>/oversigt/vaelg/",
        views.DashboardScopeView.as_view(),
        name="dashboard_scope",
    ),
    path("min-side/", views.MyPageView.as_view(), name="my_page"),
    path("soeg/", views.SearchView.as_view(), name="search"),
]
