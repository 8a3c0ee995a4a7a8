"""Governance pages: strategic goals, the project portfolio and status reports."""

from django.urls import path

from . import views


def _crud(prefix: str, name: str, list_view, detail, create, update, delete):
    return [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}/ny/", create.as_view(), name=f"{name}_create"),
        path(f"{prefix}/<uuid:uuid>/", detail.as_view(), name=f"{name}_detail"),
        path(f"{prefix}/<uuid:uuid>/rediger/", update.as_view(), name=f"{name}_update"),
        path(f"{prefix}/<uuid:uuid>/slet/", delete.as_view(), name=f"{name}_delete"),
    ]


urlpatterns = [
    *_crud("maal", "strategicgoal", views.StrategicGoalListView,
           views.StrategicGoalDetailView, views.StrategicGoalCreateView,
           views.StrategicGoalUpdateView, views.StrategicGoalDeleteView),
    *_crud("projekter", "project", views.ProjectListView, views.ProjectDetailView,
           views.ProjectCreateView, views.ProjectUpdateView, views.ProjectDeleteView),
    path("statusrapporter/", views.ProjectStatusReportListView.as_view(),
         name="projectstatusreport_list"),
    path("projekter/<uuid:uuid>/status/ny/", views.ProjectStatusReportCreateView.as_view(),
         name="projectstatusreport_create"),
    path("statusrapporter/<uuid:uuid>/", views.ProjectStatusReportDetailView.as_view(),
         name="projectstatusreport_detail"),
    path("statusrapporter/<uuid:uuid>/rediger/",
         views.ProjectStatusReportUpdateView.as_view(), name="projectstatusreport_update"),
    path("statusrapporter/<uuid:uuid>/slet/", views.ProjectStatusReportDeleteView.as_view(),
         name="projectstatusreport_delete"),
]
