"""Import pages: upload, templates, runs with their progress, report and commit."""

from django.urls import path

from kitos.views import ActiveOrganisationRedirectView

from . import views

urlpatterns = [
    path(
        "import/",
        ActiveOrganisationRedirectView.as_view(route="import_start"),
        name="import_home",
    ),
    path(
        "organisationer/<slug:slug>/import/",
        views.ImportStartView.as_view(),
        name="import_start",
    ),
    path("import/skabeloner/", views.ImportTemplateView.as_view(), name="import_template"),
    path(
        "import/skabeloner/<slug:entity>.xlsx",
        views.ImportTemplateView.as_view(),
        name="import_template_entity",
    ),
    path(
        "import/<uuid:uuid>/",
        views.ImportRunDetailView.as_view(),
        name="import_run_detail",
    ),
    path(
        "import/<uuid:uuid>/status/",
        views.ImportRunStatusView.as_view(),
        name="import_run_status",
    ),
    path(
        "import/<uuid:uuid>/gennemfoer/",
        views.ImportRunCommitView.as_view(),
        name="import_run_commit",
    ),
    path(
        "import/<uuid:uuid>/fejl.xlsx",
        views.ImportRunMarkedView.as_view(),
        name="import_run_marked",
    ),
]
