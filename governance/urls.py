"""Governance pages: strategic goals, the project portfolio, status reports, benefits,
steering groups, meetings and decisions."""

from django.urls import path

from . import benefit_due_views, benefit_views, decision_views, views


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

# -- benefits ------------------------------------------------------------------------------

urlpatterns += [
    *_crud("gevinster", "benefit", benefit_views.BenefitListView,
           benefit_views.BenefitDetailView, benefit_views.BenefitCreateView,
           benefit_views.BenefitUpdateView, benefit_views.BenefitDeleteView),
    path("gevinster/<uuid:uuid>/maalinger/ny/",
         benefit_views.BenefitMeasurementCreateView.as_view(),
         name="benefitmeasurement_create"),
    path("gevinstmaalinger/<uuid:uuid>/rediger/",
         benefit_views.BenefitMeasurementUpdateView.as_view(),
         name="benefitmeasurement_update"),
    path("gevinstmaalinger/<uuid:uuid>/slet/",
         benefit_views.BenefitMeasurementDeleteView.as_view(),
         name="benefitmeasurement_delete"),
    path("portefoelje/gevinster/", benefit_views.BenefitPortfolioView.as_view(),
         name="benefit_portfolio"),
    path("projekter/<uuid:uuid>/gevinstdiagram/", benefit_views.BenefitDiagramView.as_view(),
         name="benefit_diagram"),
]

# -- steering groups, meetings and decisions ------------------------------------------------

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

# -- new-system requests (the buying process) -----------------------------------------------

from . import request_views  # noqa: E402  (appended section)

urlpatterns += [
    path("portefoelje/anmodninger/dublettjek/", request_views.DuplicateCheckView.as_view(),
         name="newsystemrequest_duplicates"),
    *_crud("portefoelje/anmodninger", "newsystemrequest",
           request_views.NewSystemRequestListView, request_views.NewSystemRequestDetailView,
           request_views.NewSystemRequestCreateView, request_views.NewSystemRequestUpdateView,
           request_views.NewSystemRequestDeleteView),
    path("portefoelje/anmodninger/<uuid:uuid>/indsend/",
         request_views.RequestSubmitView.as_view(), name="newsystemrequest_submit"),
    path("portefoelje/anmodninger/<uuid:uuid>/vurder/",
         request_views.RequestSignOffView.as_view(), name="newsystemrequest_sign"),
    path("portefoelje/anmodninger/<uuid:uuid>/traek-tilbage/",
         request_views.RequestWithdrawView.as_view(), name="newsystemrequest_withdraw"),
]

# -- a benefit's due dates (measurement points) ---------------------------------------------

urlpatterns += [
    path("gevinster/<uuid:uuid>/forfaldsdatoer/ny/",
         benefit_due_views.BenefitDueDateCreateView.as_view(), name="benefitduedate_create"),
    path("gevinstforfaldsdatoer/<uuid:uuid>/rediger/",
         benefit_due_views.BenefitDueDateUpdateView.as_view(), name="benefitduedate_update"),
    path("gevinstforfaldsdatoer/<uuid:uuid>/slet/",
         benefit_due_views.BenefitDueDateDeleteView.as_view(), name="benefitduedate_delete"),
]

# -- principles, architecture reviews and the compliance matrix ---------------------------

from . import principle_views  # noqa: E402

urlpatterns += [
    path("portefoelje/principper/matrix/", principle_views.ComplianceMatrixView.as_view(),
         name="principle_matrix"),
    *_crud("portefoelje/principper", "principle", principle_views.PrincipleListView,
           principle_views.PrincipleDetailView, principle_views.PrincipleCreateView,
           principle_views.PrincipleUpdateView, principle_views.PrincipleDeleteView),
    path("portefoelje/principper/<uuid:uuid>/ny-version/",
         principle_views.PrincipleNewVersionView.as_view(), name="principle_new_version"),
    path("portefoelje/arkitekturvurderinger/",
         principle_views.ArchitectureReviewListView.as_view(),
         name="architecturereview_list"),
    path("portefoelje/arkitekturvurderinger/<uuid:uuid>/",
         principle_views.ArchitectureReviewDetailView.as_view(),
         name="architecturereview_detail"),
    path("portefoelje/arkitekturvurderinger/<uuid:uuid>/rediger/",
         principle_views.ArchitectureReviewUpdateView.as_view(),
         name="architecturereview_update"),
    path("portefoelje/arkitekturvurderinger/<uuid:uuid>/slet/",
         principle_views.ArchitectureReviewDeleteView.as_view(),
         name="architecturereview_delete"),
    path("projekter/<uuid:uuid>/vurder-principper/",
         principle_views.ProjectReviewView.as_view(), name="project_review"),
    path("portefoelje/anmodninger/<uuid:uuid>/vurder-principper/",
         principle_views.RequestReviewView.as_view(), name="newsystemrequest_review"),
    path("systemanvendelser/<uuid:uuid>/vurder-principper/",
         principle_views.UsageReviewView.as_view(), name="systemusage_review"),
]
