"""Organisation and role pages: units, persons, role assignments, role types,
vacancies, candidates, the competency matrix and a person's hand-over."""

from django.urls import path

from . import competence_views, detail_views, vacancy_assign, views

urlpatterns = [
    path("roller/oversigt/", views.RoleOverviewView.as_view(), name="role_overview"),
    path("roller/ledige/", views.VacancyReportView.as_view(), name="vacancy_report"),
    path(
        "roller/ledige/tildel/", vacancy_assign.VacancyAssignView.as_view(),
        name="vacancy_assign",
    ),
    path(
        "roller/<uuid:uuid>/kandidater/",
        views.RoleCandidatesView.as_view(),
        name="role_candidates",
    ),
    path(
        "kompetencer/matrix/", views.CompetencyMatrixView.as_view(), name="competency_matrix"
    ),
    path(
        "kompetencer/matrix/excel/",
        views.CompetencyMatrixExportView.as_view(),
        name="competency_matrix_export",
    ),
    path(
        "personer/<uuid:uuid>/ansvar/",
        views.PersonResponsibilitiesView.as_view(),
        name="person_responsibilities",
    ),
    path(
        "personer/<uuid:uuid>/ansvar/overdrag/",
        views.PersonHandoverView.as_view(),
        name="person_handover",
    ),
    path("enheder/", views.OrganisationUnitListView.as_view(), name="organisationunit_list"),
    path("personer/", views.PersonListView.as_view(), name="person_list"),
    path("rolletildelinger/", views.RoleAssignmentListView.as_view(), name="roleassignment_list"),
    path(
        "enheder/ny/",
        detail_views.OrganisationUnitCreateView.as_view(),
        name="organisationunit_create",
    ),
    path(
        "enheder/<uuid:uuid>/",
        detail_views.OrganisationUnitDetailView.as_view(),
        name="organisationunit_detail",
    ),
    path(
        "enheder/<uuid:uuid>/rediger/",
        detail_views.OrganisationUnitUpdateView.as_view(),
        name="organisationunit_update",
    ),
    path(
        "enheder/<uuid:uuid>/slet/",
        detail_views.OrganisationUnitDeleteView.as_view(),
        name="organisationunit_delete",
    ),
    path("personer/ny/", detail_views.PersonCreateView.as_view(), name="person_create"),
    path("personer/<uuid:uuid>/", detail_views.PersonDetailView.as_view(), name="person_detail"),
    path(
        "personer/<uuid:uuid>/rediger/",
        detail_views.PersonUpdateView.as_view(),
        name="person_update",
    ),
    path(
        "personer/<uuid:uuid>/slet/",
        detail_views.PersonDeleteView.as_view(),
        name="person_delete",
    ),
    path(
        "personer/<uuid:uuid>/kompetencer/ny/",
        detail_views.CompetencyCreateView.as_view(),
        name="competency_create",
    ),
    path(
        "kompetencer/<uuid:uuid>/rediger/",
        detail_views.CompetencyUpdateView.as_view(),
        name="competency_update",
    ),
    path(
        "kompetencer/<uuid:uuid>/slet/",
        detail_views.CompetencyDeleteView.as_view(),
        name="competency_delete",
    ),
    path(
        "rolletildelinger/ny/<slug:kind>/<uuid:uuid>/",
        detail_views.RoleAssignmentCreateView.as_view(),
        name="roleassignment_create",
    ),
    path(
        "rolletildelinger/<uuid:uuid>/rediger/",
        detail_views.RoleAssignmentUpdateView.as_view(),
        name="roleassignment_update",
    ),
    path(
        "rolletildelinger/<uuid:uuid>/slet/",
        detail_views.RoleAssignmentDeleteView.as_view(),
        name="roleassignment_delete",
    ),
    # Competence targets, the gap view, the training plan, role guidelines.
    path("kompetencer/maal/", competence_views.CompetencyTargetListView.as_view(),
         name="competencytarget_list"),
    path("kompetencer/maal/ny/", competence_views.CompetencyTargetCreateView.as_view(),
         name="competencytarget_create"),
    path("kompetencer/maal/<uuid:uuid>/rediger/",
         competence_views.CompetencyTargetUpdateView.as_view(),
         name="competencytarget_update"),
    path("kompetencer/maal/<uuid:uuid>/slet/",
         competence_views.CompetencyTargetDeleteView.as_view(),
         name="competencytarget_delete"),
    path("kompetencer/gab/", competence_views.CompetencyGapView.as_view(),
         name="competency_gaps"),
    path("kompetencer/gab/excel/", competence_views.CompetencyGapExportView.as_view(),
         name="competency_gaps_export"),
    path("kompetencer/uddannelsesplan/", competence_views.TrainingPlanItemListView.as_view(),
         name="trainingplanitem_list"),
    path("kompetencer/uddannelsesplan/ny/",
         competence_views.TrainingPlanItemCreateView.as_view(),
         name="trainingplanitem_create"),
    path("kompetencer/uddannelsesplan/<uuid:uuid>/rediger/",
         competence_views.TrainingPlanItemUpdateView.as_view(),
         name="trainingplanitem_update"),
    path("kompetencer/uddannelsesplan/<uuid:uuid>/slet/",
         competence_views.TrainingPlanItemDeleteView.as_view(),
         name="trainingplanitem_delete"),
    path("roller/<uuid:uuid>/retningslinjer/ny/",
         competence_views.RoleGuidelineCreateView.as_view(),
         name="roleguideline_create"),
    path("retningslinjer/<uuid:uuid>/rediger/",
         competence_views.RoleGuidelineUpdateView.as_view(),
         name="roleguideline_update"),
]
