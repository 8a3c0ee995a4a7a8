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

# -- steering groups, meetings and decisions ------------------------------------------------

from . import decision_views  # noqa: E402

urlpatterns += [
    *_crud("styregrupper", "steeringgroup", decision_views.SteeringGroupListView,
           decision_views.SteeringGroupDetailView, decision_views.SteeringGroupCreateView,
           decision_views.SteeringGroupUpdateView, decision_views.SteeringGroupDeleteView),
    *_crud("beslutninger", "decision", decision_views.DecisionListView,
           decision_views.DecisionDetailView, decision_views.DecisionCreateView,
           decision_views.DecisionUpdateView, decision_views.DecisionDeleteView),
    path("styregrupper/<uuid:uuid>/moeder/ny/", decision_views.MeetingCreateView.as_view(),
         name="meeting_create"),
    path("moeder/<uuid:uuid>/rediger/", decision_views.MeetingUpdateView.as_view(),
         name="meeting_update"),
    path("moeder/<uuid:uuid>/slet/", decision_views.MeetingDeleteView.as_view(),
         name="meeting_delete"),
]
